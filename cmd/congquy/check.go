package main

import (
	"context"
	"fmt"
)

// cmdCheck runs the invariant checker and exits 1 if anything is broken.
func cmdCheck(ctx context.Context, e *env, args []string) error {
	if _, err := e.parse("check", args, nil); err != nil {
		return err
	}
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
	results, err := st.Check(ctx, func(id string) { fmt.Fprintf(e.errOut, "checking %s…\n", id) })
	if err != nil {
		return err
	}
	total := 0
	for _, r := range results {
		fmt.Fprintf(e.out, "%-32s %d violation(s)\n", r.ID, len(r.Violations))
		for _, v := range r.Violations {
			fmt.Fprintf(e.out, "  %s %s: %s\n", v.Entity, v.ID, v.Detail)
		}
		total += len(r.Violations)
	}
	fmt.Fprintf(e.out, "%d invariant(s) checked, %d violation(s)\n", len(results), total)
	if total > 0 {
		return exitCode(1)
	}
	return nil
}
