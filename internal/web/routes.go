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
		{Method: http.MethodGet, Path: "/", Perm: auth.PermSignedIn, Handler: s.home},
		{Method: http.MethodPost, Path: "/lang", Perm: auth.PermPublic, Handler: s.switchLang},

		// Organisation.
		{Method: http.MethodGet, Path: "/units", Perm: auth.PermUnitsView, Handler: s.unitsList},

		// Identity: signing in and out, one's own account, API tokens, users.
		{Method: http.MethodGet, Path: "/login", Perm: auth.PermPublic, Handler: s.loginForm},
		{Method: http.MethodPost, Path: "/login", Perm: auth.PermPublic, Handler: s.login},
		{Method: http.MethodGet, Path: "/login/mfa", Perm: auth.PermPublic, Handler: s.mfaForm},
		{Method: http.MethodPost, Path: "/login/mfa", Perm: auth.PermPublic, Handler: s.mfaVerify},
		{Method: http.MethodPost, Path: "/logout", Perm: auth.PermPublic, Handler: s.logout},
		{Method: http.MethodGet, Path: "/account", Perm: auth.PermSignedIn, Handler: s.accountPage},
		{Method: http.MethodGet, Path: "/account/mfa", Perm: auth.PermSignedIn, Handler: s.mfaPage},
		{Method: http.MethodPost, Path: "/account/mfa", Perm: auth.PermSignedIn, Handler: s.mfaEnrol},
		{Method: http.MethodPost, Path: "/account/mfa/recovery", Perm: auth.PermSignedIn, Handler: s.mfaRecovery},
		{Method: http.MethodGet, Path: "/account/password", Perm: auth.PermSignedIn, Handler: s.passwordForm},
		{Method: http.MethodPost, Path: "/account/password", Perm: auth.PermSignedIn, Handler: s.changePassword},
		{Method: http.MethodGet, Path: "/account/tokens", Perm: auth.PermSignedIn, Handler: s.tokensPage},
		{Method: http.MethodPost, Path: "/account/tokens", Perm: auth.PermSignedIn, Handler: s.createToken},
		{Method: http.MethodPost, Path: "/account/tokens/:id/revoke", Perm: auth.PermSignedIn, Handler: s.revokeToken},
		{Method: http.MethodGet, Path: "/users", Perm: auth.PermUsersManage, Handler: s.usersList},
		{Method: http.MethodPost, Path: "/users", Perm: auth.PermUsersManage, Handler: s.userCreate},
		{Method: http.MethodGet, Path: "/users/new", Perm: auth.PermUsersManage, Handler: s.userNew},
		{Method: http.MethodGet, Path: "/users/:id", Perm: auth.PermUsersManage, Handler: s.userShow},
		{Method: http.MethodPost, Path: "/users/:id", Perm: auth.PermUsersManage, Handler: s.userUpdate},
		{Method: http.MethodGet, Path: "/users/:id/disable", Perm: auth.PermUsersManage, Handler: s.userConfirm("disable")},
		{Method: http.MethodPost, Path: "/users/:id/disable", Perm: auth.PermUsersManage, Handler: s.userDisable},
		{Method: http.MethodGet, Path: "/users/:id/edit", Perm: auth.PermUsersManage, Handler: s.userEdit},
		{Method: http.MethodPost, Path: "/users/:id/enable", Perm: auth.PermUsersManage, Handler: s.userEnable},
		{Method: http.MethodGet, Path: "/users/:id/reset", Perm: auth.PermUsersManage, Handler: s.userConfirm("reset")},
		{Method: http.MethodPost, Path: "/users/:id/reset", Perm: auth.PermUsersManage, Handler: s.userReset},
		{Method: http.MethodPost, Path: "/users/:id/roles", Perm: auth.PermUsersManage, Handler: s.userRoles},

		// JSON API (bearer tokens).
		{Method: http.MethodGet, Path: "/api/v1/me", Perm: auth.PermSignedIn, Handler: s.apiMe},

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

		// Budget and expenditure (dự toán, chi).
		{Method: http.MethodGet, Path: "/budget/codes", Perm: auth.PermReferenceView, Handler: s.codesList},
		{Method: http.MethodGet, Path: "/budget/codes/import", Perm: auth.PermReferenceManage, Handler: s.codesImportForm},
		{Method: http.MethodPost, Path: "/budget/codes/import", Perm: auth.PermReferenceManage, Handler: s.codesImport, BodyLimit: 4 << 20},
		{Method: http.MethodGet, Path: "/budget/commitments", Perm: auth.PermBudgetView, Handler: s.commitmentsList},
		{Method: http.MethodPost, Path: "/budget/commitments", Perm: auth.PermBudgetDraft, Handler: s.commitmentCreate},
		{Method: http.MethodPost, Path: "/budget/commitments/:id/approve", Perm: auth.PermBudgetApprove, Handler: s.commitmentApprove},
		{Method: http.MethodPost, Path: "/budget/commitments/:id/reject", Perm: auth.PermBudgetApprove, Handler: s.commitmentReject},
		{Method: http.MethodPost, Path: "/budget/commitments/:id/release", Perm: auth.PermBudgetDraft, Handler: s.commitmentRelease},
		{Method: http.MethodGet, Path: "/budget/decisions", Perm: auth.PermBudgetView, Handler: s.decisionsList},
		{Method: http.MethodPost, Path: "/budget/decisions", Perm: auth.PermBudgetDraft, Handler: s.decisionCreate},
		{Method: http.MethodGet, Path: "/budget/decisions/new", Perm: auth.PermBudgetDraft, Handler: s.decisionNew},
		{Method: http.MethodGet, Path: "/budget/decisions/:id", Perm: auth.PermBudgetView, Handler: s.decisionView},
		{Method: http.MethodPost, Path: "/budget/decisions/:id/approve", Perm: auth.PermBudgetApprove, Handler: s.decisionApprove},
		{Method: http.MethodPost, Path: "/budget/decisions/:id/reject", Perm: auth.PermBudgetApprove, Handler: s.decisionReject},
		{Method: http.MethodGet, Path: "/budget/execution", Perm: auth.PermBudgetView, Handler: s.executionPage},
		{Method: http.MethodGet, Path: "/budget/execution.xlsx", Perm: auth.PermBudgetView, Handler: s.executionXLSX},
		{Method: http.MethodGet, Path: "/budget/lines", Perm: auth.PermBudgetView, Handler: s.linesList},
		{Method: http.MethodPost, Path: "/budget/lines", Perm: auth.PermBudgetDraft, Handler: s.lineCreate},
		{Method: http.MethodGet, Path: "/budget/norms", Perm: auth.PermReferenceView, Handler: s.normsList},
		{Method: http.MethodGet, Path: "/vouchers", Perm: auth.PermSpendView, Handler: s.vouchersList},
		{Method: http.MethodPost, Path: "/vouchers", Perm: auth.PermSpendDraft, Handler: s.voucherCreate},
		{Method: http.MethodGet, Path: "/vouchers/new", Perm: auth.PermSpendDraft, Handler: s.voucherNew},
		{Method: http.MethodGet, Path: "/vouchers/:id", Perm: auth.PermSpendView, Handler: s.voucherView},
		{Method: http.MethodPost, Path: "/vouchers/:id", Perm: auth.PermSpendDraft, Handler: s.voucherUpdate},
		{Method: http.MethodPost, Path: "/vouchers/:id/approve", Perm: auth.PermSpendApprove, Handler: s.voucherApprove},
		{Method: http.MethodPost, Path: "/vouchers/:id/attachments", Perm: auth.PermSpendDraft, Handler: s.attachmentAdd, BodyLimit: maxAttachment + 1<<20},
		{Method: http.MethodGet, Path: "/vouchers/:id/attachments/:aid", Perm: auth.PermSpendView, Handler: s.attachmentGet},
		{Method: http.MethodPost, Path: "/vouchers/:id/attachments/:aid/delete", Perm: auth.PermSpendDraft, Handler: s.attachmentDelete},
		{Method: http.MethodGet, Path: "/vouchers/:id/edit", Perm: auth.PermSpendDraft, Handler: s.voucherEdit},
		{Method: http.MethodGet, Path: "/vouchers/:id/norms", Perm: auth.PermInspectRun, Handler: s.voucherNorms},
		{Method: http.MethodPost, Path: "/vouchers/:id/reject", Perm: auth.PermSpendApprove, Handler: s.voucherReject},
		{Method: http.MethodPost, Path: "/vouchers/:id/reopen", Perm: auth.PermSpendDraft, Handler: s.voucherReopen},
		{Method: http.MethodPost, Path: "/vouchers/:id/reverse", Perm: auth.PermSpendApprove, Handler: s.voucherReverse},
		{Method: http.MethodPost, Path: "/vouchers/:id/submit", Perm: auth.PermSpendDraft, Handler: s.voucherSubmit},

		// JSON API of the budget area (api_budget.go), with bearer tokens; every POST takes an Idempotency-Key.
		{Method: http.MethodGet, Path: "/api/v1/openapi.json", Perm: auth.PermPublic, Handler: s.openAPI},
		{Method: http.MethodGet, Path: "/api/v1/budget-lines", Perm: auth.PermBudgetView, Handler: s.apiLines},
		{Method: http.MethodPost, Path: "/api/v1/budget-lines", Perm: auth.PermBudgetDraft, Handler: s.apiLineCreate},
		{Method: http.MethodGet, Path: "/api/v1/budget-lines/:id", Perm: auth.PermBudgetView, Handler: s.apiLine},
		{Method: http.MethodGet, Path: "/api/v1/vouchers", Perm: auth.PermSpendView, Handler: s.apiVouchers},
		{Method: http.MethodPost, Path: "/api/v1/vouchers", Perm: auth.PermSpendDraft, Handler: s.apiVoucherCreate},
		{Method: http.MethodGet, Path: "/api/v1/vouchers/:id", Perm: auth.PermSpendView, Handler: s.apiVoucher},
		{Method: http.MethodPost, Path: "/api/v1/vouchers/:id/approve", Perm: auth.PermSpendApprove, Handler: s.apiVoucherApprove},
		{Method: http.MethodPost, Path: "/api/v1/vouchers/:id/reject", Perm: auth.PermSpendApprove, Handler: s.apiVoucherReject},
		{Method: http.MethodPost, Path: "/api/v1/vouchers/:id/reverse", Perm: auth.PermSpendApprove, Handler: s.apiVoucherReverse},
		{Method: http.MethodPost, Path: "/api/v1/vouchers/:id/submit", Perm: auth.PermSpendDraft, Handler: s.apiVoucherSubmit},
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
		s.id.perms[key] = r.Perm
		s.e.Add(r.Method, r.Path, r.Handler, s.guard(r.Perm), bodyLimit(limit), s.checkCSRF, refuseBadText)
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
