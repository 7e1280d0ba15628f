package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
)

// route is one endpoint and the permission it needs. Every route congquy serves is listed
// in routes(), so that who may do what is readable in one place and testable from it.
type route struct {
	Method    string
	Path      string
	Perm      auth.Permission
	Handler   echo.HandlerFunc
	BodyLimit int64 // 0 means defaultBodyLimit
}

// routes lists every route. Keep it grouped by area and sorted by path within a group.
func (s *Server) routes() []route {
	return []route{
		// Operations.
		{Method: http.MethodGet, Path: "/healthz", Perm: auth.PermPublic, Handler: s.healthz},
		{Method: http.MethodGet, Path: "/readyz", Perm: auth.PermPublic, Handler: s.readyz},
		{Method: http.MethodGet, Path: "/metrics", Perm: auth.PermPublic, Handler: s.metricsPage},
		{Method: http.MethodGet, Path: "/static/*", Perm: auth.PermPublic, Handler: s.static},

		// Pages for everyone.
		{Method: http.MethodGet, Path: "/", Perm: auth.PermPublic, Handler: s.home},
		{Method: http.MethodPost, Path: "/lang", Perm: auth.PermPublic, Handler: s.switchLang},

		// Organisation.
		{Method: http.MethodGet, Path: "/units", Perm: auth.PermPublic, Handler: s.unitsList},

		// Ledger and reference chart of accounts.
		{Method: http.MethodGet, Path: "/ledger/account-ledger", Perm: auth.PermLedgerView, Handler: s.accountLedger},
		{Method: http.MethodGet, Path: "/ledger/entries/:id", Perm: auth.PermLedgerView, Handler: s.entry},
		{Method: http.MethodPost, Path: "/ledger/entries/:id/reverse", Perm: auth.PermLedgerPost, Handler: s.reverseEntry},
		{Method: http.MethodGet, Path: "/ledger/journal", Perm: auth.PermLedgerView, Handler: s.journal},
		{Method: http.MethodGet, Path: "/ledger/periods", Perm: auth.PermLedgerView, Handler: s.periods},
		{Method: http.MethodPost, Path: "/ledger/periods/acts/:id/decide", Perm: auth.PermPeriodsClose, Handler: s.decideReopen},
		{Method: http.MethodPost, Path: "/ledger/periods/close", Perm: auth.PermPeriodsClose, Handler: s.closePeriod},
		{Method: http.MethodPost, Path: "/ledger/periods/reopen", Perm: auth.PermPeriodsClose, Handler: s.proposeReopen},
		{Method: http.MethodGet, Path: "/ledger/trial-balance", Perm: auth.PermLedgerView, Handler: s.trialBalance},
		{Method: http.MethodGet, Path: "/reference/accounts", Perm: auth.PermReferenceView, Handler: s.accountsList},
		{Method: http.MethodPost, Path: "/api/v1/journal", Perm: auth.PermLedgerPost, Handler: s.apiPostEntry},
		{Method: http.MethodPost, Path: "/api/v1/journal/:id/reverse", Perm: auth.PermLedgerPost, Handler: s.apiReverseEntry},

		// Audit trail (inspectors).
		{Method: http.MethodGet, Path: "/audit", Perm: auth.PermAuditView, Handler: s.auditLog},
		{Method: http.MethodGet, Path: "/audit/history", Perm: auth.PermAuditView, Handler: s.auditHistory},
		{Method: http.MethodGet, Path: "/audit/verify", Perm: auth.PermAuditView, Handler: s.auditVerifyPage},
		{Method: http.MethodPost, Path: "/audit/verify", Perm: auth.PermAuditVerify, Handler: s.auditVerifyStart},
	}
}

// register adds every route with its permission guard and body limit.
func (s *Server) register() error {
	seen := map[string]bool{}
	for _, r := range s.routes() {
		key := r.Method + " " + r.Path
		if seen[key] {
			return fmt.Errorf("route %s registered twice", key)
		}
		seen[key] = true
		if r.Perm == "" {
			return fmt.Errorf("route %s has no permission", key)
		}
		limit := r.BodyLimit
		if limit == 0 {
			limit = defaultBodyLimit
		}
		s.e.Add(r.Method, r.Path, r.Handler, s.guard(r.Perm), bodyLimit(limit))
	}
	return nil
}

// RoutePermissions returns "METHOD path" → permission for every route, for the
// authorization-matrix test and the admin's permission overview.
func (s *Server) RoutePermissions() map[string]auth.Permission {
	out := map[string]auth.Permission{}
	for _, r := range s.routes() {
		out[r.Method+" "+r.Path] = r.Perm
	}
	return out
}
