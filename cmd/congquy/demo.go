package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"congquy/internal/demo"
	"congquy/internal/store"
)

// cmdDemo loads the demo data into an empty, migrated database.
func cmdDemo(ctx context.Context, e *env, args []string) error {
	if _, err := e.parse("demo", args, nil); err != nil {
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
	if err := st.CheckSchema(ctx); err != nil {
		return err
	}
	sum, err := demo.Load(ctx, st, demo.Seed)
	if err != nil {
		return err
	}
	printDemo(e, sum)
	return nil
}

// loadDemoIfEmpty loads the demo data unless the database has data; either way it prints
// the demo logins, so that `make run` always tells a newcomer how to sign in.
func loadDemoIfEmpty(ctx context.Context, e *env, st *store.Store) error {
	n, err := st.CountUnits(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintln(e.out, "database has data; demo data not loaded again")
		printDemo(e, demo.Logins())
		return nil
	}
	sum, err := demo.Load(ctx, st, demo.Seed)
	if err != nil {
		return err
	}
	printDemo(e, sum)
	return nil
}

func printDemo(e *env, sum demo.Summary) {
	if sum.Units > 0 {
		fmt.Fprintf(e.out, "demo data loaded: %d units\n", sum.Units)
	}
	if sum.Vouchers > 0 {
		fmt.Fprintf(e.out, "demo budget 2026: estimates allotted to every office, %d vouchers (%d approved and posted, %d refused for lack of budget)\n",
			sum.Vouchers, sum.Posted, sum.Refused)
	}
	if len(sum.Logins) == 0 {
		return
	}
	fmt.Fprintln(e.out, "\nDemo logins (demo data only — change them before real use):")
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  LOGIN\tPASSWORD\tROLE\tUNIT")
	for _, l := range sum.Logins {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Login, l.Password, l.Role, l.Unit)
	}
	_ = tw.Flush()
	fmt.Fprintln(e.out)
}
