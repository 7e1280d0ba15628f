package ledger

import (
	"testing"
	"time"

	"congquy/internal/apperr"
	"congquy/internal/money"
)

func line(acct string, dr, cr int64) Line {
	return Line{Account: acct, Debit: money.FromInt64(dr), Credit: money.FromInt64(cr)}
}

func TestEntryValidate(t *testing.T) {
	base := func(lines ...Line) Entry {
		return Entry{UnitID: 1, Date: time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), Memo: "x", SourceType: "manual", Lines: lines}
	}
	cases := []struct {
		name string
		e    Entry
		ok   bool
	}{
		{"balanced", base(line("611", 100, 0), line("112", 0, 100)), true},
		{"three lines", base(line("611", 60, 0), line("642", 40, 0), line("112", 0, 100)), true},
		{"off-balance only", base(line("008", 0, 100)), true},
		{"off-balance beside a pair", base(line("611", 100, 0), line("112", 0, 100), line("008", 0, 100)), true},
		{"unbalanced", base(line("611", 100, 0), line("112", 0, 99)), false},
		{"one on-balance line", base(line("611", 100, 0), line("008", 0, 100)), false},
		{"both sides", base(line("611", 100, 100), line("112", 0, 0)), false},
		{"zero line", base(line("611", 0, 0), line("112", 0, 0)), false},
		{"negative", base(line("611", -100, 0), line("112", -100, 0)), false},
		{"bad account", base(line("61A", 100, 0), line("112", 0, 100)), false},
		{"no lines", base(), false},
		{"no memo", Entry{UnitID: 1, Date: time.Now(), SourceType: "manual", Lines: []Line{line("611", 1, 0), line("112", 0, 1)}}, false},
		{"bad source", Entry{UnitID: 1, Date: time.Now(), Memo: "x", SourceType: "Bad Type", Lines: []Line{line("611", 1, 0), line("112", 0, 1)}}, false},
	}
	for _, c := range cases {
		err := c.e.Validate()
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want ok=%v", c.name, err, c.ok)
		}
		if err != nil && !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%s: code %s", c.name, apperr.CodeOf(err))
		}
	}
}

func TestReversalSwapsSides(t *testing.T) {
	r := Reversal(7, 1, []Line{line("611", 100, 0), line("112", 0, 100)}, time.Now(), "đảo")
	if r.ReversesID != 7 || r.SourceID != "7" || !r.Lines[0].Credit.Equal(money.FromInt64(100)) || !r.Lines[1].Debit.Equal(money.FromInt64(100)) {
		t.Fatalf("reversal = %+v", r)
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestEntryTotal(t *testing.T) {
	e := Entry{Lines: []Line{line("611", 100, 0), line("112", 0, 100), line("008", 0, 100)}}
	if !e.Total().Equal(money.FromInt64(100)) {
		t.Fatal(e.Total())
	}
}
