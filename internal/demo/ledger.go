package demo

import (
	"context"
	"time"

	"congquy/internal/ledger"
	"congquy/internal/money"
)

// ledgerYear is the fiscal year the demo ledger opens.
const ledgerYear = 2026

// loadLedger opens the twelve periods of the demo year for every unit and posts, per
// unit, opening balances on 2 January: cash at the State Treasury and fixed assets. The
// figures are invented (demo data) and labelled so in each entry's memo.
func loadLedger(ctx context.Context, l *loader) error {
	date := time.Date(ledgerYear, 1, 2, 0, 0, 0, 0, time.UTC)
	for _, u := range l.units.All() {
		if err := l.st.OpenPeriods(ctx, l.actor, u.ID, ledgerYear); err != nil {
			return err
		}
		cash := money.FromInt64((200 + l.rng.Int64N(800)) * 1_000_000)
		cost := money.FromInt64((1_000 + l.rng.Int64N(4_000)) * 1_000_000)
		worn := money.FromInt64((1 + l.rng.Int64N(cost.Decimal().IntPart()/1_000_000/2)) * 1_000_000)
		entries := []ledger.Entry{
			{UnitID: u.ID, Date: date, Memo: "Số dư đầu năm: tiền gửi Kho bạc (dữ liệu mẫu)", SourceID: "demo-opening-cash",
				Lines: []ledger.Line{{Account: "1121", Debit: cash}, {Account: "3371", Credit: cash}}},
			{UnitID: u.ID, Date: date, Memo: "Số dư đầu năm: tài sản cố định hữu hình (dữ liệu mẫu)", SourceID: "demo-opening-assets",
				Lines: []ledger.Line{{Account: "211", Debit: cost}, {Account: "214", Credit: worn}, {Account: "3661", Credit: cost.Sub(worn)}}},
		}
		for _, e := range entries {
			if _, err := l.st.PostManualEntry(ctx, l.actor, e); err != nil {
				return err
			}
		}
	}
	return nil
}
