package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/apperr"
	"congquy/internal/ledger"
	"congquy/internal/money"
)

// AccountFilter narrows the chart of accounts.
type AccountFilter struct {
	Query string     // matches the number or either name
	On    *time.Time // only versions valid on this date (nil: every version)
	Page  Page
}

// ListAccounts returns one page of the chart, by account number.
func (s *Store) ListAccounts(ctx context.Context, f AccountFilter) ([]ledger.Account, int, error) {
	where := func(q *query) *query {
		q.add("WHERE TRUE")
		if f.Query != "" {
			like := "%" + escapeLike(f.Query) + "%"
			q.add("AND (a.code LIKE ? OR a.name_vi ILIKE ? OR a.name_en ILIKE ?)", escapeLike(f.Query)+"%", like, like)
		}
		if f.On != nil {
			q.add("AND a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)", *f.On, *f.On)
		}
		return q
	}
	var out []ledger.Account
	var total int
	err := s.read(ctx, func(t *sqlx.Tx) error {
		c := where(newQuery("SELECT count(*) FROM accounts a"))
		if err := t.GetContext(ctx, &total, c.String(), c.Args()...); err != nil {
			return err
		}
		l := where(newQuery(`SELECT a.code, a.valid_from, a.valid_to, a.parent_code, a.kind, a.name_vi, a.name_en,
			a.source, a.verified, a.note FROM accounts a`)).add("ORDER BY a.code, a.valid_from").page(f.Page)
		return t.SelectContext(ctx, &out, l.String(), l.Args()...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list accounts: %w", err)
	}
	return out, total, nil
}

// JournalFilter narrows the journal. Within is the actor's scope (nil: everywhere).
type JournalFilter struct {
	Within     []int64
	UnitID     int64      // 0: every unit in scope; else this unit's subtree
	Period     *time.Time // a month
	Account    string     // entries with a line on this account or its sub-accounts
	SourceType string
	Page       Page
}

// JournalRow is one entry in the journal list.
type JournalRow struct {
	ID         int64     `db:"id"`
	UnitID     int64     `db:"unit_id"`
	UnitCode   string    `db:"unit_code"`
	EntryDate  time.Time `db:"entry_date"`
	Period     time.Time `db:"period"`
	Memo       string    `db:"memo"`
	SourceType string    `db:"source_type"`
	SourceID   string    `db:"source_id"`
	Total      money.VND `db:"total"`
	ReversesID *int64    `db:"reverses_id"`
	ReversedBy *int64    `db:"reversed_by"`
	PostedBy   string    `db:"posted_by"`
	PostedAt   time.Time `db:"posted_at"`
}

const journalColumns = `e.id, e.unit_id, u.code AS unit_code, e.entry_date, e.period, e.memo, e.source_type, e.source_id,
	e.total, e.reverses_id, (SELECT r.id FROM journal_entries r WHERE r.reverses_id = e.id) AS reversed_by,
	e.posted_by, e.posted_at`

// ListJournal returns one page of entries, newest first, and how many match, counted up
// to CountCap + 1.
func (s *Store) ListJournal(ctx context.Context, f JournalFilter) ([]JournalRow, int, error) {
	where := func(q *query) *query {
		q.add("WHERE TRUE")
		q.inUnits("e.unit_id", f.Within, f.UnitID)
		if f.Period != nil {
			q.add("AND e.period = ?", ledger.MonthOf(*f.Period))
		}
		if f.Account != "" {
			q.add("AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.entry_id = e.id AND l.account_code LIKE ?)", escapeLike(f.Account)+"%")
		}
		if f.SourceType != "" {
			q.add("AND e.source_type = ?", f.SourceType)
		}
		return q
	}
	var out []JournalRow
	var total int
	err := s.read(ctx, func(t *sqlx.Tx) error {
		// Counting a large journal costs more than the page itself: stop at CountCap + 1
		// (the pager then says "more than CountCap").
		c := where(newQuery("SELECT count(*) FROM (SELECT 1 FROM journal_entries e")).add("LIMIT ?) AS x", CountCap+1)
		if err := t.GetContext(ctx, &total, c.String(), c.Args()...); err != nil {
			return err
		}
		l := where(newQuery("SELECT " + journalColumns + " FROM journal_entries e JOIN units u ON u.id = e.unit_id")).
			add("ORDER BY e.entry_date DESC, e.id DESC").page(f.Page)
		return t.SelectContext(ctx, &out, l.String(), l.Args()...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list journal: %w", err)
	}
	return out, total, nil
}

// EntryDetail is one entry with its lines and who drafted and approved it.
type EntryDetail struct {
	JournalRow
	UnitName      string  `db:"unit_name"`
	DraftedLogin  *string `db:"drafted_login"`
	ApprovedLogin *string `db:"approved_login"`
	Lines         []EntryLine
}

// EntryLine is one line of an entry with its account's name.
type EntryLine struct {
	LineNo       int       `db:"line_no"`
	Account      string    `db:"account_code"`
	AccountName  string    `db:"account_name"`
	OffBalance   bool      `db:"off_balance"`
	Debit        money.VND `db:"debit"`
	Credit       money.VND `db:"credit"`
	BudgetLineID *int64    `db:"budget_line_id"`
	BudgetCode   string    `db:"budget_code"`
	Memo         string    `db:"memo"`
}

// EntryByID returns one entry within the scope.
func (s *Store) EntryByID(ctx context.Context, within []int64, id int64) (EntryDetail, error) {
	var d EntryDetail
	err := s.read(ctx, func(t *sqlx.Tx) error {
		err := t.GetContext(ctx, &d, `SELECT `+journalColumns+`, u.name_vi AS unit_name,
				du.login AS drafted_login, au.login AS approved_login
			FROM journal_entries e JOIN units u ON u.id = e.unit_id
			LEFT JOIN users du ON du.id = e.drafted_by LEFT JOIN users au ON au.id = e.approved_by
			WHERE e.id = $1 AND ($2::bigint[] IS NULL OR e.unit_id IN
				(SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY($2)))`, id, pqInt64s(within))
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("bút toán", "journal entry")
		}
		if err != nil {
			return err
		}
		return t.SelectContext(ctx, &d.Lines, `SELECT l.line_no, l.account_code, coalesce(a.name_vi, '') AS account_name,
				l.off_balance, l.debit, l.credit, l.budget_line_id, l.budget_code, l.memo
			FROM journal_lines l
			LEFT JOIN accounts a ON a.code = l.account_code AND a.valid_from <= $2 AND (a.valid_to IS NULL OR a.valid_to >= $2)
			WHERE l.entry_id = $1 ORDER BY l.line_no`, id, d.EntryDate)
	})
	if err != nil {
		return d, fmt.Errorf("entry %d: %w", id, err)
	}
	return d, nil
}

// BalanceRow is one account in a trial balance (bảng cân đối tài khoản): its balance at
// the start of the period, the period's debits and credits, and its closing balance.
// Balances are signed: positive on the debit side.
type BalanceRow struct {
	Account    string    `db:"account_code"`
	Name       string    `db:"name"`
	NameEN     string    `db:"name_en"`
	OffBalance bool      `db:"off_balance"`
	Opening    money.VND `db:"opening"`
	Debit      money.VND `db:"debit"`
	Credit     money.VND `db:"credit"`
}

// Closing is the balance at the end of the period.
func (r BalanceRow) Closing() money.VND { return r.Opening.Add(r.Debit).Sub(r.Credit) }

// OpeningDr and the three like it split a signed balance into its debit or credit side,
// as the trial balance prints it (zero on the other side).
func (r BalanceRow) OpeningDr() money.VND { return debitSide(r.Opening) }

// OpeningCr is the opening balance on the credit side.
func (r BalanceRow) OpeningCr() money.VND { return debitSide(r.Opening.Neg()) }

// ClosingDr is the closing balance on the debit side.
func (r BalanceRow) ClosingDr() money.VND { return debitSide(r.Closing()) }

// ClosingCr is the closing balance on the credit side.
func (r BalanceRow) ClosingCr() money.VND { return debitSide(r.Closing().Neg()) }

func debitSide(v money.VND) money.VND {
	if v.IsPositive() {
		return v
	}
	return money.Zero
}

// TotalsRow is the totals line of the trial balance's on-balance accounts.
type TotalsRow struct{ OpenDr, OpenCr, Dr, Cr, CloseDr, CloseCr money.VND }

// Sum returns Totals as a row for templates.
func (tb TrialBalance) Sum() TotalsRow {
	var t TotalsRow
	t.OpenDr, t.OpenCr, t.Dr, t.Cr, t.CloseDr, t.CloseCr = tb.Totals()
	return t
}

// TrialBalance is a unit subtree's trial balance for a month.
type TrialBalance struct {
	UnitID int64
	Month  time.Time
	Rows   []BalanceRow
}

// Totals sums the on-balance rows: opening and closing per side, and the period's moves.
func (tb TrialBalance) Totals() (openDr, openCr, dr, cr, closeDr, closeCr money.VND) {
	for _, r := range tb.Rows {
		if r.OffBalance {
			continue
		}
		dr, cr = dr.Add(r.Debit), cr.Add(r.Credit)
		if o := r.Opening; o.Sign() >= 0 {
			openDr = openDr.Add(o)
		} else {
			openCr = openCr.Sub(o)
		}
		if c := r.Closing(); c.Sign() >= 0 {
			closeDr = closeDr.Add(c)
		} else {
			closeCr = closeCr.Sub(c)
		}
	}
	return
}

// TrialBalanceOf reads the running totals (never the lines), so its cost does not grow
// with the journal: opening = every month before, moves = this month.
func (s *Store) TrialBalanceOf(ctx context.Context, within []int64, unitID int64, month time.Time) (TrialBalance, error) {
	tb := TrialBalance{UnitID: unitID, Month: ledger.MonthOf(month)}
	err := s.read(ctx, func(t *sqlx.Tx) error {
		if err := readUnitInScope(ctx, t, within, unitID); err != nil {
			return err
		}
		return t.SelectContext(ctx, &tb.Rows, `
			WITH b AS (
				SELECT account_code,
					coalesce(sum(debit - credit) FILTER (WHERE period < $2), 0) AS opening,
					coalesce(sum(debit) FILTER (WHERE period = $2), 0) AS debit,
					coalesce(sum(credit) FILTER (WHERE period = $2), 0) AS credit
				FROM account_balances
				WHERE unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1) AND period <= $2
				GROUP BY account_code
			)
			SELECT b.account_code, coalesce(a.name_vi, '') AS name, coalesce(a.name_en, '') AS name_en,
				b.account_code LIKE '0%' AS off_balance, b.opening, b.debit, b.credit
			FROM b LEFT JOIN LATERAL (SELECT name_vi, name_en FROM accounts a WHERE a.code = b.account_code
				ORDER BY valid_from DESC LIMIT 1) a ON TRUE
			WHERE b.opening <> 0 OR b.debit <> 0 OR b.credit <> 0
			ORDER BY b.account_code LIKE '0%', b.account_code`, unitID, tb.Month)
	})
	if err != nil {
		return tb, fmt.Errorf("trial balance: %w", err)
	}
	return tb, nil
}

// LedgerLine is one line of an account ledger (sổ cái) with the running balance.
type LedgerLine struct {
	EntryID   int64     `db:"entry_id"`
	EntryDate time.Time `db:"entry_date"`
	UnitCode  string    `db:"unit_code"`
	Memo      string    `db:"memo"`
	Account   string    `db:"account_code"`
	Debit     money.VND `db:"debit"`
	Credit    money.VND `db:"credit"`
	Balance   money.VND `db:"balance"`
}

// AccountLedger is one account's lines in a month for a unit subtree.
type AccountLedger struct {
	Account string
	Month   time.Time
	Opening money.VND
	Lines   []LedgerLine
	Total   int
}

// AccountLedgerOf returns one page of an account's (and its sub-accounts') lines in a
// month, with the opening balance from the running totals and the running balance.
func (s *Store) AccountLedgerOf(ctx context.Context, within []int64, unitID int64, account string, month time.Time, p Page) (AccountLedger, error) {
	al := AccountLedger{Account: account, Month: ledger.MonthOf(month)}
	prefix := escapeLike(account) + "%"
	err := s.read(ctx, func(t *sqlx.Tx) error {
		if err := readUnitInScope(ctx, t, within, unitID); err != nil {
			return err
		}
		if err := t.GetContext(ctx, &al.Opening, `SELECT coalesce(sum(debit - credit), 0) FROM account_balances
			WHERE unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1)
			AND account_code LIKE $2 AND period < $3`, unitID, prefix, al.Month); err != nil {
			return err
		}
		if err := t.GetContext(ctx, &al.Total, `SELECT count(*) FROM journal_lines
			WHERE unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1)
			AND account_code LIKE $2 AND period = $3`, unitID, prefix, al.Month); err != nil {
			return err
		}
		limit, offset := p.limits()
		return t.SelectContext(ctx, &al.Lines, `
			SELECT entry_id, entry_date, unit_code, memo, account_code, debit, credit,
				$4::numeric + sum(debit - credit) OVER (ORDER BY entry_date, entry_id, line_no) AS balance
			FROM (SELECT l.entry_id, e.entry_date, u.code AS unit_code, e.memo, l.account_code, l.debit, l.credit, l.line_no
				FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id JOIN units u ON u.id = l.unit_id
				WHERE l.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = $1)
				AND l.account_code LIKE $2 AND l.period = $3) x
			ORDER BY entry_date, entry_id, line_no LIMIT $5 OFFSET $6`, unitID, prefix, al.Month, al.Opening, limit, offset)
	})
	if err != nil {
		return al, fmt.Errorf("account ledger: %w", err)
	}
	return al, nil
}
