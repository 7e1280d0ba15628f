package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/store"
)

// Expense kinds and item kinds a voucher line may name, for the norms (refdata/budget/norms.csv).
var (
	expenseKinds = []string{"", "travel_allowance", "lodging_lump_sum", "car_purchase"}
	placeClasses = []string{"", "city_class1", "town", "other"}
	itemKinds    = []string{"", "car_general", "car_12_16_seats", "car_7_8_seats_2axle"}
)

// voucherForm is the voucher form's input, as typed.
type voucherForm struct {
	ID                                                         int64
	UnitID                                                     int64
	Year                                                       int
	DocNo, DocDate, Payee, InvoiceNo, InvoiceDate, Description string
	Rows                                                       []voucherRow
}

type voucherRow struct {
	LineID, CommitmentID                                                                int64
	Amount, Description, Kind, Days, Persons, Place, Coef, ItemKind, Qty, Justification string
}

// voucherFormData is the form page.
type voucherFormData struct {
	Form         voucherForm
	UnitName     string
	Lines        []budget.Line
	Commitments  []budget.Commitment
	ExpenseKinds []string
	PlaceClasses []string
	ItemKinds    []string
	Problem      *formProblem
}

// voucherNew shows an empty voucher form for a unit and year.
func (s *Server) voucherNew(c echo.Context) error {
	f := voucherForm{UnitID: int64Value(c.QueryParam("unit")), Year: s.yearParam(c), DocDate: s.now().Format("2006-01-02")}
	if f.UnitID == 0 {
		units, err := s.scopeUnits(c.Request().Context(), actorFor(c), auth.PermSpendDraft)
		if err != nil {
			return err
		}
		if len(units) > 0 {
			f.UnitID = units[0].ID
		}
	}
	return s.showVoucherForm(c, http.StatusOK, f, nil)
}

// voucherEdit shows a draft voucher in the form.
func (s *Server) voucherEdit(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.store.VoucherByID(c.Request().Context(), actorFor(c), id)
	if err != nil {
		return err
	}
	return s.showVoucherForm(c, http.StatusOK, formOf(v), nil)
}

// formOf puts a voucher back into form fields.
func formOf(v budget.Voucher) voucherForm {
	f := voucherForm{ID: v.ID, UnitID: v.UnitID, Year: v.FiscalYear, DocNo: v.DocNo, DocDate: v.DocDate.Format("2006-01-02"),
		Payee: v.Payee, InvoiceNo: v.InvoiceNo, Description: v.Description}
	if v.InvoiceDate != nil {
		f.InvoiceDate = v.InvoiceDate.Format("2006-01-02")
	}
	for _, l := range v.Lines {
		r := voucherRow{LineID: l.BudgetLineID, Amount: l.Amount.String(), Description: l.Description, Kind: l.ExpenseKind,
			Place: l.PlaceClass, ItemKind: l.ItemKind, Justification: l.Justification}
		if l.CommitmentID != nil {
			r.CommitmentID = *l.CommitmentID
		}
		if l.Days > 0 {
			r.Days = itoa(l.Days)
		}
		if l.Persons > 0 {
			r.Persons = itoa(l.Persons)
		}
		if !l.PositionCoef.IsZero() {
			r.Coef = l.PositionCoef.String()
		}
		if !l.Quantity.IsZero() {
			r.Qty = l.Quantity.String()
		}
		f.Rows = append(f.Rows, r)
	}
	return f
}

// showVoucherForm renders the form with the unit's lines and open commitments.
func (s *Server) showVoucherForm(c echo.Context, status int, f voucherForm, problem *formProblem) error {
	ctx := c.Request().Context()
	a := actorFor(c)
	d := voucherFormData{Form: f, ExpenseKinds: expenseKinds, PlaceClasses: placeClasses, ItemKinds: itemKinds, Problem: problem}
	names, err := s.unitNames(c, auth.PermSpendDraft)
	if err != nil {
		return err
	}
	d.UnitName = names[f.UnitID]
	lines, _, err := s.store.Lines(ctx, store.LineFilter{Within: a.Scope(auth.PermSpendDraft), UnitID: f.UnitID, FiscalYear: f.Year, Page: store.Page{Size: store.MaxPageSize}})
	if err != nil {
		return err
	}
	for _, l := range lines {
		if l.UnitID == f.UnitID {
			d.Lines = append(d.Lines, l)
		}
	}
	cs, _, err := s.store.Commitments(ctx, store.CommitmentFilter{Within: a.Scope(auth.PermSpendDraft), FiscalYear: f.Year, Status: budget.StatusApproved, Page: store.Page{Size: store.MaxPageSize}})
	if err != nil {
		return err
	}
	for _, cm := range cs {
		if cm.UnitID == f.UnitID {
			d.Commitments = append(d.Commitments, cm)
		}
	}
	for len(d.Form.Rows) < 3 {
		d.Form.Rows = append(d.Form.Rows, voucherRow{})
	}
	return s.render(c, status, "vouchers/form", "", s.newPage(c, "vouchers.form", d))
}

// voucherCreate saves a new draft; "addrow" shows the form again with one more line.
func (s *Server) voucherCreate(c echo.Context) error {
	return s.saveVoucher(c, 0)
}

// voucherUpdate saves changes to a draft.
func (s *Server) voucherUpdate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	return s.saveVoucher(c, id)
}

func (s *Server) saveVoucher(c echo.Context, id int64) error {
	f := readVoucherForm(c)
	f.ID = id
	if c.FormValue("action") == "addrow" && len(f.Rows) < budget.MaxVoucherLines {
		f.Rows = append(f.Rows, voucherRow{})
		return s.showVoucherForm(c, http.StatusOK, f, nil)
	}
	n, err := f.voucher()
	if err != nil && id != 0 {
		// Another unit's voucher is not found, whatever the form holds.
		if _, serr := s.store.VoucherByID(c.Request().Context(), actorFor(c), id); serr != nil {
			return serr
		}
	}
	if err == nil {
		var v budget.Voucher
		if id == 0 {
			v, err = s.store.CreateVoucher(c.Request().Context(), withRequest(c), n)
		} else {
			v, err = s.store.UpdateVoucher(c.Request().Context(), withRequest(c), id, n)
		}
		if err == nil {
			return redirectWith(c, "/vouchers/"+itoa64(v.ID), "success", s.cat.T(langOf(c), "vouchers.saved"))
		}
	}
	p, err := asFormProblem(err, langOf(c))
	if err != nil {
		return err
	}
	return s.showVoucherForm(c, statusFor(err), f, p)
}

// readVoucherForm reads the posted form: header fields and parallel arrays of line fields.
func readVoucherForm(c echo.Context) voucherForm {
	f := voucherForm{UnitID: int64Value(c.FormValue("unit_id")), Year: intValue(c.FormValue("year"), 0),
		DocNo: clip(c.FormValue("doc_no"), 64), DocDate: c.FormValue("doc_date"), Payee: clip(c.FormValue("payee"), 300),
		InvoiceNo: clip(c.FormValue("invoice_no"), 64), InvoiceDate: c.FormValue("invoice_date"), Description: clip(c.FormValue("description"), 1000)}
	form, _ := c.FormParams()
	at := func(name string, i int) string {
		if v := form[name]; i < len(v) {
			return v[i]
		}
		return ""
	}
	for i := 0; i < len(form["line"]) && i < budget.MaxVoucherLines; i++ {
		f.Rows = append(f.Rows, voucherRow{LineID: int64Value(at("line", i)), CommitmentID: int64Value(at("commitment", i)),
			Amount: clip(at("amount", i), 64), Description: clip(at("line_description", i), 500), Kind: clip(at("kind", i), 40),
			Days: clip(at("days", i), 8), Persons: clip(at("persons", i), 8), Place: clip(at("place", i), 40),
			Coef: clip(at("coef", i), 8), ItemKind: clip(at("item_kind", i), 40), Qty: clip(at("qty", i), 16),
			Justification: clip(at("justification", i), 2000)})
	}
	return f
}

// voucher turns the form into a voucher; empty rows are skipped.
func (f voucherForm) voucher() (budget.NewVoucher, error) {
	n := budget.NewVoucher{UnitID: f.UnitID, FiscalYear: f.Year, DocNo: f.DocNo, Payee: f.Payee, InvoiceNo: f.InvoiceNo, Description: f.Description}
	var err error
	if n.DocDate, err = dateValue(f.DocDate, "doc_date"); err != nil {
		return n, err
	}
	if n.InvoiceDate, err = optionalDate(f.InvoiceDate, "invoice_date"); err != nil {
		return n, err
	}
	for _, r := range f.Rows {
		if r.LineID == 0 && r.Amount == "" {
			continue
		}
		l := budget.VoucherLine{BudgetLineID: r.LineID, Description: r.Description, ExpenseKind: r.Kind, PlaceClass: r.Place,
			ItemKind: r.ItemKind, Justification: r.Justification, Days: intValue(r.Days, 0), Persons: intValue(r.Persons, 0)}
		if r.CommitmentID != 0 {
			id := r.CommitmentID
			l.CommitmentID = &id
		}
		if l.Amount, err = amountValue(r.Amount, "lines"); err != nil {
			return n, err
		}
		if l.PositionCoef, err = decimalValue(r.Coef, "lines"); err != nil {
			return n, err
		}
		if l.Quantity, err = decimalValue(r.Qty, "lines"); err != nil {
			return n, err
		}
		n.Lines = append(n.Lines, l)
	}
	return n, nil
}
