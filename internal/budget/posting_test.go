package budget

import (
	"testing"
	"time"

	"congquy/internal/ledger"
	"congquy/internal/money"
)

func testLine(id, unit int64, f FundingType) Line {
	return Line{ID: id, UnitID: unit, FundingType: f, Classification: Classification{Chapter: "014", Subsection: "341", Item: "6501", Source: "01", Level: 1}}
}

// A voucher's entry: per budget line, in id order, Nợ expense / Có 511 and Có the
// off-balance estimate; it balances and every line names its budget line.
func TestVoucherEntry(t *testing.T) {
	lines := map[int64]Line{7: testLine(7, 3, Autonomous), 5: testLine(5, 3, NonAutonomous)}
	by := int64(11)
	v := Voucher{ID: 42, UnitID: 3, DocNo: "C01", Payee: "Công ty Mẫu", DocDate: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), DraftedBy: &by,
		Lines: []VoucherLine{{BudgetLineID: 7, Amount: money.FromInt64(100)}, {BudgetLineID: 5, Amount: money.FromInt64(30)}, {BudgetLineID: 7, Amount: money.FromInt64(20)}}}
	e := VoucherEntry(v, lines, 12)
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		account string
		debit   int64
		credit  int64
		line    int64
	}{
		{"6112", 30, 0, 5}, {"511", 0, 30, 5}, {"00822", 0, 30, 5},
		{"6111", 120, 0, 7}, {"511", 0, 120, 7}, {"00821", 0, 120, 7},
	}
	if len(e.Lines) != len(want) {
		t.Fatalf("lines %+v", e.Lines)
	}
	for i, w := range want {
		l := e.Lines[i]
		if l.Account != w.account || !l.Debit.Equal(money.FromInt64(w.debit)) || !l.Credit.Equal(money.FromInt64(w.credit)) || l.BudgetLineID != w.line {
			t.Errorf("line %d = %+v, want %+v", i+1, l, w)
		}
	}
	if e.SourceType != SourceVoucher || e.SourceID != "42" || e.DraftedBy != 11 || e.ApprovedBy != 12 || !e.Total().Equal(money.FromInt64(150)) {
		t.Errorf("entry %+v", e)
	}
}

// A decision posts one off-balance entry per unit: what a line receives is debited, what it
// gives up credited; withholding gives up, releasing receives.
func TestDecisionEntries(t *testing.T) {
	dept, o1, o2 := testLine(1, 10, Autonomous), testLine(2, 11, Autonomous), testLine(3, 12, Autonomous)
	date := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		kind  DecisionKind
		parts []DecisionPart
		want  []ledger.Line // in unit order
	}{
		{DecisionAllotment, []DecisionPart{{dept, money.FromInt64(-100)}, {o2, money.FromInt64(40)}, {o1, money.FromInt64(60)}},
			[]ledger.Line{{Account: "00821", Credit: money.FromInt64(100)}, {Account: "00821", Debit: money.FromInt64(60)}, {Account: "00821", Debit: money.FromInt64(40)}}},
		{DecisionWithhold, []DecisionPart{{dept, money.FromInt64(25)}}, []ledger.Line{{Account: "00821", Credit: money.FromInt64(25)}}},
		{DecisionRelease, []DecisionPart{{dept, money.FromInt64(-25)}}, []ledger.Line{{Account: "00821", Debit: money.FromInt64(25)}}},
		{DecisionTransfer, []DecisionPart{{o1, money.FromInt64(-5)}, {testLine(4, 11, NonAutonomous), money.FromInt64(5)}},
			[]ledger.Line{{Account: "00821", Credit: money.FromInt64(5)}, {Account: "00822", Debit: money.FromInt64(5)}}},
	}
	for _, c := range cases {
		entries := DecisionEntries(9, c.kind, "01/QĐ", date, 1, 2, c.parts)
		var got []ledger.Line
		units := map[int64]bool{}
		for _, e := range entries {
			if err := e.Validate(); err != nil {
				t.Fatalf("%s: %v", c.kind, err)
			}
			if units[e.UnitID] {
				t.Errorf("%s: two entries for unit %d", c.kind, e.UnitID)
			}
			units[e.UnitID] = true
			got = append(got, e.Lines...)
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s: %+v", c.kind, got)
		}
		for i, w := range c.want {
			if got[i].Account != w.Account || !got[i].Debit.Equal(w.Debit) || !got[i].Credit.Equal(w.Credit) {
				t.Errorf("%s line %d = %+v, want %+v", c.kind, i+1, got[i], w)
			}
		}
	}
}
