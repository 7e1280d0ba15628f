// Command congquy is the whole application in one binary: the web server, the schema
// migrations, the demo data, the invariant checker and the operator's tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"congquy/internal/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `congquy — public funds: budget, revenue and public assets on an immutable ledger.

Usage:
  congquy serve [--migrate] [--demo] [flags]   serve the web application
  congquy migrate up|status                    apply or list schema migrations
  congquy demo                                 load demo data into an empty database
  congquy check                                run the invariant checker (exit 1 on violations)
  congquy audit verify [--checkpoint FILE]…    recompute the audit chains, check checkpoints (exit 1 on failure)
  congquy audit checkpoint [--out FILE]        sign the chain heads; write the exportable checkpoint file
  congquy audit seal                           seal every committed audit event now
  congquy db env|exec -- CMD…                  print, or run CMD with, the DATABASE_URL congquy would use
  congquy user create --login L --unit CODE --role R   create a user; prints a temporary password
  congquy version                              print the version

Configuration comes from the environment (see README.md): DATABASE_URL, CONGQUY_ADDR,
CONGQUY_BASE_URL, CONGQUY_LOG_LEVEL, CONGQUY_TRUSTED_PROXIES, CONGQUY_DATA_DIR, …
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	var ec exitCode
	switch {
	case errors.As(err, &ec):
		os.Exit(int(ec))
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "congquy:", err)
		os.Exit(1)
	}
}

// exitCode ends the program with a status and no further message.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// env is what every subcommand gets: configuration, output and logger.
type env struct {
	cfg    config.Config
	out    io.Writer
	errOut io.Writer
	log    *slog.Logger
}

// run dispatches to a subcommand; it is main without the process, for tests.
func run(ctx context.Context, args []string, getenv func(string) string, out, errOut io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(errOut, usage)
		return flag.ErrHelp
	}
	cmd, rest := args[0], args[1:]
	commands := map[string]func(context.Context, *env, []string) error{
		"serve":   cmdServe,
		"migrate": cmdMigrate,
		"demo":    cmdDemo,
		"check":   cmdCheck,
		"db":      cmdDB,
		"audit":   cmdAudit,
		"user":    cmdUser,
	}
	switch cmd {
	case "version", "--version", "-v":
		fmt.Fprintln(out, "congquy", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(out, usage)
		return nil
	}
	f, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(errOut, "congquy: unknown command %q\n\n%s", cmd, usage)
		return flag.ErrHelp
	}
	e := &env{cfg: config.Load(getenv), out: out, errOut: errOut}
	return f(ctx, e, rest)
}

// parse reads a subcommand's flags, validates the configuration and sets up the logger.
func (e *env) parse(name string, args []string, extra func(fs *flag.FlagSet)) (*flag.FlagSet, error) {
	fs := flag.NewFlagSet("congquy "+name, flag.ContinueOnError)
	fs.SetOutput(e.errOut)
	e.cfg.Flags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if err := e.cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	level, _ := e.cfg.SlogLevel()
	e.log = slog.New(slog.NewJSONHandler(e.errOut, &slog.HandlerOptions{Level: level}))
	return fs, nil
}
