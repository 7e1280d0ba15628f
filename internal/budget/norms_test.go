package budget

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"congquy/internal/money"
)

// lodgingNorms are the lodging lump sums of Circular 40/2017/TT-BTC Art. 7.2, as seeded.
func lodgingNorms() []Norm {
	from := time.Date(2017, 7, 1, 0, 0, 0, 0, time.UTC)
	coef := decimal.RequireFromString("1.25")
	n := func(code, place string, prio int, limit int64, c *decimal.Decimal) Norm {
		return Norm{Code: code, NameVI: code, NameEN: code, LegalDocument: "40/2017/TT-BTC", LegalArticle: "Art. 7.2",
			Group: "lodging", Priority: prio, ExpenseKind: "lodging_lump_sum", PlaceClass: place, MinPositionCoef: c,
			Basis: PerPersonDay, LimitAmount: money.NullVND{VND: money.FromInt64(limit), Valid: true}, Action: Warn, ValidFrom: from}
	}
	return []Norm{
		n("LEADER", "", 10, 1_000_000, &coef),
		n("CITY", "city_class1", 20, 450_000, nil),
		n("TOWN", "town", 20, 350_000, nil),
		n("OTHER", "other", 20, 300_000, nil),
	}
}

func carNorms() []Norm {
	from := time.Date(2023, 9, 26, 0, 0, 0, 0, time.UTC)
	n := func(code, kind string, limit int64) Norm {
		return Norm{Code: code, NameVI: code, NameEN: code, LegalDocument: "72/2023/NĐ-CP", LegalArticle: "?",
			Group: "car_price", Priority: 10, ExpenseKind: "car_purchase", ItemKind: kind, Basis: PerItem,
			LimitAmount: money.NullVND{VND: money.FromInt64(limit), Valid: true}, Action: Block, ValidFrom: from}
	}
	return []Norm{n("CAR", "car_general", 950_000_000), n("CAR16", "car_12_16_seats", 1_300_000_000), n("CAR8", "car_7_8_seats_2axle", 1_600_000_000)}
}

func TestEvaluateNorms(t *testing.T) {
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	norms := append(lodgingNorms(), carNorms()...)
	q := decimal.NewFromInt
	cases := []struct {
		name    string
		f       Facts
		code    string
		outcome Outcome
		permit  int64
	}{
		{"city within", Facts{ExpenseKind: "lodging_lump_sum", PlaceClass: "city_class1", Days: 3, Persons: 2, Amount: money.FromInt64(2_700_000)}, "CITY", OK, 2_700_000},
		{"city 1 ₫ over", Facts{ExpenseKind: "lodging_lump_sum", PlaceClass: "city_class1", Days: 3, Persons: 2, Amount: money.FromInt64(2_700_001)}, "CITY", Warned, 2_700_000},
		{"town", Facts{ExpenseKind: "lodging_lump_sum", PlaceClass: "town", Days: 2, Persons: 1, Amount: money.FromInt64(800_000)}, "TOWN", Warned, 700_000},
		{"other place", Facts{ExpenseKind: "lodging_lump_sum", PlaceClass: "other", Days: 1, Persons: 1, Amount: money.FromInt64(300_000)}, "OTHER", OK, 300_000},
		{"leader anywhere", Facts{ExpenseKind: "lodging_lump_sum", PlaceClass: "other", PositionCoef: decimal.RequireFromString("1.25"), Days: 2, Persons: 1, Amount: money.FromInt64(2_000_000)}, "LEADER", OK, 2_000_000},
		{"coefficient below 1.25", Facts{ExpenseKind: "lodging_lump_sum", PlaceClass: "other", PositionCoef: decimal.RequireFromString("1.2"), Days: 2, Persons: 1, Amount: money.FromInt64(2_000_000)}, "OTHER", Warned, 600_000},
		{"no days", Facts{ExpenseKind: "lodging_lump_sum", PlaceClass: "town", Persons: 1, Amount: money.FromInt64(1)}, "TOWN", Missing, 0},
		{"car at the cap", Facts{ExpenseKind: "car_purchase", ItemKind: "car_general", Quantity: q(1), Amount: money.FromInt64(950_000_000)}, "CAR", OK, 950_000_000},
		{"car 1 ₫ over", Facts{ExpenseKind: "car_purchase", ItemKind: "car_general", Quantity: q(1), Amount: money.FromInt64(950_000_001)}, "CAR", Blocked, 950_000_000},
		{"two 16-seaters", Facts{ExpenseKind: "car_purchase", ItemKind: "car_12_16_seats", Quantity: q(2), Amount: money.FromInt64(2_600_000_000)}, "CAR16", OK, 2_600_000_000},
		{"two-axle 7-seater", Facts{ExpenseKind: "car_purchase", ItemKind: "car_7_8_seats_2axle", Quantity: q(1), Amount: money.FromInt64(1_650_000_000)}, "CAR8", Blocked, 1_600_000_000},
	}
	for _, c := range cases {
		c.f.Date = day
		res := Evaluate(norms, 1, c.f)
		if len(res) != 1 {
			t.Errorf("%s: %d results, want 1: %+v", c.name, len(res), res)
			continue
		}
		r := res[0]
		if r.NormCode != c.code || r.Outcome != c.outcome {
			t.Errorf("%s: %s %s, want %s %s", c.name, r.NormCode, r.Outcome, c.code, c.outcome)
		}
		if c.outcome != Missing && !r.Permitted.VND.Equal(money.FromInt64(c.permit)) {
			t.Errorf("%s: permitted %s, want %d", c.name, r.Permitted.VND, c.permit)
		}
		if r.MessageVI() == "" || r.MessageEN() == "" {
			t.Errorf("%s: empty message", c.name)
		}
	}
	// Nothing matches an unrelated kind, or a date before the norm's validity.
	if res := Evaluate(norms, 1, Facts{Date: day, ExpenseKind: "electricity", Amount: money.FromInt64(5)}); len(res) != 0 {
		t.Errorf("unrelated kind: %+v", res)
	}
	old := Facts{Date: time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), ExpenseKind: "lodging_lump_sum", PlaceClass: "town", Days: 1, Persons: 1, Amount: money.FromInt64(9_999_999)}
	if res := Evaluate(norms, 1, old); len(res) != 0 {
		t.Errorf("norm applied before it was in force: %+v", res)
	}
}

func TestEvaluatePerYearAndQuantity(t *testing.T) {
	from := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	limit := decimal.NewFromInt(2)
	norms := []Norm{
		{Code: "PHONE", Group: "phone", ExpenseKind: "phone", Basis: PerYear, LimitAmount: money.NullVND{VND: money.FromInt64(1000), Valid: true}, Action: Warn, ValidFrom: from},
		{Code: "DESKS", Group: "desks", ExpenseKind: "desk", Basis: Quantity, LimitQuantity: &limit, Action: Block, ValidFrom: from},
	}
	day := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	r := Evaluate(norms, 2, Facts{Date: day, ExpenseKind: "phone", Amount: money.FromInt64(300), PriorYear: money.FromInt64(700)})
	if len(r) != 1 || r[0].Outcome != OK {
		t.Fatalf("per year at the limit: %+v", r)
	}
	r = Evaluate(norms, 2, Facts{Date: day, ExpenseKind: "phone", Amount: money.FromInt64(301), PriorYear: money.FromInt64(700)})
	if len(r) != 1 || r[0].Outcome != Warned {
		t.Fatalf("per year over: %+v", r)
	}
	r = Evaluate(norms, 3, Facts{Date: day, ExpenseKind: "desk", Quantity: decimal.NewFromInt(3), Amount: money.FromInt64(1)})
	if len(r) != 1 || r[0].Outcome != Blocked || r[0].LineNo != 3 {
		t.Fatalf("quantity over: %+v", r)
	}
	blocked, warned := Verdict(append(r, Result{Outcome: Warned}))
	if len(blocked) != 1 || len(warned) != 1 {
		t.Fatalf("verdict: %d blocked, %d warned", len(blocked), len(warned))
	}
}
