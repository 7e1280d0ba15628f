package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/ledger"
)

// apiEntry is the JSON body that posts a manual journal entry. Amounts are strings of
// whole đồng.
type apiEntry struct {
	UnitID   int64         `json:"unit_id"`
	Date     string        `json:"date"`
	Memo     string        `json:"memo"`
	SourceID string        `json:"source_id"`
	Lines    []ledger.Line `json:"lines"`
}

// apiPosted is the reply to a posting.
type apiPosted struct {
	ID       int64     `json:"id"`
	Period   string    `json:"period"`
	PostedAt time.Time `json:"posted_at"`
}

func posted(p ledger.Posted) apiPosted {
	return apiPosted{ID: p.ID, Period: p.Period.Format("2006-01"), PostedAt: p.PostedAt.UTC()}
}

// apiPostEntry posts a manual general journal entry.
func (s *Server) apiPostEntry(c echo.Context) error {
	var in apiEntry
	if err := c.Bind(&in); err != nil {
		return badJSON(err)
	}
	if len(in.Lines) > ledger.MaxLines {
		return apperr.Newf(apperr.Invalid, "Bút toán có tối đa %d dòng.", "An entry has at most %d lines.", ledger.MaxLines)
	}
	date, err := ledger.ParseDate(in.Date)
	if err != nil {
		return err
	}
	p, err := s.store.PostManualEntry(c.Request().Context(), *actorOf(c), ledger.Entry{UnitID: in.UnitID, Date: date,
		Memo: in.Memo, SourceID: in.SourceID, Lines: in.Lines})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, posted(p))
}

// apiReverseEntry posts the reversal of an entry.
func (s *Server) apiReverseEntry(c echo.Context) error {
	id, err := s.reversibleEntry(c)
	if err != nil {
		return err
	}
	var in struct {
		Date   string `json:"date"`
		Reason string `json:"reason"`
	}
	if err := c.Bind(&in); err != nil {
		return badJSON(err)
	}
	date, err := ledger.ParseDate(in.Date)
	if err != nil {
		return err
	}
	p, err := s.store.ReverseEntry(c.Request().Context(), *actorOf(c), id, date, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, posted(p))
}

// badJSON explains a body that does not decode: an amount's own error if that is the
// cause, else a generic one.
func badJSON(err error) error {
	if e, ok := apperr.As(err); ok {
		return e
	}
	return apperr.New(apperr.Invalid, "Dữ liệu JSON không hợp lệ.", "The JSON body is not valid.")
}
