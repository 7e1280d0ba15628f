package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/ledger"
)

// postEntrySQL inserts an entry and all its lines in one statement (one round trip,
// DESIGN.md §11). Lines join the chart on the entry's date, so a line on an account that
// does not exist or is not valid that day is not inserted; postEntry compares the counts.
// The triggers check the period, the lines' transaction, the running totals and, at
// commit, the balance.
const postEntrySQL = `
WITH ` + postEntryCTE + `
SELECT e.id, e.period, e.posted_at, (SELECT count(*) FROM l) AS lines FROM e`

// postEntryCTE is the entry and its lines as the CTEs e and l of one statement, with the
// arguments $1–$16 of postEntryArgs; a use case may add its own CTEs after them
// (approveVoucherSQL).
const postEntryCTE = `e AS (
	INSERT INTO journal_entries (unit_id, entry_date, period, memo, source_type, source_id, reverses_id,
		drafted_by, approved_by, posted_by, total)
	VALUES ($1, $2, date_trunc('month', $2::date)::date, $3, $4, $5, NULLIF($6, 0), NULLIF($7, 0), NULLIF($8, 0), $9, $10)
	RETURNING id, unit_id, entry_date, period, posted_at
), l AS (
	INSERT INTO journal_lines (entry_id, line_no, unit_id, period, account_code, off_balance, debit, credit,
		budget_line_id, budget_code, memo)
	SELECT e.id, u.ord, e.unit_id, e.period, u.code, a.kind = 'off_balance', u.debit, u.credit,
		NULLIF(u.bl, 0), u.bc, u.memo
	FROM unnest($11::text[], $12::numeric[], $13::numeric[], $14::bigint[], $15::text[], $16::text[])
		WITH ORDINALITY AS u(code, debit, credit, bl, bc, memo, ord)
	CROSS JOIN e
	JOIN accounts a ON a.code = u.code AND a.valid_from <= e.entry_date
		AND (a.valid_to IS NULL OR a.valid_to >= e.entry_date)
	RETURNING 1
)`

// postEntry posts a journal entry in the caller's transaction and returns its id. It is
// how every area writes to the ledger: validate the entry (ledger.Entry.Validate), insert
// it and its lines in one round trip. The caller records its own audit event for the
// business change; the entry itself needs none (it is the business change's evidence and
// immutable). A closed period gives apperr.PeriodClosed naming the month and the unit.
func (t *tx) postEntry(ctx context.Context, e ledger.Entry) (ledger.Posted, error) {
	args, err := t.postEntryArgs(&e)
	if err != nil {
		return ledger.Posted{}, err
	}
	var p struct {
		ID       int64     `db:"id"`
		Period   time.Time `db:"period"`
		PostedAt time.Time `db:"posted_at"`
		Lines    int       `db:"lines"`
	}
	if err := t.getP(ctx, &p, postEntrySQL, args...); err != nil { // prepared: the hot path of every posting
		return ledger.Posted{}, postError(err)
	}
	if p.Lines != len(e.Lines) {
		return ledger.Posted{}, t.unknownAccount(ctx, e)
	}
	return ledger.Posted{ID: p.ID, Period: p.Period, PostedAt: p.PostedAt}, nil
}

// postEntryArgs normalizes and validates e and returns, posted by the transaction's actor, the arguments $1–$16 of
// postEntryCTE.
func (t *tx) postEntryArgs(e *ledger.Entry) ([]any, error) {
	e.Normalize()
	if err := e.Validate(); err != nil {
		return nil, err
	}
	n := len(e.Lines)
	codes, debits, credits := make([]string, n), make([]string, n), make([]string, n)
	budgetLines, budgetCodes, memos := make([]int64, n), make([]string, n), make([]string, n)
	for i, l := range e.Lines {
		codes[i], debits[i], credits[i] = l.Account, l.Debit.String(), l.Credit.String()
		budgetLines[i], budgetCodes[i], memos[i] = l.BudgetLineID, l.BudgetCode, l.Memo
	}
	return []any{e.UnitID, e.Date.Format("2006-01-02"), e.Memo, e.SourceType, e.SourceID, e.ReversesID,
		e.DraftedBy, e.ApprovedBy, t.actor.Login, e.Total().String(),
		pq.Array(codes), pq.Array(debits), pq.Array(credits), pq.Array(budgetLines), pq.Array(budgetCodes), pq.Array(memos)}, nil
}

// postError turns the period trigger's refusal into the bilingual PeriodClosed error.
func postError(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Constraint == "journal_entries_period_open" {
		var d struct {
			Month  string `json:"month"`
			NameVI string `json:"name_vi"`
			NameEN string `json:"name_en"`
		}
		_ = json.Unmarshal([]byte(pqErr.Detail), &d)
		month, _ := time.Parse("2006-01", d.Month)
		return ledger.ErrPeriodClosed(month, d.NameVI, d.NameEN).Wrap(err)
	}
	return fmt.Errorf("post journal entry: %w", err)
}

// unknownAccount names the first line whose account is not in the chart on the entry's
// date. The transaction is still usable: the entry was inserted without some lines, and
// the caller must roll back (the balance check at commit would refuse it anyway).
func (t *tx) unknownAccount(ctx context.Context, e ledger.Entry) error {
	for i, l := range e.Lines {
		var ok bool
		err := t.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM accounts WHERE code = $1
			AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2))`, l.Account, e.Date.Format("2006-01-02"))
		if err != nil {
			return fmt.Errorf("check account %s: %w", l.Account, err)
		}
		if !ok {
			return apperr.Newf(apperr.Invalid, "Dòng %d: tài khoản %s không có trong hệ thống tài khoản vào ngày %s.",
				"Line %d: account %s is not in the chart of accounts on %s.", i+1, l.Account, e.Date.Format("02/01/2006")).OnField("lines")
		}
	}
	return fmt.Errorf("post journal entry: %d lines inserted of %d", 0, len(e.Lines))
}

// reverseEntry posts the reversal of entry id, dated date, in the caller's transaction.
// An entry is reversed at most once (journal_entries_reverses_once) and a reversal is
// not itself reversed.
func (t *tx) reverseEntry(ctx context.Context, id int64, date time.Time, memo string) (ledger.Posted, ledger.Entry, error) {
	var orig struct {
		UnitID     int64  `db:"unit_id"`
		ReversesID *int64 `db:"reverses_id"`
		Memo       string `db:"memo"`
	}
	err := t.GetContext(ctx, &orig, `SELECT unit_id, reverses_id, memo FROM journal_entries WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Posted{}, ledger.Entry{}, apperr.NotFoundf("bút toán", "journal entry")
	}
	if err != nil {
		return ledger.Posted{}, ledger.Entry{}, fmt.Errorf("load entry %d: %w", id, err)
	}
	if orig.ReversesID != nil {
		return ledger.Posted{}, ledger.Entry{}, apperr.New(apperr.Conflict, "Bút toán này là bút toán đảo; không đảo lại bút toán đảo.",
			"This entry is itself a reversal; a reversal is not reversed.")
	}
	var lines []ledger.Line
	if err := t.SelectContext(ctx, &lines, `SELECT account_code AS account, debit, credit,
			coalesce(budget_line_id, 0) AS budget_line_id, budget_code, memo
		FROM journal_lines WHERE entry_id = $1 ORDER BY line_no`, id); err != nil {
		return ledger.Posted{}, ledger.Entry{}, fmt.Errorf("load lines of entry %d: %w", id, err)
	}
	if memo == "" {
		memo = "Đảo bút toán #" + strconv.FormatInt(id, 10) + ": " + orig.Memo
		if r := []rune(memo); len(r) > 500 {
			memo = string(r[:500])
		}
	}
	rev := ledger.Reversal(id, orig.UnitID, lines, date, memo)
	rev.DraftedBy = t.actor.UserID
	p, err := t.postEntry(ctx, rev)
	return p, rev, err
}

// unitInScope returns NotFound unless the unit is in the subtree of a unit on which the
// actor holds perm; the system actor (CLI, demo, jobs) acts everywhere.
func (t *tx) unitInScope(ctx context.Context, perm auth.Permission, unitID int64) error {
	if t.actor.IsSystem() {
		return nil
	}
	var ok bool
	err := t.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM unit_closure
		WHERE ancestor_id = ANY($1) AND descendant_id = $2)`, pq.Array(t.actor.Scope(perm)), unitID)
	if err != nil {
		return fmt.Errorf("check scope: %w", err)
	}
	if !ok {
		return apperr.NotFoundf("đơn vị", "unit")
	}
	return nil
}
