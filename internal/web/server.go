// Package web is congquy's HTTP face: HTML pages with htmx and the JSON API, both over
// the same store methods. It is the only package that knows echo.
package web

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"congquy/internal/config"
	"congquy/internal/i18n"
	"congquy/internal/store"
)

// Deps are what the web layer needs; main builds them.
type Deps struct {
	Config  config.Config
	Store   *store.Store
	Logger  *slog.Logger
	Version string
	Now     func() time.Time // nil means time.Now
	// Signer returns the audit signing key, for the checkpoint taken at period close;
	// nil means no checkpoint is taken there (tests).
	Signer func() (ed25519.PrivateKey, error)
	// SessionKey signs anonymous CSRF tokens and enrolment forms; main reads it from
	// CONGQUY_SESSION_KEY_FILE. Nil means a random key for this process (tests).
	SessionKey []byte
}

// Server serves congquy over HTTP.
type Server struct {
	cfg     config.Config
	store   *store.Store
	log     *slog.Logger
	version string
	now     func() time.Time
	signer  func() (ed25519.PrivateKey, error)
	verify  *verifyRuns
	cat     *i18n.Catalog
	pages   *renderer
	metrics *metrics
	id      *identity
	e       *echo.Echo
	http    *http.Server
}

// New builds the server: templates are parsed and routes registered now, so that a broken
// template or route fails at start, not on a user's click.
func New(d Deps) (*Server, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	pages, err := newRenderer(cat)
	if err != nil {
		return nil, err
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Server{
		cfg: d.Config, store: d.Store, log: d.Logger, version: d.Version, now: d.Now, signer: d.Signer, verify: newVerifyRuns(),
		cat: cat, pages: pages, metrics: newMetrics(prometheus.NewRegistry()),
	}
	s.id = newIdentity(d)
	s.e = echo.New()
	s.e.HideBanner, s.e.HidePort = true, true
	s.e.HTTPErrorHandler = s.handleError
	s.e.IPExtractor = ipExtractor(d.Config.TrustedProxies)
	s.middleware()
	if err := s.register(); err != nil {
		return nil, err
	}
	s.http = &http.Server{
		Addr:              d.Config.Addr,
		Handler:           s.e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      d.Config.RequestTimeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(d.Logger.Handler(), slog.LevelWarn),
	}
	return s, nil
}

// Handler returns the HTTP handler, for tests (httptest) and embedding.
func (s *Server) Handler() http.Handler { return s.e }

// Echo returns the router, for tests that enumerate routes.
func (s *Server) Echo() *echo.Echo { return s.e }

// Run serves until ctx is done, then shuts down gracefully within the configured time.
func (s *Server) Run(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.http.ListenAndServe() }()
	go s.purgeLoop(ctx)
	s.log.Info("serving", "addr", s.cfg.Addr, "base_url", s.cfg.BaseURL, "version", s.version)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := s.http.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
