package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/store"
	"congquy/internal/web"
)

// cmdServe serves the web application until SIGTERM or Ctrl-C.
func cmdServe(ctx context.Context, e *env, args []string) error {
	var migrate, demo bool
	_, err := e.parse("serve", args, func(fs *flag.FlagSet) {
		fs.BoolVar(&migrate, "migrate", false, "apply pending migrations before serving")
		fs.BoolVar(&demo, "demo", false, "load the demo data if the database is empty")
	})
	if err != nil {
		return err
	}
	srv, err := e.database(ctx)
	if err != nil {
		return err
	}
	defer srv.Stop()
	if migrate {
		if err := migrateUp(ctx, e, srv.URL); err != nil {
			return err
		}
	}
	st, err := e.openStore(ctx, srv)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); err != nil {
		if errors.Is(err, store.ErrSchemaBehind) || apperr.Is(err, apperr.Unavailable) {
			return fmt.Errorf("%w\n(the schema is behind: run `congquy migrate up`, or `congquy serve --migrate`)", err)
		}
		return err
	}
	// Budget reference data shipped with this version (classification sets, norms).
	if loaded, err := st.LoadBuiltinReference(ctx, auth.System("refdata")); err != nil {
		return err
	} else if len(loaded) > 0 {
		e.log.Info("loaded built-in reference data", "sets", loaded)
	}
	if demo {
		if err := loadDemoIfEmpty(ctx, e, st); err != nil {
			return err
		}
	}
	key, err := sessionKey(e.cfg.SessionKeyFile)
	if err != nil {
		return err
	}
	if !e.cfg.Secure() {
		e.log.Warn("CONGQUY_BASE_URL is plain http on a host other than localhost: browsers will not keep congquy's Secure session cookies; serve it over https", "base_url", e.cfg.BaseURL)
	}
	signer := keySigner(e)
	w, err := web.New(web.Deps{Config: e.cfg, Store: st, Logger: e.log, Version: version, SessionKey: key, Signer: signer})
	if err != nil {
		return err
	}
	startAuditJobs(ctx, e, st, w.Registry(), signer)
	fmt.Fprintf(e.out, "congquy %s is serving on %s\n", version, e.cfg.BaseURL)
	return w.Run(ctx)
}
