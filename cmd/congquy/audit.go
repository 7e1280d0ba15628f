package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"congquy/internal/audit"
	"congquy/internal/auth"
	"congquy/internal/store"
)

// cmdAudit runs the audit trail's tools: verify, checkpoint, seal.
func cmdAudit(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: congquy audit verify [--checkpoint FILE]… | checkpoint [--out FILE] | seal")
	}
	switch args[0] {
	case "verify":
		return auditVerify(ctx, e, args[1:])
	case "checkpoint":
		return auditCheckpoint(ctx, e, args[1:])
	case "seal":
		return auditSeal(ctx, e, args[1:])
	}
	return fmt.Errorf("congquy audit: unknown command %q (verify, checkpoint, seal)", args[0])
}

// withStore opens the database and the store for a subcommand.
func withStore(ctx context.Context, e *env, fn func(st *store.Store) error) error {
	srv, err := e.database(ctx)
	if err != nil {
		return err
	}
	defer srv.Stop()
	st, err := e.openStore(ctx, srv)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		return err
	}
	return fn(st)
}

// auditVerify recomputes every chain and checks every checkpoint; exit status 1 on any
// problem, naming the first bad event.
func auditVerify(ctx context.Context, e *env, args []string) error {
	var files []string
	var unsealedAfter time.Duration
	var record bool
	_, err := e.parse("audit verify", args, func(fs *flag.FlagSet) {
		fs.Func("checkpoint", "an exported checkpoint file to compare with (repeatable)", func(s string) error {
			files = append(files, s)
			return nil
		})
		fs.DurationVar(&unsealedAfter, "unsealed-after", 10*time.Minute, "report events older than this that were never sealed")
		fs.BoolVar(&record, "record", true, "record the result for the inspector's page")
	})
	if err != nil {
		return err
	}
	opts := store.VerifyOptions{UnsealedAfter: unsealedAfter, ProgressEvery: 100_000,
		Progress: func(n int64) { fmt.Fprintf(e.errOut, "verified %d events…\n", n) }}
	if key, err := audit.LoadKey(e.cfg.SigningKeyFile); err == nil {
		opts.PublicKey = key.Public().(ed25519.PublicKey)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("signing key: %w", err)
	}
	for _, f := range files {
		c, err := audit.ReadCheckpointFile(f)
		if err != nil {
			return err
		}
		opts.Files = append(opts.Files, c)
	}
	// The verifier streams, so its live heap is a few megabytes whatever the trail's size;
	// collecting less often trades a few tens of megabytes for a fifth of its CPU time.
	debug.SetGCPercent(400)
	return withStore(ctx, e, func(st *store.Store) error {
		rep, err := st.VerifyAudit(ctx, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.out, "%d events in %d chains, %d checkpoints, %d old unsealed events, %s\n",
			rep.Events, rep.Chains, rep.Checkpoints, rep.UnsealedOld, rep.Finished.Sub(rep.Started).Round(time.Millisecond))
		if record {
			if _, err := st.RecordVerification(ctx, auth.System("cli"), rep); err != nil {
				return err
			}
		}
		if rep.OK() {
			fmt.Fprintln(e.out, "audit trail verifies: OK")
			return nil
		}
		fmt.Fprintf(e.out, "FAILED: %d problem(s); first bad event: %s\n", len(rep.Problems), rep.Problems[0])
		for _, p := range rep.Problems[1:] {
			fmt.Fprintf(e.out, "  %s\n", p)
		}
		return exitCode(1)
	})
}

// auditCheckpoint signs the current chain heads and writes the exportable file.
func auditCheckpoint(ctx context.Context, e *env, args []string) error {
	var out string
	_, err := e.parse("audit checkpoint", args, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "where to write the checkpoint file (default: $CONGQUY_DATA_DIR/checkpoints/…)")
	})
	if err != nil {
		return err
	}
	key, created, err := audit.LoadOrCreateKey(e.cfg.SigningKeyFile)
	if err != nil {
		return fmt.Errorf("signing key: %w", err)
	}
	if created {
		fmt.Fprintf(e.errOut, "created the signing key %s (keep it outside the database and back it up)\n", e.cfg.SigningKeyFile)
	}
	return withStore(ctx, e, func(st *store.Store) error {
		c, err := st.Checkpoint(ctx, auth.System("cli"), key, "manual")
		if err != nil {
			return err
		}
		if out == "" {
			out = filepath.Join(e.cfg.DataDir, "checkpoints", "checkpoint-"+time.Now().UTC().Format("20060102T150405Z")+".json")
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
			return err
		}
		if err := audit.WriteCheckpointFile(out, c); err != nil {
			return err
		}
		fmt.Fprintf(e.out, "checkpoint #%d of %d chain(s) signed with key %s: %s\n", c.ID, len(c.Body.Heads), c.Body.KeyID, out)
		return nil
	})
}

// auditSeal seals every committed event now.
func auditSeal(ctx context.Context, e *env, args []string) error {
	if _, err := e.parse("audit seal", args, nil); err != nil {
		return err
	}
	return withStore(ctx, e, func(st *store.Store) error {
		n, err := st.SealAll(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.out, "sealed %d event(s)\n", n)
		return nil
	})
}
