package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
	"congquy/internal/store"
)

// apiLine is a budget line as the API shows it, with its derived figures.
type apiLine struct {
	budget.Line
	Estimate  money.VND `json:"estimate"`
	Available money.VND `json:"available"`
}

func toAPILine(l budget.Line) apiLine {
	return apiLine{Line: l, Estimate: l.Estimate(), Available: l.Available()}
}

// apiList is one page of a list.
type apiList[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	Page  int `json:"page"`
	Size  int `json:"size"`
}

// apiLines lists budget lines in scope.
func (s *Server) apiLines(c echo.Context) error {
	pg := pageParam(c)
	lines, total, err := s.store.Lines(c.Request().Context(), store.LineFilter{Within: actorFor(c).Scope(auth.PermBudgetView),
		UnitID: int64Value(c.QueryParam("unit")), FiscalYear: intValue(c.QueryParam("year"), 0), Page: pg})
	if err != nil {
		return err
	}
	out := apiList[apiLine]{Items: []apiLine{}, Total: total, Page: pg.Number, Size: pg.Size}
	for _, l := range lines {
		out.Items = append(out.Items, toAPILine(l))
	}
	return c.JSON(http.StatusOK, out)
}

// apiLine returns one budget line.
func (s *Server) apiLine(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	l, err := s.store.Line(c.Request().Context(), actorFor(c), auth.PermBudgetView, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toAPILine(l))
}

// newLineBody is the body of POST /api/v1/budget-lines.
type newLineBody struct {
	UnitID       int64  `json:"unit_id"`
	FiscalYear   int    `json:"fiscal_year"`
	Chapter      string `json:"chapter"`
	Subsection   string `json:"subsection"`
	Item         string `json:"item"`
	Source       string `json:"source"`
	Level        int    `json:"level"`
	FundingType  string `json:"funding_type"`
	ParentLineID *int64 `json:"parent_line_id"`
	Note         string `json:"note"`
}

// apiLineCreate opens a budget line.
func (s *Server) apiLineCreate(c echo.Context) error {
	if err := requireKey(c); err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var in newLineBody
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	view := func(v any) any { return toAPILine(v.(budget.Line)) }
	return s.idempotent(c, body, http.StatusCreated, view, func(ctx context.Context) (any, error) {
		return s.store.CreateLine(ctx, withRequest(c), budget.NewLine{UnitID: in.UnitID, FiscalYear: in.FiscalYear,
			FundingType: budget.FundingType(in.FundingType), Note: in.Note, ParentID: in.ParentLineID,
			Classification: budget.Classification{Chapter: in.Chapter, Subsection: in.Subsection, Item: in.Item, Source: in.Source, Level: in.Level}})
	}, func(id string) (any, error) {
		l, err := s.store.Line(c.Request().Context(), actorFor(c), auth.PermBudgetView, int64Value(id))
		return toAPILine(l), err
	})
}

// apiVouchers lists vouchers in scope.
func (s *Server) apiVouchers(c echo.Context) error {
	pg := pageParam(c)
	list, total, err := s.store.Vouchers(c.Request().Context(), store.VoucherFilter{Within: actorFor(c).Scope(auth.PermSpendView),
		UnitID: int64Value(c.QueryParam("unit")), FiscalYear: intValue(c.QueryParam("year"), 0), Status: statusFilter(c.QueryParam("status")),
		BudgetLineID: int64Value(c.QueryParam("line")), Page: pg})
	if err != nil {
		return err
	}
	if list == nil {
		list = []budget.Voucher{}
	}
	return c.JSON(http.StatusOK, apiList[budget.Voucher]{Items: list, Total: total, Page: pg.Number, Size: pg.Size})
}

// apiVoucher returns one voucher with its lines and norm results.
func (s *Server) apiVoucher(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.store.VoucherByID(c.Request().Context(), actorFor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// newVoucherBody is the body of POST /api/v1/vouchers; dates are yyyy-mm-dd, amounts
// strings of whole đồng.
type newVoucherBody struct {
	UnitID      int64  `json:"unit_id"`
	FiscalYear  int    `json:"fiscal_year"`
	DocNo       string `json:"doc_no"`
	DocDate     string `json:"doc_date"`
	Payee       string `json:"payee"`
	InvoiceNo   string `json:"invoice_no"`
	InvoiceDate string `json:"invoice_date"`
	Description string `json:"description"`
	Submit      bool   `json:"submit"` // submit in the same transaction
	Lines       []struct {
		BudgetLineID  int64           `json:"budget_line_id"`
		CommitmentID  *int64          `json:"commitment_id"`
		Amount        money.VND       `json:"amount"`
		Description   string          `json:"description"`
		ExpenseKind   string          `json:"expense_kind"`
		Days          int             `json:"days"`
		Persons       int             `json:"persons"`
		PlaceClass    string          `json:"place_class"`
		PositionCoef  decimal.Decimal `json:"position_coef"`
		ItemKind      string          `json:"item_kind"`
		Quantity      decimal.Decimal `json:"quantity"`
		Justification string          `json:"justification"`
	} `json:"lines"`
}

// voucher turns the body into a draft voucher.
func (b newVoucherBody) voucher() (budget.NewVoucher, error) {
	n := budget.NewVoucher{UnitID: b.UnitID, FiscalYear: b.FiscalYear, DocNo: b.DocNo, Payee: b.Payee, InvoiceNo: b.InvoiceNo, Description: b.Description}
	var err error
	if n.DocDate, err = time.Parse(time.DateOnly, b.DocDate); err != nil {
		return n, apperr.New(apperr.Invalid, "doc_date phải có dạng yyyy-mm-dd.", "doc_date must read yyyy-mm-dd.").OnField("doc_date")
	}
	if n.InvoiceDate, err = optionalDate(b.InvoiceDate, "invoice_date"); err != nil {
		return n, err
	}
	if len(b.Lines) > budget.MaxVoucherLines {
		return n, apperr.New(apperr.Invalid, "Quá nhiều dòng.", "Too many lines.").OnField("lines")
	}
	for _, l := range b.Lines {
		n.Lines = append(n.Lines, budget.VoucherLine{BudgetLineID: l.BudgetLineID, CommitmentID: l.CommitmentID, Amount: l.Amount,
			Description: l.Description, ExpenseKind: l.ExpenseKind, Days: l.Days, Persons: l.Persons, PlaceClass: l.PlaceClass,
			PositionCoef: l.PositionCoef, ItemKind: l.ItemKind, Quantity: l.Quantity, Justification: l.Justification})
	}
	return n, nil
}

// apiVoucherCreate drafts a voucher, and submits it too when the body says "submit": true.
func (s *Server) apiVoucherCreate(c echo.Context) error {
	if err := requireKey(c); err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var in newVoucherBody
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	n, err := in.voucher()
	if err != nil {
		return err
	}
	return s.idempotent(c, body, http.StatusCreated, nil, func(ctx context.Context) (any, error) {
		if in.Submit {
			return s.store.CreateSubmittedVoucher(ctx, withRequest(c), n)
		}
		return s.store.CreateVoucher(ctx, withRequest(c), n)
	}, s.rebuildVoucher(c))
}

// rebuildVoucher reads a voucher for a replay whose reply was not stored.
func (s *Server) rebuildVoucher(c echo.Context) func(string) (any, error) {
	return func(id string) (any, error) {
		n, _ := strconv.ParseInt(id, 10, 64)
		return s.store.VoucherByID(c.Request().Context(), actorFor(c), n)
	}
}

// stepBody is the optional body of a voucher's life-cycle step.
type stepBody struct {
	Reason string `json:"reason"` // rejection, reversal
	Date   string `json:"date"`   // reversal: yyyy-mm-dd, default today
}

// apiVoucherStep runs a life-cycle step of a voucher through the idempotency guard.
func (s *Server) apiVoucherStep(c echo.Context, step func(ctx context.Context, a auth.Actor, id int64, in stepBody) (budget.Voucher, error)) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var in stepBody
	if len(body) > 0 {
		if err := decodeJSON(body, &in); err != nil {
			return err
		}
	}
	return s.idempotent(c, body, http.StatusOK, nil, func(ctx context.Context) (any, error) {
		return step(ctx, withRequest(c), id, in)
	}, s.rebuildVoucher(c))
}

// apiVoucherSubmit submits a draft voucher (norms evaluated).
func (s *Server) apiVoucherSubmit(c echo.Context) error {
	return s.apiVoucherStep(c, func(ctx context.Context, a auth.Actor, id int64, _ stepBody) (budget.Voucher, error) {
		return s.store.SubmitVoucher(ctx, a, id)
	})
}

// apiVoucherApprove approves a submitted voucher (budget checked and spent).
func (s *Server) apiVoucherApprove(c echo.Context) error {
	return s.apiVoucherStep(c, func(ctx context.Context, a auth.Actor, id int64, _ stepBody) (budget.Voucher, error) {
		return s.store.ApproveVoucher(ctx, a, id)
	})
}

// apiVoucherReject rejects a submitted voucher with {"reason": "…"}.
func (s *Server) apiVoucherReject(c echo.Context) error {
	return s.apiVoucherStep(c, func(ctx context.Context, a auth.Actor, id int64, in stepBody) (budget.Voucher, error) {
		return s.store.RejectVoucher(ctx, a, id, in.Reason)
	})
}

// apiVoucherReverse reverses a posted voucher with {"reason": "…", "date": "yyyy-mm-dd"}.
func (s *Server) apiVoucherReverse(c echo.Context) error {
	return s.apiVoucherStep(c, func(ctx context.Context, a auth.Actor, id int64, in stepBody) (budget.Voucher, error) {
		date := s.now().In(zone())
		date = time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC)
		if in.Date != "" {
			var err error
			if date, err = time.Parse(time.DateOnly, in.Date); err != nil {
				return budget.Voucher{}, apperr.New(apperr.Invalid, "date phải có dạng yyyy-mm-dd.", "date must read yyyy-mm-dd.").OnField("date")
			}
		}
		return s.store.ReverseVoucher(ctx, a, id, date, in.Reason)
	})
}
