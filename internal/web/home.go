package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/i18n"
	"congquy/internal/store"
)

// homeData is what the dashboard shows: counts of the actor's scope and, for those who
// see the budget, its execution this year and the work waiting.
type homeData struct {
	Units   int
	Year    int
	Budget  bool // the actor sees budgets or vouchers
	Dash    store.Dashboard
	Percent string // % executed
	Elapsed string // % of the year elapsed
	// What the actor may do, for the links it is offered.
	CanApprove, CanDraft, CanBudgetApprove bool
	Recent                                 []budget.Voucher
	Verification                           *store.Verification
}

// home shows the dashboard.
func (s *Server) home(c echo.Context) error {
	ctx := c.Request().Context()
	a := mustActor(c)
	f := store.UnitFilter{Within: a.Scope(auth.PermUnitsView), Page: store.Page{Size: 1}}
	_, n, err := s.store.ListUnits(ctx, f)
	if err != nil {
		return err
	}
	d := homeData{Units: n, Year: s.yearParam(c)}
	budgetScope, spendScope := a.Scope(auth.PermBudgetView), a.Scope(auth.PermSpendView)
	if d.Budget = len(budgetScope) > 0 || len(spendScope) > 0; d.Budget {
		if d.Dash, err = s.store.DashboardFor(ctx, budgetScope, spendScope, d.Year); err != nil {
			return err
		}
		d.Percent = pct(budget.Execution(d.Dash.Spent, d.Dash.Estimate))
		d.Elapsed = pct(budget.ElapsedShare(d.Year, s.now().In(zone())))
		d.CanApprove = len(a.Scope(auth.PermSpendApprove)) > 0
		d.CanDraft = len(a.Scope(auth.PermSpendDraft)) > 0
		d.CanBudgetApprove = len(a.Scope(auth.PermBudgetApprove)) > 0
		if len(spendScope) > 0 {
			if d.Recent, _, err = s.store.Vouchers(ctx, store.VoucherFilter{Within: spendScope, FiscalYear: d.Year, Page: store.Page{Size: 5}}); err != nil {
				return err
			}
		}
	}
	if len(a.Scope(auth.PermAuditView)) > 0 {
		vs, err := s.store.Verifications(ctx, 1)
		if err != nil {
			return err
		}
		if len(vs) > 0 {
			d.Verification = &vs[0]
		}
	}
	return s.show(c, "home/index", "home.title", d)
}

const langCookie = "congquy_lang"

// switchLang remembers the chosen language and goes back to the page the user was on.
func (s *Server) switchLang(c echo.Context) error {
	lang := i18n.Supported(c.FormValue("lang"))
	if a := actorOf(c); a != nil && a.Lang != lang {
		if err := s.store.SetOwnLang(c.Request().Context(), *a, lang); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{ // #nosec G124 -- HttpOnly and SameSite set; Secure follows the configuration (an https base URL), so plain-HTTP development on localhost works
		Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure(),
	})
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("next")))
}

// localPath returns next if it is a path on this site, else "/": redirects never leave
// congquy.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return u.RequestURI()
}
