package web

import (
	"github.com/labstack/echo/v4"

	"congquy/internal/ledger"
	"congquy/internal/store"
)

// accountsData is the chart of accounts page.
type accountsData struct {
	Accounts   []ledger.Account
	Query      string
	On         string
	Unverified int
	Pager      pager
}

// accountsList shows the chart of accounts with validity, source and verification.
func (s *Server) accountsList(c echo.Context) error {
	f := store.AccountFilter{Query: clip(c.QueryParam("q"), 100), Page: pageParam(c)}
	d := accountsData{Query: f.Query}
	if on, err := ledger.ParseDate(c.QueryParam("on")); err == nil {
		f.On, d.On = &on, on.Format("2006-01-02")
	}
	accts, total, err := s.store.ListAccounts(c.Request().Context(), f)
	if err != nil {
		return err
	}
	d.Accounts, d.Pager = accts, newPager(c, f.Page, total)
	for _, a := range accts {
		if !a.Verified {
			d.Unverified++
		}
	}
	return s.show(c, "reference/accounts", "accounts.title", d)
}
