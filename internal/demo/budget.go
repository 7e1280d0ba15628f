package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
	"congquy/internal/org"
)

// demoYear is the fiscal year of the demo budget.
const demoYear = 2026

// budgetActors are who drafts and who approves in one unit's demo budget: its demo
// finance officer (ketoan.<unit>) and chief accountant (ktt.<unit>), acting as their
// sessions would (grants and subtrees), so maker-checker holds as for any user.
type budgetActors struct {
	maker, checker auth.Actor
}

// unitActors returns the demo finance officer and chief accountant of the unit.
func (l *loader) unitActors(ctx context.Context, u org.Unit) (budgetActors, error) {
	maker, err := l.userActor(ctx, "ketoan."+unitSuffix(u.Code))
	if err != nil {
		return budgetActors{}, err
	}
	checker, err := l.userActor(ctx, "ktt."+unitSuffix(u.Code))
	return budgetActors{maker: maker, checker: checker}, err
}

// userActor returns the actor of a demo user, as the session middleware builds it.
func (l *loader) userActor(ctx context.Context, login string) (auth.Actor, error) {
	c, err := l.st.Credentials(ctx, login)
	if err != nil {
		return auth.Actor{}, fmt.Errorf("demo user %s: %w", login, err)
	}
	u, subtrees, err := l.st.SessionUser(ctx, c.ID)
	if err != nil {
		return auth.Actor{}, err
	}
	a := u.Actor("", "")
	a.Subtrees = subtrees
	return a, nil
}

// demoItems are the demo budget lines: tiểu mục and the department's whole-year estimate
// (clearly demo figures). share is the part allotted to the offices, in percent; 0 keeps
// the line at the department.
var demoItems = []struct {
	item  string
	total int64
	share int64
}{
	{"6001", 6_000_000_000, 60}, {"6501", 480_000_000, 60}, {"6502", 96_000_000, 60},
	{"6551", 180_000_000, 60}, {"6601", 120_000_000, 60}, {"6701", 240_000_000, 60},
	{"6702", 150_000_000, 60}, {"6703", 200_000_000, 60}, {"6907", 600_000_000, 40},
	{"7006", 90_000_000, 60}, {"9052", 950_000_000, 0},
}

// officeWeights share an allotment among the demo offices (by invented head counts).
var officeWeights = []decimal.Decimal{decimal.NewFromInt(30), decimal.NewFromInt(25), decimal.NewFromInt(25), decimal.NewFromInt(20)}

// loadBudget loads the fiscal-2026 demo budget: the reference data, a line per tiểu mục
// for every unit, the department's estimate allotted to its offices, withheld savings,
// and a year of vouchers drafted by each unit's finance officer and approved — so posted to
// the ledger — by its chief accountant: some over a norm with a justification, one paid
// twice and reversed, some larger than what their line has left (refused at approval).
func loadBudget(ctx context.Context, l *loader) error {
	if _, err := l.st.LoadBuiltinReference(ctx, l.actor); err != nil {
		return err
	}
	who, err := l.unitActors(ctx, l.units.Department)
	if err != nil {
		return err
	}
	lines := map[int64]map[string]budget.Line{} // unit → tiểu mục → line
	for _, u := range l.units.All() {
		lines[u.ID] = map[string]budget.Line{}
		for _, it := range demoItems {
			if it.share == 0 && u.ID != l.units.Department.ID {
				continue
			}
			line, err := l.st.CreateLine(ctx, who.maker, budget.NewLine{UnitID: u.ID, FiscalYear: demoYear, FundingType: budget.Autonomous,
				Note: "dữ liệu mẫu", Classification: budget.Classification{Chapter: "014", Subsection: "341", Item: it.item, Source: "01", Level: 1}})
			if err != nil {
				return fmt.Errorf("line %s of %s: %w", it.item, u.Code, err)
			}
			lines[u.ID][it.item] = line
		}
	}
	if err := l.budgetDecisions(ctx, who, lines); err != nil {
		return err
	}
	for _, byItem := range lines { // read the figures the decisions gave
		for item, line := range byItem {
			fresh, err := l.st.Line(ctx, who.maker, auth.PermBudgetView, line.ID)
			if err != nil {
				return err
			}
			byItem[item] = fresh
		}
	}
	for i, o := range l.units.Offices {
		office, err := l.unitActors(ctx, o)
		if err != nil {
			return err
		}
		if err := l.officeVouchers(ctx, office, o, lines[o.ID], i); err != nil {
			return fmt.Errorf("vouchers of %s: %w", o.Code, err)
		}
	}
	return l.departmentVouchers(ctx, who, lines[l.units.Department.ID])
}

// budgetDecisions approves the department's estimate, allots shares to the offices and
// withholds 10% of the office-supplies line as savings.
func (l *loader) budgetDecisions(ctx context.Context, who budgetActors, lines map[int64]map[string]budget.Line) error {
	dept := l.units.Department
	date := time.Date(demoYear, 1, 5, 0, 0, 0, 0, time.UTC)
	est := budget.NewDecision{UnitID: dept.ID, FiscalYear: demoYear, Kind: budget.DecisionEstimate,
		DecisionNo: "01/QĐ-MẪU", DecisionDate: date, Note: "Giao dự toán năm 2026 (dữ liệu mẫu)"}
	for _, it := range demoItems {
		est.Lines = append(est.Lines, budget.DecisionLine{LineID: lines[dept.ID][it.item].ID, Amount: money.FromInt64(it.total)})
		est.Total = est.Total.Add(money.FromInt64(it.total))
	}
	if err := l.decide(ctx, who, est); err != nil {
		return fmt.Errorf("estimate: %w", err)
	}
	for n, it := range demoItems {
		if it.share == 0 {
			continue
		}
		total := money.FromInt64(it.total * it.share / 100)
		parts, err := budget.DistributeByWeights(total, officeWeights)
		if err != nil {
			return err
		}
		d := budget.NewDecision{UnitID: dept.ID, FiscalYear: demoYear, Kind: budget.DecisionAllotment, Total: total,
			DecisionNo: fmt.Sprintf("%02d/QĐ-PB-MẪU", n+2), DecisionDate: date.AddDate(0, 0, 5), Note: "Phân bổ dự toán cho các phòng (dữ liệu mẫu)",
			Lines: []budget.DecisionLine{{LineID: lines[dept.ID][it.item].ID, Amount: total.Neg()}}}
		for i, o := range l.units.Offices {
			d.Lines = append(d.Lines, budget.DecisionLine{LineID: lines[o.ID][it.item].ID, Amount: parts[i]})
		}
		if err := l.decide(ctx, who, d); err != nil {
			return fmt.Errorf("allotment of %s: %w", it.item, err)
		}
	}
	saving := money.FromInt64(180_000_000 * 40 / 100 / 10)
	return l.decide(ctx, who, budget.NewDecision{UnitID: dept.ID, FiscalYear: demoYear, Kind: budget.DecisionWithhold, Total: saving,
		DecisionNo: "20/QĐ-TK-MẪU", DecisionDate: date.AddDate(0, 1, 0), Note: "Tiết kiệm 10% chi văn phòng phẩm (dữ liệu mẫu)",
		Lines: []budget.DecisionLine{{LineID: lines[dept.ID]["6551"].ID, Amount: saving}}})
}

// decide drafts a decision as the maker and approves it as the checker.
func (l *loader) decide(ctx context.Context, who budgetActors, d budget.NewDecision) error {
	dd, err := l.st.DraftDecision(ctx, who.maker, d)
	if err != nil {
		return err
	}
	_, err = l.st.ApproveDecision(ctx, who.checker, dd.ID)
	return err
}

// places are the destinations of demo missions, with their lodging lump sums
// (Circular 40/2017/TT-BTC Art. 7.2).
var places = []struct {
	class string
	rate  int64
}{{"city_class1", 450_000}, {"town", 350_000}, {"other", 300_000}}

// stage is how far a demo voucher goes through its life cycle.
type stage int

const (
	drafted   stage = iota // left as a draft
	submitted              // awaiting approval
	posted                 // approved by the chief accountant and posted to the ledger
	refused                // submitted, then refused at approval for lack of budget
)

// stageOf is where a voucher of month m stands at the demo's "today" (early November):
// September and before approved and posted, October awaiting approval, November drafts.
func stageOf(m int) stage {
	switch {
	case m <= 9:
		return posted
	case m == 10:
		return submitted
	}
	return drafted
}

// officeVouchers drafts an office's year: salaries and utilities each month, stationery each quarter,
// missions (lodging lump sums, some over the norm with a justification), a duplicate
// payment posted then reversed, and one repair larger than the office's repair line,
// refused at approval for lack of budget.
func (l *loader) officeVouchers(ctx context.Context, who budgetActors, o org.Unit, lines map[string]budget.Line, n int) error {
	for m := 1; m <= 11; m++ {
		day := time.Date(demoYear, time.Month(m), 3+l.rng.IntN(20), 0, 0, 0, 0, time.UTC)
		utilities, err := l.monthly(ctx, who, o, lines, m, day)
		if err != nil {
			return err
		}
		if m == 5 { // paid twice by mistake: the second posting is reversed
			dup, err := l.voucher(ctx, who, o, day.AddDate(0, 0, 1), "Công ty Điện lực mẫu", fmt.Sprintf("Tiền điện, nước tháng %d/%d (trùng)", m, demoYear), posted, utilities...)
			if err != nil {
				return err
			}
			if _, err := l.st.ReverseVoucher(ctx, who.checker, dup, day.AddDate(0, 0, 8), "Trùng với chứng từ tiền điện, nước đã thanh toán trong tháng (dữ liệu mẫu)."); err != nil {
				return fmt.Errorf("reverse duplicate: %w", err)
			}
		}
		if m%3 == 0 {
			amount := lines["6551"].Allocated.Decimal().IntPart() / 4 * int64(70+l.rng.IntN(25)) / 100
			if _, err := l.voucher(ctx, who, o, day.AddDate(0, 0, 2), "Cửa hàng Văn phòng phẩm mẫu", "Văn phòng phẩm quý", stageOf(m),
				budget.VoucherLine{BudgetLineID: lines["6551"].ID, Amount: money.FromInt64(amount), Description: "Giấy, mực in"}); err != nil {
				return err
			}
		}
		if m%2 == 0 {
			if err := l.mission(ctx, who, o, lines, day.AddDate(0, 0, 4), m); err != nil {
				return err
			}
		}
	}
	// A repair estimated above what the office's repair line holds: refused at approval.
	// The first office's stays submitted, awaiting a budget increase; the others are
	// rejected with the refusal as the reason.
	over := lines["6907"].Allocated.Add(money.FromInt64(int64(15_000_000 + n*1_000_000)))
	st := refused
	if n == 0 {
		st = submitted
	}
	_, err := l.voucher(ctx, who, o, time.Date(demoYear, 10, 20, 0, 0, 0, 0, time.UTC), "Công ty Xây dựng mẫu",
		"Sửa chữa trụ sở (vượt dự toán — dữ liệu mẫu)", st,
		budget.VoucherLine{BudgetLineID: lines["6907"].ID, Amount: over, Description: "Sửa mái, chống thấm"})
	return err
}

// monthly drafts a unit's monthly payments: salaries (a twelfth of the salary line) and
// utilities (around a twelfth of their lines). It returns the utilities' lines.
func (l *loader) monthly(ctx context.Context, who budgetActors, u org.Unit, lines map[string]budget.Line, m int, day time.Time) ([]budget.VoucherLine, error) {
	salary := lines["6001"].Allocated.Decimal().IntPart() / 12
	if _, err := l.voucher(ctx, who, u, time.Date(demoYear, time.Month(m), 25, 0, 0, 0, 0, time.UTC), "Cán bộ, công chức của đơn vị (bảng lương mẫu)",
		fmt.Sprintf("Lương tháng %d/%d", m, demoYear), stageOf(m),
		budget.VoucherLine{BudgetLineID: lines["6001"].ID, Amount: money.FromInt64(salary), Description: "Lương ngạch, bậc"}); err != nil {
		return nil, err
	}
	power := lines["6501"].Allocated.Decimal().IntPart() / 12 * int64(85+l.rng.IntN(25)) / 100
	water := lines["6502"].Allocated.Decimal().IntPart() / 12 * int64(80+l.rng.IntN(30)) / 100
	utilities := []budget.VoucherLine{
		{BudgetLineID: lines["6501"].ID, Amount: money.FromInt64(power), Description: "Tiền điện"},
		{BudgetLineID: lines["6502"].ID, Amount: money.FromInt64(water), Description: "Tiền nước"}}
	_, err := l.voucher(ctx, who, u, day, "Công ty Điện lực mẫu", fmt.Sprintf("Tiền điện, nước tháng %d/%d", m, demoYear), stageOf(m), utilities...)
	return utilities, err
}

// mission drafts a business trip: lodging lump sum and subsistence allowance.
func (l *loader) mission(ctx context.Context, who budgetActors, o org.Unit, lines map[string]budget.Line, day time.Time, m int) error {
	p := places[l.rng.IntN(len(places))]
	days, persons := 2+l.rng.IntN(3), 1+l.rng.IntN(2)
	lodging := budget.VoucherLine{BudgetLineID: lines["6703"].ID, Description: "Khoán tiền thuê phòng nghỉ", ExpenseKind: "lodging_lump_sum",
		Days: days, Persons: persons, PlaceClass: p.class, Amount: money.FromInt64(p.rate * int64(days*persons))}
	if m%4 == 0 { // over the lump sum: warned by the norm, justified
		lodging.Amount = lodging.Amount.MulRatio(decimal.NewFromInt(115), decimal.NewFromInt(100))
		lodging.Justification = "Hội nghị tập huấn tại địa phương, giá phòng thực tế cao hơn mức khoán; có hóa đơn (dữ liệu mẫu)."
	}
	allowance := budget.VoucherLine{BudgetLineID: lines["6702"].ID, Description: "Phụ cấp lưu trú", ExpenseKind: "travel_allowance",
		Days: days, Persons: persons, Amount: money.FromInt64(200_000 * int64(days*persons))}
	_, err := l.voucher(ctx, who, o, day, "Cán bộ đi công tác (mẫu)", fmt.Sprintf("Công tác phí tháng %d", m), stageOf(m), lodging, allowance)
	return err
}

// departmentVouchers buys the department's car at the price cap (Decree 72/2023/NĐ-CP as
// amended; demo figure), which uses up its line exactly, and pays the department's
// salaries and utilities month by month.
func (l *loader) departmentVouchers(ctx context.Context, who budgetActors, lines map[string]budget.Line) error {
	car := budget.VoucherLine{BudgetLineID: lines["9052"].ID, Amount: money.FromInt64(950_000_000), Description: "Mua xe ô tô phục vụ công tác chung",
		ExpenseKind: "car_purchase", ItemKind: "car_general", Quantity: decimal.NewFromInt(1)}
	if _, err := l.voucher(ctx, who, l.units.Department, time.Date(demoYear, 6, 15, 0, 0, 0, 0, time.UTC), "Công ty Ô tô mẫu",
		"Mua xe ô tô phục vụ công tác chung (dữ liệu mẫu)", posted, car); err != nil {
		return err
	}
	for m := 1; m <= 11; m++ {
		if _, err := l.monthly(ctx, who, l.units.Department, lines, m, time.Date(demoYear, time.Month(m), 5+l.rng.IntN(15), 0, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
	}
	return nil
}

// voucher drafts a voucher as the unit's finance officer and takes it to stage st: the
// chief accountant approves (and so posts) it, or — refused for lack of budget — rejects
// it with the refusal as the reason, or leaves it submitted. It returns the voucher's id.
func (l *loader) voucher(ctx context.Context, who budgetActors, u org.Unit, day time.Time, payee, desc string, st stage, lines ...budget.VoucherLine) (int64, error) {
	v, err := l.st.CreateVoucher(ctx, who.maker, budget.NewVoucher{UnitID: u.ID, FiscalYear: demoYear, DocDate: day, Payee: payee,
		Description: desc, DocNo: fmt.Sprintf("C%02d-%04d", day.Month(), l.rng.IntN(10000)), Lines: lines})
	if err != nil {
		return 0, err
	}
	l.sum.Vouchers++
	if st == drafted {
		return v.ID, nil
	}
	if _, err = l.st.SubmitVoucher(ctx, who.maker, v.ID); err != nil || st == submitted {
		return v.ID, err
	}
	_, err = l.st.ApproveVoucher(ctx, who.checker, v.ID)
	switch {
	case st == posted && err == nil:
		l.sum.Posted++
		return v.ID, nil
	case st == refused && apperr.Is(err, apperr.InsufficientBudget):
		e, _ := apperr.As(err)
		l.sum.Refused++
		_, err = l.st.RejectVoucher(ctx, who.checker, v.ID, "Không đủ dự toán: "+e.VI)
		return v.ID, err
	case err == nil:
		return v.ID, fmt.Errorf("voucher %q was approved, though it should have been refused", desc)
	}
	return v.ID, fmt.Errorf("approve %q: %w", desc, err)
}
