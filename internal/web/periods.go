package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/ledger"
	"congquy/internal/store"
)

// periodsData is the periods page: a unit's twelve months.
type periodsData struct {
	Unit     unitChoice
	Year     int
	Months   []store.PeriodMonth
	CanClose bool
	UserID   int64
}

// periods shows a unit's months of a year: open, closed, proposals to reopen.
func (s *Server) periods(c echo.Context) error {
	ch, err := s.chooseUnit(c, auth.PermLedgerView)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(c.QueryParam("year"))
	if year < 2000 || year > 2200 {
		year = s.now().Year()
	}
	months, err := s.store.ListPeriods(c.Request().Context(), scope(c, auth.PermLedgerView), ch.Chosen.ID, year)
	if err != nil {
		return err
	}
	a := actorOf(c)
	return s.show(c, "ledger/periods", "ledger.periods.title", periodsData{Unit: ch, Year: year, Months: months,
		CanClose: a != nil && a.Can(auth.PermPeriodsClose), UserID: a.UserID})
}

// periodForm reads the unit and month of a period form.
func periodForm(c echo.Context) (int64, time.Time, error) {
	unit, err := strconv.ParseInt(c.FormValue("unit"), 10, 64)
	if err != nil || unit <= 0 {
		return 0, time.Time{}, apperr.New(apperr.Invalid, "Hãy chọn đơn vị.", "Choose a unit.").OnField("unit")
	}
	m, err := ledger.ParseMonth(c.FormValue("period"))
	return unit, m, err
}

func periodsURL(unit int64, m time.Time) string {
	return "/ledger/periods?unit=" + strconv.FormatInt(unit, 10) + "&year=" + strconv.Itoa(m.Year())
}

// closePeriod closes a month, then signs a checkpoint of the audit chains.
func (s *Server) closePeriod(c echo.Context) error {
	unit, m, err := periodForm(c)
	if err != nil {
		return err
	}
	if _, err := s.store.ClosePeriod(c.Request().Context(), *actorOf(c), unit, m); err != nil {
		return err
	}
	s.checkpointAtClose(c.Request().Context())
	setFlash(c, "success", s.cat.T(langOf(c), "ledger.periods.closed_done", map[string]any{"Month": m.Format("01/2006")}))
	return c.Redirect(http.StatusSeeOther, periodsURL(unit, m))
}

// proposeReopen records a proposal to reopen a closed month.
func (s *Server) proposeReopen(c echo.Context) error {
	unit, m, err := periodForm(c)
	if err != nil {
		return err
	}
	if _, err := s.store.ProposeReopen(c.Request().Context(), *actorOf(c), unit, m, c.FormValue("reason")); err != nil {
		return err
	}
	setFlash(c, "success", s.cat.T(langOf(c), "ledger.periods.proposed_done", map[string]any{"Month": m.Format("01/2006")}))
	return c.Redirect(http.StatusSeeOther, periodsURL(unit, m))
}

// decideReopen approves or rejects a proposal to reopen.
func (s *Server) decideReopen(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return apperr.NotFoundf("đề nghị mở lại kỳ", "reopening proposal")
	}
	act, err := s.store.DecideReopen(c.Request().Context(), *actorOf(c), id, c.FormValue("decision") == "approve")
	if err != nil {
		return err
	}
	setFlash(c, "success", s.cat.T(langOf(c), "ledger.periods.decided_"+act.Status, map[string]any{"Month": act.Month.Format("01/2006")}))
	return c.Redirect(http.StatusSeeOther, periodsURL(act.UnitID, act.Month))
}
