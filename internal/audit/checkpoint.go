package audit

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Checkpoint is a signed statement of every chain's head at one moment. An inspector
// keeps the exported file; verify compares the chains with it, so that a chain cut short
// or rewritten from scratch (hashes and all) is caught.
type Checkpoint struct {
	ID        int64  `json:"id,omitempty"`
	Payload   string `json:"payload"`   // the exact signed bytes (canonical JSON of Body)
	Signature string `json:"signature"` // base64 Ed25519 signature of Payload
	Body      Body   `json:"-"`
}

// Body is what a checkpoint states. Its fields are in byte order of their JSON names, so
// that encoding/json writes them canonically.
type Body struct {
	CreatedAt string `json:"created_at"` // UTC, RFC 3339 with microseconds
	Heads     []Head `json:"heads"`      // sorted by chain
	KeyID     string `json:"key_id"`     // KeyID of the public key
	PublicKey string `json:"public_key"` // base64 Ed25519 public key
	Version   int    `json:"version"`
}

// KeyID names a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	s := sha256.Sum256(pub)
	return hex.EncodeToString(s[:8])
}

// Sign makes a checkpoint of the heads with the key.
func Sign(key ed25519.PrivateKey, heads []Head, at time.Time) (Checkpoint, error) {
	pub := key.Public().(ed25519.PublicKey)
	hs := append([]Head(nil), heads...)
	sort.Slice(hs, func(i, j int) bool { return hs[i].Chain < hs[j].Chain })
	if hs == nil {
		hs = []Head{}
	}
	b := Body{CreatedAt: at.UTC().Format(timeFormat), Heads: hs, KeyID: KeyID(pub),
		PublicKey: base64.StdEncoding.EncodeToString(pub), Version: 1}
	payload, err := encode(b)
	if err != nil {
		return Checkpoint{}, err
	}
	sig := ed25519.Sign(key, payload)
	return Checkpoint{Payload: string(payload), Signature: base64.StdEncoding.EncodeToString(sig), Body: b}, nil
}

// Check verifies the checkpoint's signature with pub (the configured key: a checkpoint
// signed by any other key is refused, whatever key it carries) and decodes its body.
func (c *Checkpoint) Check(pub ed25519.PublicKey) error {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil {
		return fmt.Errorf("signature is not base64")
	}
	if pub == nil {
		return errors.New("no public key to verify the signature with")
	}
	if !ed25519.Verify(pub, []byte(c.Payload), sig) {
		return fmt.Errorf("signature does not verify with the configured key %s", KeyID(pub))
	}
	if err := json.Unmarshal([]byte(c.Payload), &c.Body); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	if c.Body.KeyID != KeyID(pub) {
		return fmt.Errorf("payload names key %s, signed by %s", c.Body.KeyID, KeyID(pub))
	}
	return nil
}

// ReadCheckpointFile reads an exported checkpoint.
func ReadCheckpointFile(path string) (Checkpoint, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- a checkpoint file the inspector names on the command line
	if err != nil {
		return Checkpoint{}, err
	}
	var c Checkpoint
	if err := json.Unmarshal(b, &c); err != nil {
		return Checkpoint{}, fmt.Errorf("%s: not a checkpoint file: %w", path, err)
	}
	return c, nil
}

// WriteCheckpointFile exports a checkpoint as JSON.
func WriteCheckpointFile(path string, c Checkpoint) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644) // #nosec G306 -- a signed checkpoint is exported to inspectors: public by intent, holds no secret
}

// LoadOrCreateKey reads the Ed25519 signing key from path (PKCS #8 PEM), creating it
// with mode 0600 (and its directory 0700) if it does not exist yet.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, bool, error) {
	key, err := LoadKey(path)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	_, key, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("signing key directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- the signing key path from the operator's configuration; created 0600
	if errors.Is(err, fs.ErrExist) {
		// another process created it first
		k, err := LoadKey(path)
		return k, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("create signing key: %w", err)
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		_ = f.Close()
		return nil, false, err
	}
	return key, true, f.Close()
}

// LoadKey reads the Ed25519 signing key from path.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the signing key path from the operator's configuration (CONGQUY_CHECKPOINT_KEY)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("%s: not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key", path)
	}
	return key, nil
}

// encode writes v as compact JSON (struct fields in declaration order, map keys sorted)
// without HTML escaping.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
