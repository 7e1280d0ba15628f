package budget

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"congquy/internal/apperr"
	"congquy/internal/money"
)

func vnd(n int64) money.VND { return money.FromInt64(n) }

func TestDecisionValidate(t *testing.T) {
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	base := func(kind DecisionKind, total int64, amounts ...int64) NewDecision {
		d := NewDecision{UnitID: 1, FiscalYear: 2026, Kind: kind, DecisionNo: "01/QĐ", DecisionDate: day, Total: vnd(total)}
		for i, a := range amounts {
			d.Lines = append(d.Lines, DecisionLine{LineID: int64(i + 1), Amount: vnd(a)})
		}
		return d
	}
	cases := []struct {
		name string
		d    NewDecision
		ok   bool
		msg  string
	}{
		{"estimate", base(DecisionEstimate, 300, 100, 200), true, ""},
		{"estimate with a negative line", base(DecisionEstimate, 100, 200, -100), false, "số dương"},
		{"estimate parts short", base(DecisionEstimate, 300, 100, 150), false, "chênh lệch 50 ₫"},
		{"allotment exact", base(DecisionAllotment, 1000, -1000, 600, 400), true, ""},
		{"allotment parts short", base(DecisionAllotment, 1000, -1000, 600, 300), false, "chênh lệch 100 ₫"},
		{"allotment two sources", base(DecisionAllotment, 1000, -500, -500, 1000), false, "đúng một dòng"},
		{"transfer", base(DecisionTransfer, 70, -70, 30, 40), true, ""},
		{"transfer unbalanced", base(DecisionTransfer, 70, -70, 30, 30), false, "chênh lệch"},
		{"decrease", base(DecisionDecrease, 70, -70), true, ""},
		{"decrease positive", base(DecisionDecrease, 70, 70), false, "số âm"},
		{"withhold", base(DecisionWithhold, 10, 10), true, ""},
		{"release", base(DecisionRelease, 10, -10), true, ""},
		{"zero total", base(DecisionIncrease, 0, 0), false, ""},
		{"no lines", base(DecisionIncrease, 10), false, ""},
		{"no number", func() NewDecision { d := base(DecisionIncrease, 10, 10); d.DecisionNo = ""; return d }(), false, "Số quyết định"},
		{"same line twice", func() NewDecision { d := base(DecisionIncrease, 20, 10, 10); d.Lines[1].LineID = 1; return d }(), false, "một lần"},
	}
	for _, c := range cases {
		err := c.d.Validate()
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", c.name, err, c.ok)
			continue
		}
		if err != nil {
			e, _ := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || !strings.Contains(e.VI, c.msg) || e.EN == "" {
				t.Errorf("%s: error %v, want Invalid with %q", c.name, err, c.msg)
			}
		}
	}
}

func TestDistributeSumsExactly(t *testing.T) {
	parts, err := DistributeEqual(vnd(1_000_000_001), 4)
	if err != nil || !money.Sum(parts...).Equal(vnd(1_000_000_001)) {
		t.Fatalf("equal: %v %v", parts, err)
	}
	parts, err = DistributeByWeights(vnd(1_000_000), []decimal.Decimal{decimal.NewFromInt(3), decimal.NewFromInt(3), decimal.NewFromInt(3)})
	if err != nil || !money.Sum(parts...).Equal(vnd(1_000_000)) {
		t.Fatalf("weights: %v %v", parts, err)
	}
}

func TestLineFigures(t *testing.T) {
	l := Line{Allocated: vnd(1000), Adjusted: vnd(-100), Withheld: vnd(50), Committed: vnd(200), Spent: vnd(300), SubConsumed: vnd(100)}
	if !l.Estimate().Equal(vnd(850)) || !l.Available().Equal(vnd(250)) {
		t.Fatalf("estimate %s available %s", l.Estimate(), l.Available())
	}
	if got := Execution(vnd(1), vnd(3)); got.String() != "33.333333" {
		t.Fatalf("execution 1/3 = %s", got)
	}
	if got := Execution(vnd(5), money.Zero); !got.IsZero() {
		t.Fatalf("execution of a zero estimate = %s", got)
	}
	l.Item, l.Chapter, l.Subsection, l.Source = "6701", "014", "341", "01"
	e := InsufficientBudget(l, vnd(1_200_000), vnd(1_500_000))
	if e.Code != apperr.InsufficientBudget || !strings.Contains(e.VI, "Dòng dự toán 6701") ||
		!strings.Contains(e.VI, "còn 1.200.000 ₫, yêu cầu 1.500.000 ₫") || !strings.Contains(e.EN, "1,200,000 ₫") {
		t.Fatalf("message = %q / %q", e.VI, e.EN)
	}
}

func TestElapsedShare(t *testing.T) {
	cases := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), "0"},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "0.273973"},
		{time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC), "50.136986"},
		{time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), "100"},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), "100"},
	}
	for _, c := range cases {
		if got := ElapsedShare(2026, c.at); got.String() != c.want {
			t.Errorf("ElapsedShare(2026, %s) = %s, want %s", c.at.Format("2006-01-02"), got, c.want)
		}
	}
}
