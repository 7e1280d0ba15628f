package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// sessionKey reads the server's secret (it signs anonymous CSRF tokens and enrolment
// forms) from path, creating it with 32 random bytes, readable by the owner only, if it
// does not exist yet.
func sessionKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the session key path from the operator's configuration
	if err == nil {
		if len(b) < 32 {
			return nil, fmt.Errorf("session key %s is shorter than 32 bytes", path)
		}
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read session key: %w", err)
	}
	b = make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return nil, fmt.Errorf("write session key: %w", err)
	}
	return b, nil
}
