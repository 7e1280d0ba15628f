package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

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
// and a year of drafted and submitted vouchers — some over a norm with a justification,
// some larger than what their line has left (to be refused at approval).
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

// officeVouchers drafts an office's year: utilities each month, stationery each quarter,
// missions (lodging lump sums, some over the norm with a justification), and one repair
// larger than the office's repair line.
func (l *loader) officeVouchers(ctx context.Context, who budgetActors, o org.Unit, lines map[string]budget.Line, n int) error {
	last := 11 // vouchers up to November; the latest month stays as drafts
	for m := 1; m <= last; m++ {
		day := time.Date(demoYear, time.Month(m), 3+l.rng.IntN(20), 0, 0, 0, 0, time.UTC)
		power := lines["6501"].Allocated.Decimal().IntPart() / 12 * int64(85+l.rng.IntN(25)) / 100
		water := lines["6502"].Allocated.Decimal().IntPart() / 12 * int64(80+l.rng.IntN(30)) / 100
		if err := l.voucher(ctx, who, o, day, "Công ty Điện lực mẫu", fmt.Sprintf("Tiền điện tháng %d/%d", m, demoYear), m < last,
			budget.VoucherLine{BudgetLineID: lines["6501"].ID, Amount: money.FromInt64(power), Description: "Tiền điện"},
			budget.VoucherLine{BudgetLineID: lines["6502"].ID, Amount: money.FromInt64(water), Description: "Tiền nước"}); err != nil {
			return err
		}
		if m%3 == 0 {
			amount := lines["6551"].Allocated.Decimal().IntPart() / 4 * int64(70+l.rng.IntN(25)) / 100
			if err := l.voucher(ctx, who, o, day.AddDate(0, 0, 2), "Cửa hàng Văn phòng phẩm mẫu", "Văn phòng phẩm quý", true,
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
	// A repair estimated above what the office's repair line holds: it will be refused
	// for lack of budget when approved.
	over := lines["6907"].Allocated.Add(money.FromInt64(int64(15_000_000 + n*1_000_000)))
	return l.voucher(ctx, who, o, time.Date(demoYear, 10, 20, 0, 0, 0, 0, time.UTC), "Công ty Xây dựng mẫu",
		"Sửa chữa trụ sở (vượt dự toán — dữ liệu mẫu)", true,
		budget.VoucherLine{BudgetLineID: lines["6907"].ID, Amount: over, Description: "Sửa mái, chống thấm"})
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
	return l.voucher(ctx, who, o, day, "Cán bộ đi công tác (mẫu)", fmt.Sprintf("Công tác phí tháng %d", m), true, lodging, allowance)
}

// departmentVouchers drafts the department's car purchase at the price cap (Decree
// 72/2023/NĐ-CP as amended; demo figure).
func (l *loader) departmentVouchers(ctx context.Context, who budgetActors, lines map[string]budget.Line) error {
	car := budget.VoucherLine{BudgetLineID: lines["9052"].ID, Amount: money.FromInt64(950_000_000), Description: "Mua xe ô tô phục vụ công tác chung",
		ExpenseKind: "car_purchase", ItemKind: "car_general", Quantity: decimal.NewFromInt(1)}
	return l.voucher(ctx, who, l.units.Department, time.Date(demoYear, 6, 15, 0, 0, 0, 0, time.UTC), "Công ty Ô tô mẫu",
		"Mua xe ô tô phục vụ công tác chung (dữ liệu mẫu)", true, car)
}

// voucher drafts a voucher and, when submit is set, submits it.
func (l *loader) voucher(ctx context.Context, who budgetActors, u org.Unit, day time.Time, payee, desc string, submit bool, lines ...budget.VoucherLine) error {
	v, err := l.st.CreateVoucher(ctx, who.maker, budget.NewVoucher{UnitID: u.ID, FiscalYear: demoYear, DocDate: day, Payee: payee,
		Description: desc, DocNo: fmt.Sprintf("C%02d-%04d", day.Month(), l.rng.IntN(10000)), Lines: lines})
	if err != nil {
		return err
	}
	l.sum.Vouchers++
	if !submit {
		return nil
	}
	_, err = l.st.SubmitVoucher(ctx, who.maker, v.ID)
	return err
}
