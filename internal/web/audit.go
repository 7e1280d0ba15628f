package web

import (
	"context"
	"crypto/ed25519"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/i18n"
	"congquy/internal/store"
)

// auditLogData is the audit log page.
type auditLogData struct {
	Rows                              []store.AuditRow
	Entity, EntityID, Actor, From, To string
	Unit                              unitChoice
	AllUnits                          bool
	Pager                             pager
}

// auditLog lists audit events by entity, user, unit and date range.
func (s *Server) auditLog(c echo.Context) error {
	ch, err := s.chooseUnit(c, auth.PermAuditView)
	if err != nil {
		return err
	}
	f := store.AuditFilter{Within: scope(c, auth.PermAuditView), Entity: clip(c.QueryParam("entity"), 60),
		EntityID: clip(c.QueryParam("entity_id"), 100), Actor: clip(c.QueryParam("actor"), 64), Page: pageParam(c)}
	d := auditLogData{Entity: f.Entity, EntityID: f.EntityID, Actor: f.Actor, Unit: ch, AllUnits: c.QueryParam("unit") == ""}
	if !d.AllUnits {
		f.UnitID = ch.Chosen.ID
	}
	if t, err := time.ParseInLocation("2006-01-02", c.QueryParam("from"), i18n.Zone); err == nil {
		f.From, d.From = &t, t.Format("2006-01-02")
	}
	if t, err := time.ParseInLocation("2006-01-02", c.QueryParam("to"), i18n.Zone); err == nil {
		end := t.AddDate(0, 0, 1)
		f.To, d.To = &end, t.Format("2006-01-02")
	}
	var total int
	if d.Rows, total, err = s.store.ListAudit(c.Request().Context(), f); err != nil {
		return err
	}
	d.Pager = newPager(c, f.Page, total)
	return s.show(c, "audit/log", "audit.log.title", d)
}

// historyData is one entity's history.
type historyData struct {
	Entity, EntityID string
	Rows             []store.AuditRow
	Pager            pager
}

// auditHistory shows every event of one record, oldest first, with before and after.
func (s *Server) auditHistory(c echo.Context) error {
	f := store.AuditFilter{Within: scope(c, auth.PermAuditView), Entity: clip(c.QueryParam("entity"), 60), EntityID: clip(c.QueryParam("id"), 100),
		Page: pageParam(c)}
	if f.Entity == "" || f.EntityID == "" {
		return apperr.New(apperr.Invalid, "Hãy chọn đối tượng và mã của nó.", "Choose a record kind and its id.")
	}
	rows, total, err := s.store.ListAudit(c.Request().Context(), f)
	if err != nil {
		return err
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return s.show(c, "audit/history", "audit.history.title", historyData{Entity: f.Entity, EntityID: f.EntityID, Rows: rows,
		Pager: newPager(c, f.Page, total)})
}

// verifyRuns is the verification running in the background, if any, and its progress.
type verifyRuns struct {
	mu      sync.Mutex
	running bool
	events  int64
	started time.Time
	lastErr string
}

func newVerifyRuns() *verifyRuns { return &verifyRuns{} }

// verifyData is the verification page.
type verifyData struct {
	Runs        []store.Verification
	Checkpoints []store.CheckpointRow
	Running     bool
	Events      int64
	Started     time.Time
	Error       string
	CanVerify   bool
}

func (s *Server) verifyState(c echo.Context) (verifyData, error) {
	ctx := c.Request().Context()
	runs, err := s.store.Verifications(ctx, 10)
	if err != nil {
		return verifyData{}, err
	}
	cps, err := s.store.Checkpoints(ctx, 10)
	if err != nil {
		return verifyData{}, err
	}
	s.verify.mu.Lock()
	defer s.verify.mu.Unlock()
	a := actorOf(c)
	return verifyData{Runs: runs, Checkpoints: cps, Running: s.verify.running, Events: s.verify.events,
		Started: s.verify.started, Error: s.verify.lastErr, CanVerify: a != nil && a.Can(auth.PermAuditVerify)}, nil
}

// auditVerifyPage shows the last verifications and checkpoints; htmx polls its status
// block while a run is in progress.
func (s *Server) auditVerifyPage(c echo.Context) error {
	d, err := s.verifyState(c)
	if err != nil {
		return err
	}
	return s.show(c, "audit/verify", "audit.verify.title", d)
}

// auditVerifyStart starts a verification in the background (one at a time).
func (s *Server) auditVerifyStart(c echo.Context) error {
	actor := *actorOf(c)
	s.verify.mu.Lock()
	if !s.verify.running {
		s.verify.running, s.verify.events, s.verify.started, s.verify.lastErr = true, 0, s.now(), ""
		go s.runVerification(actor)
	}
	s.verify.mu.Unlock()
	if c.Request().Header.Get("HX-Request") == "true" {
		d, err := s.verifyState(c)
		if err != nil {
			return err
		}
		return s.render(c, http.StatusOK, "audit/verify", "verify-status", s.newPage(c, "audit.verify.title", d))
	}
	return c.Redirect(http.StatusSeeOther, "/audit/verify")
}

// runVerification verifies the whole trail and records the result.
func (s *Server) runVerification(actor auth.Actor) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	opts := store.VerifyOptions{ProgressEvery: 10_000, Progress: func(n int64) {
		s.verify.mu.Lock()
		s.verify.events = n
		s.verify.mu.Unlock()
	}}
	if s.signer != nil {
		if key, err := s.signer(); err == nil {
			opts.PublicKey = key.Public().(ed25519.PublicKey)
		}
	}
	rep, err := s.store.VerifyAudit(ctx, opts)
	if err == nil {
		_, err = s.store.RecordVerification(ctx, actor, rep)
	}
	s.verify.mu.Lock()
	defer s.verify.mu.Unlock()
	s.verify.running = false
	if err != nil {
		s.verify.lastErr = "request " + strconv.FormatInt(time.Now().Unix(), 10)
		s.log.Error("audit verification", "error", err.Error())
	}
}
