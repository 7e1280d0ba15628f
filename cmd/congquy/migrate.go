package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"congquy/migrations"
)

// cmdMigrate applies (up) or lists (status) the schema migrations.
func cmdMigrate(ctx context.Context, e *env, args []string) error {
	fs, err := e.parse("migrate", args, nil)
	if err != nil {
		return err
	}
	sub := fs.Arg(0)
	if sub != "up" && sub != "status" {
		return fmt.Errorf("usage: congquy migrate up|status")
	}
	srv, err := e.database(ctx)
	if err != nil {
		return err
	}
	defer srv.Stop()
	if sub == "up" {
		return migrateUp(ctx, e, srv.URL)
	}
	st, err := migrations.Status(ctx, srv.URL)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tSTATE\tFILE")
	for _, m := range st {
		state := "pending"
		if m.Applied {
			state = "applied"
		}
		fmt.Fprintf(tw, "%05d\t%s\t%s\n", m.Version, state, m.Name)
	}
	return tw.Flush()
}

// migrateUp applies the pending migrations and says what it did.
func migrateUp(ctx context.Context, e *env, ownerURL string) error {
	done, err := migrations.Up(ctx, ownerURL)
	if err != nil {
		return err
	}
	if len(done) == 0 {
		fmt.Fprintf(e.out, "schema is current (version %d)\n", migrations.Latest())
		return nil
	}
	fmt.Fprintf(e.out, "applied %d migration(s); schema at version %d\n", len(done), done[len(done)-1])
	return nil
}
