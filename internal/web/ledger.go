package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/ledger"
	"congquy/internal/org"
	"congquy/internal/store"
)

// scope returns the units on whose subtrees the actor holds perm, never nil (nil would
// mean "everywhere" to the store).
func scope(c echo.Context, perm auth.Permission) []int64 {
	a := actorOf(c)
	if a == nil {
		return []int64{}
	}
	if s := a.Scope(perm); s != nil {
		return s
	}
	return []int64{}
}

// unitChoice is the unit selector of the ledger pages: the units in scope and the one
// chosen (?unit=, else the actor's own unit, else the first).
type unitChoice struct {
	Units  []org.Unit
	Chosen org.Unit
}

func (s *Server) chooseUnit(c echo.Context, perm auth.Permission) (unitChoice, error) {
	units, _, err := s.store.ListUnits(c.Request().Context(), store.UnitFilter{Within: scope(c, perm), Page: store.Page{Size: store.MaxPageSize}})
	if err != nil {
		return unitChoice{}, err
	}
	if len(units) == 0 {
		return unitChoice{}, apperr.NotFoundf("đơn vị", "unit")
	}
	want, _ := strconv.ParseInt(c.QueryParam("unit"), 10, 64)
	if want == 0 {
		if a := actorOf(c); a != nil {
			want = a.UnitID
		}
	}
	ch := unitChoice{Units: units, Chosen: units[0]}
	for _, u := range units {
		if u.ID == want {
			ch.Chosen = u
		}
	}
	return ch, nil
}

// monthParam reads ?period=2026-03, defaulting to the current month.
func (s *Server) monthParam(c echo.Context) time.Time {
	if m, err := ledger.ParseMonth(c.QueryParam("period")); err == nil {
		return m
	}
	return ledger.MonthOf(s.now())
}

// journalData is the journal page.
type journalData struct {
	Unit       unitChoice
	Period     string
	Account    string
	SourceType string
	Rows       []store.JournalRow
	Pager      pager
}

// journal lists entries by unit, period, account and source type.
func (s *Server) journal(c echo.Context) error {
	ch, err := s.chooseUnit(c, auth.PermLedgerView)
	if err != nil {
		return err
	}
	f := store.JournalFilter{Within: scope(c, auth.PermLedgerView), UnitID: ch.Chosen.ID, Page: pageParam(c),
		Account: clip(c.QueryParam("account"), 6), SourceType: clip(c.QueryParam("source"), 40)}
	d := journalData{Unit: ch, Account: f.Account, SourceType: f.SourceType}
	if m, err := ledger.ParseMonth(c.QueryParam("period")); err == nil {
		f.Period, d.Period = &m, m.Format("2006-01")
	}
	var total int
	if d.Rows, total, err = s.store.ListJournal(c.Request().Context(), f); err != nil {
		return err
	}
	d.Pager = newPager(c, f.Page, total)
	return s.show(c, "ledger/journal", "ledger.journal.title", d)
}

// entryData is one entry's page.
type entryData struct {
	Entry     store.EntryDetail
	CanPost   bool
	Today     string
	FormError string
}

// entry shows one entry with its lines and its reversal links.
func (s *Server) entry(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return apperr.NotFoundf("bút toán", "journal entry")
	}
	d, err := s.store.EntryByID(c.Request().Context(), scope(c, auth.PermLedgerView), id)
	if err != nil {
		return err
	}
	a := actorOf(c)
	// A voucher's or a budget decision's entry is reversed through its document (budget area).
	ownReversal := d.SourceType != budget.SourceVoucher && d.SourceType != budget.SourceDecision
	return s.show(c, "ledger/entry", "ledger.entry.title", entryData{Entry: d, CanPost: a != nil && a.Can(auth.PermLedgerPost) && ownReversal,
		Today: s.now().Format("2006-01-02")})
}

// reverseEntry posts the reversal of an entry from the entry page's form.
func (s *Server) reverseEntry(c echo.Context) error {
	id, err := s.reversibleEntry(c)
	if err != nil {
		return err
	}
	date, err := ledger.ParseDate(c.FormValue("date"))
	if err != nil {
		return err
	}
	p, err := s.store.ReverseEntry(c.Request().Context(), *actorOf(c), id, date, strings.TrimSpace(c.FormValue("reason")))
	if err != nil {
		return err
	}
	setFlash(c, "success", s.cat.T(langOf(c), "ledger.reverse.done", map[string]any{"ID": p.ID}))
	return c.Redirect(http.StatusSeeOther, "/ledger/entries/"+strconv.FormatInt(p.ID, 10))
}

// trialBalanceData is the trial balance page.
type trialBalanceData struct {
	Unit   unitChoice
	Period string
	TB     store.TrialBalance
}

// trialBalance shows a unit subtree's trial balance for a month.
func (s *Server) trialBalance(c echo.Context) error {
	ch, err := s.chooseUnit(c, auth.PermLedgerView)
	if err != nil {
		return err
	}
	m := s.monthParam(c)
	tb, err := s.store.TrialBalanceOf(c.Request().Context(), scope(c, auth.PermLedgerView), ch.Chosen.ID, m)
	if err != nil {
		return err
	}
	return s.show(c, "ledger/trial_balance", "ledger.tb.title", trialBalanceData{Unit: ch, Period: m.Format("2006-01"), TB: tb})
}

// accountLedgerData is the account ledger page.
type accountLedgerData struct {
	Unit    unitChoice
	Period  string
	Account string
	AL      store.AccountLedger
	Pager   pager
}

// accountLedger shows one account's lines in a month with the running balance.
func (s *Server) accountLedger(c echo.Context) error {
	ch, err := s.chooseUnit(c, auth.PermLedgerView)
	if err != nil {
		return err
	}
	m := s.monthParam(c)
	d := accountLedgerData{Unit: ch, Period: m.Format("2006-01"), Account: clip(c.QueryParam("account"), 6)}
	if d.Account == "" {
		return s.show(c, "ledger/account_ledger", "ledger.al.title", d)
	}
	pg := pageParam(c)
	if d.AL, err = s.store.AccountLedgerOf(c.Request().Context(), scope(c, auth.PermLedgerView), ch.Chosen.ID, d.Account, m, pg); err != nil {
		return err
	}
	d.Pager = newPager(c, pg, d.AL.Total)
	return s.show(c, "ledger/account_ledger", "ledger.al.title", d)
}

// clip trims s and cuts it to n runes.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// checkpointAtClose signs the chain heads after a period close, when a signer is set.
func (s *Server) checkpointAtClose(ctx context.Context) {
	if s.signer == nil {
		return
	}
	key, err := s.signer()
	if err == nil {
		_, err = s.store.Checkpoint(ctx, auth.System("period_close"), key, "period_close")
	}
	if err != nil {
		s.log.Error("checkpoint at period close", "error", err.Error())
	}
}

// reversibleEntry returns the id of the entry named in the path if the actor may reverse
// it; another unit's entry is not found, before any input is looked at.
func (s *Server) reversibleEntry(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, apperr.NotFoundf("bút toán", "journal entry")
	}
	if _, err := s.store.EntryByID(c.Request().Context(), mustActor(c).Scope(auth.PermLedgerPost), id); err != nil {
		return 0, err
	}
	return id, nil
}
