package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/org"
	"congquy/internal/store"
)

// vouchersData is the list of vouchers.
type vouchersData struct {
	Vouchers  []budget.Voucher
	UnitNames map[int64]string
	Units     []org.Unit // units the actor may draft for
	Year      int
	Status    string
	Query     string
	Line      *budget.Line // drill-down from budget-vs-actual
	Pager     pager
}

// vouchersList lists vouchers in scope, filtered by year, status, text or budget line.
func (s *Server) vouchersList(c echo.Context) error {
	ctx := c.Request().Context()
	a := actorFor(c)
	d := vouchersData{Year: s.yearParam(c), Status: statusFilter(c.QueryParam("status")), Query: clip(c.QueryParam("q"), 100)}
	f := store.VoucherFilter{Within: a.Scope(auth.PermSpendView), FiscalYear: d.Year, Status: d.Status, Query: d.Query, Page: pageParam(c)}
	if id := int64Value(c.QueryParam("line")); id != 0 {
		l, err := s.store.Line(ctx, a, auth.PermSpendView, id)
		if err != nil {
			return err
		}
		d.Line, f.BudgetLineID = &l, id
	}
	list, total, err := s.store.Vouchers(ctx, f)
	if err != nil {
		return err
	}
	d.Vouchers, d.Pager = list, newPager(c, f.Page, total)
	if d.UnitNames, err = s.unitNames(c, auth.PermSpendView); err != nil {
		return err
	}
	if d.Units, err = s.scopeUnits(ctx, a, auth.PermSpendDraft); err != nil {
		return err
	}
	return s.show(c, "vouchers/list", "vouchers.title", d)
}

// voucherData is one voucher's page.
type voucherData struct {
	Voucher     budget.Voucher
	UnitName    string
	Results     []budget.Result // stored at submit, or evaluated now for a draft
	Live        bool            // Results were evaluated now
	Attachments []budget.Attachment
	CanEdit     bool
	CanDecide   bool
	CanReverse  bool // posted, and the actor may approve here and did not draft it
	CanLedger   bool // the actor may open the journal entries
	Today       string
	Problem     *formProblem
}

// voucherView shows a voucher, its norm results, attachments and the actions the actor may take.
func (s *Server) voucherView(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.voucherData(c, id)
	if err != nil {
		return err
	}
	return s.show(c, "vouchers/view", "vouchers.one", d)
}

func (s *Server) voucherData(c echo.Context, id int64) (voucherData, error) {
	ctx := c.Request().Context()
	a := actorFor(c)
	v, err := s.store.VoucherByID(ctx, a, id)
	if err != nil {
		return voucherData{}, err
	}
	d := voucherData{Voucher: v, Results: v.NormResults}
	if v.Status == budget.StatusDraft {
		if d.Results, err = s.store.EvaluateVoucher(ctx, a, id); err != nil {
			return d, err
		}
		d.Live = true
	}
	if d.Attachments, err = s.store.Attachments(ctx, a, id); err != nil {
		return d, err
	}
	names, err := s.unitNames(c, auth.PermSpendView)
	if err != nil {
		return d, err
	}
	d.UnitName = names[v.UnitID]
	d.CanEdit = v.Status == budget.StatusDraft && a.Can(auth.PermSpendDraft)
	d.CanDecide = v.Status == budget.StatusSubmitted && a.Can(auth.PermSpendApprove) && a.Login != v.DraftedLogin
	d.CanReverse = v.Status == budget.StatusPosted && a.InScope(auth.PermSpendApprove, v.UnitID) && a.Login != v.DraftedLogin
	d.CanLedger = a.InScope(auth.PermLedgerView, v.UnitID)
	d.Today = s.now().In(zone()).Format(time.DateOnly)
	return d, nil
}

// voucherAct runs a life-cycle step; an error a user can fix is shown on the voucher's page.
func (s *Server) voucherAct(c echo.Context, done string, act func(int64) error) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := act(id); err != nil {
		p, err2 := asFormProblem(err, langOf(c))
		if err2 != nil {
			return err2
		}
		d, derr := s.voucherData(c, id)
		if derr != nil {
			return derr
		}
		d.Problem = p
		return s.render(c, statusFor(err), "vouchers/view", "", s.newPage(c, "vouchers.one", d))
	}
	return redirectWith(c, "/vouchers/"+itoa64(id), "success", s.cat.T(langOf(c), done))
}

// voucherSubmit submits a draft; the norms are evaluated then.
func (s *Server) voucherSubmit(c echo.Context) error {
	return s.voucherAct(c, "vouchers.submitted", func(id int64) error {
		_, err := s.store.SubmitVoucher(c.Request().Context(), withRequest(c), id)
		return err
	})
}

// voucherApprove approves a submitted voucher: the budget check and the spending happen
// in that one transaction; a refusal names the line, what is available and what was asked.
func (s *Server) voucherApprove(c echo.Context) error {
	return s.voucherAct(c, "vouchers.approved", func(id int64) error {
		_, err := s.store.ApproveVoucher(c.Request().Context(), withRequest(c), id)
		return err
	})
}

// voucherReverse reverses a posted voucher, confirmed, with a reason and a date: the
// budget lines get back what it spent and the reversing entry is posted.
func (s *Server) voucherReverse(c echo.Context) error {
	return s.voucherAct(c, "vouchers.reversed", func(id int64) error {
		date, err := dateValue(c.FormValue("date"), "date")
		if err != nil {
			return err
		}
		if c.FormValue("confirm") == "" {
			return apperr.New(apperr.Invalid, "Hãy đánh dấu xác nhận đảo chứng từ.", "Tick the box to confirm the reversal.").OnField("confirm")
		}
		_, err = s.store.ReverseVoucher(c.Request().Context(), withRequest(c), id, date, c.FormValue("reason"))
		return err
	})
}

// voucherReject rejects a submitted voucher with a reason.
func (s *Server) voucherReject(c echo.Context) error {
	return s.voucherAct(c, "vouchers.rejected", func(id int64) error {
		_, err := s.store.RejectVoucher(c.Request().Context(), withRequest(c), id, c.FormValue("reason"))
		return err
	})
}

// voucherReopen turns a rejected voucher back into a draft.
func (s *Server) voucherReopen(c echo.Context) error {
	return s.voucherAct(c, "vouchers.reopened", func(id int64) error {
		_, err := s.store.ReopenVoucher(c.Request().Context(), withRequest(c), id)
		return err
	})
}

// voucherNorms re-evaluates the norms on a voucher now, for inspectors.
func (s *Server) voucherNorms(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.voucherData(c, id)
	if err != nil {
		return err
	}
	if d.Results, err = s.store.EvaluateVoucher(c.Request().Context(), actorFor(c), id); err != nil {
		return err
	}
	d.Live, d.CanEdit, d.CanDecide = true, false, false
	return s.show(c, "vouchers/view", "vouchers.one", d)
}

// attachmentAdd attaches an uploaded scan to a draft voucher.
func (s *Server) attachmentAdd(c echo.Context) error {
	return s.voucherAct(c, "vouchers.attached", func(id int64) error {
		content, name, err := uploadedFile(c, "file", maxAttachment)
		if err != nil {
			return err
		}
		_, err = s.store.AddAttachment(c.Request().Context(), withRequest(c), id, name, content)
		return err
	})
}

// attachmentDelete removes a scan from a draft voucher.
func (s *Server) attachmentDelete(c echo.Context) error {
	return s.voucherAct(c, "vouchers.detached", func(id int64) error {
		aid, err := pathID(c, "aid")
		if err != nil {
			return err
		}
		return s.store.RemoveAttachment(c.Request().Context(), withRequest(c), id, aid)
	})
}

// attachmentGet sends a scan, as a download, with its stored type and hash.
func (s *Server) attachmentGet(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	aid, err := pathID(c, "aid")
	if err != nil {
		return err
	}
	a, content, err := s.store.AttachmentContent(c.Request().Context(), actorFor(c), id, aid)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", contentDisposition(a.FileName))
	h.Set("X-Content-SHA256", hexString(a.SHA256))
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, a.ContentType, content)
}
