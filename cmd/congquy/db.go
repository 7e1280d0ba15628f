package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"congquy/internal/pgserver"
)

// cmdDB prints the owner DATABASE_URL congquy would use (env), or runs a command with it
// set (exec), keeping a private cluster running for the command's lifetime. `make test`
// runs the test suite this way, so that tests follow the same database rule as the app.
func cmdDB(ctx context.Context, e *env, args []string) error {
	fs, err := e.parse("db", args, nil)
	if err != nil {
		return err
	}
	sub := fs.Arg(0)
	if sub != "env" && sub != "exec" {
		return fmt.Errorf("usage: congquy db env | congquy db exec -- CMD [ARGS…]")
	}
	srv, err := pgserver.Start(ctx, pgserver.Options{
		DatabaseURL: e.cfg.DatabaseURL, DataDir: e.cfg.DataDir + "/pg-test", Ephemeral: true, Logger: e.log,
	})
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer srv.Stop()
	if sub == "env" {
		fmt.Fprintf(e.out, "DATABASE_URL=%s\n", srv.URL)
		return nil
	}
	rest := fs.Args()[1:]
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return fmt.Errorf("usage: congquy db exec -- CMD [ARGS…]")
	}
	cmd := exec.CommandContext(ctx, rest[0], rest[1:]...) // #nosec G204 G702 -- `congquy db exec -- CMD` runs the operator's own command with DATABASE_URL set, by design
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, e.out, e.errOut
	cmd.Env = append(os.Environ(), "DATABASE_URL="+srv.URL, "CONGQUY_TEST_ADMIN_URL="+srv.AdminURL)
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitCode(ee.ExitCode())
	}
	return err
}
