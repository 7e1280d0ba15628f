package bench

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lib/pq"
)

// scaleBatch is how many journal entries (two lines each) one statement generates.
const scaleBatch = 250_000

// JournalLines counts the journal lines in the database.
func JournalLines(ctx context.Context, db *sql.DB) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM journal_lines`).Scan(&n)
	return n, err
}

// GrowJournal adds balanced two-line journal entries (cash to bank, on balance-sheet
// accounts that no budget invariant reads) spread over units and the months January to
// October, until the journal holds target lines. It loads as the owner with triggers off
// (session_replication_role = replica), so it writes the running totals and periods
// itself, exactly as the triggers would: `congquy check` still finds nothing.
func GrowJournal(ctx context.Context, ownerURL string, units []int64, target int64, progress func(string)) error {
	db, err := sql.Open("postgres", ownerURL)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	have, err := JournalLines(ctx, db)
	if err != nil {
		return err
	}
	for have < target {
		entries := min(int64(scaleBatch), (target-have+1)/2)
		if err := growBatch(ctx, db, units, entries); err != nil {
			return err
		}
		have += 2 * entries
		if progress != nil {
			progress(fmt.Sprintf("journal: %d of %d lines", have, target))
		}
	}
	return nil
}

func growBatch(ctx context.Context, db *sql.DB, units []int64, entries int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	if _, err := tx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		return err
	}
	var lo, hi sql.NullInt64
	err = tx.QueryRowContext(ctx, `
		WITH src AS (
			SELECT g, ($1::bigint[])[1 + g % cardinality($1::bigint[])] AS unit_id,
			       date '2026-01-01' + (g % 300)::int AS d, (1000 + (g * 7919) % 9000000)::numeric(20,0) AS amount
			FROM generate_series(1, $2::bigint) g
		), e AS (
			INSERT INTO journal_entries (unit_id, entry_date, period, memo, source_type, source_id, posted_by, total)
			SELECT unit_id, d, date_trunc('month', d)::date, 'Chuyển tiền mặt vào tài khoản (dữ liệu đo hiệu năng)', 'bench_scale', g::text, 'bench', amount
			FROM src
			RETURNING id, unit_id, period, total
		), l AS (
			INSERT INTO journal_lines (entry_id, line_no, unit_id, period, account_code, off_balance, debit, credit)
			SELECT id, 1, unit_id, period, '112', false, total, 0 FROM e
			UNION ALL
			SELECT id, 2, unit_id, period, '111', false, 0, total FROM e
			RETURNING entry_id
		)
		SELECT min(entry_id), max(entry_id) FROM l`, pq.Array(units), entries).Scan(&lo, &hi)
	if err != nil {
		return fmt.Errorf("grow journal: %w", err)
	}
	// What the triggers would have done: the periods exist, the running totals add up.
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO periods (unit_id, month)
		SELECT DISTINCT unit_id, period FROM journal_entries WHERE id BETWEEN $1 AND $2
		ON CONFLICT DO NOTHING`, lo, hi); err != nil {
		return fmt.Errorf("grow journal: periods: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO account_balances (unit_id, account_code, period, slot, debit, credit)
		SELECT unit_id, account_code, period, 0, sum(debit), sum(credit)
		FROM journal_lines WHERE entry_id BETWEEN $1 AND $2
		GROUP BY unit_id, account_code, period
		ON CONFLICT (unit_id, account_code, period, slot) DO UPDATE
		SET debit = account_balances.debit + EXCLUDED.debit, credit = account_balances.credit + EXCLUDED.credit`, lo, hi); err != nil {
		return fmt.Errorf("grow journal: balances: %w", err)
	}
	return tx.Commit()
}
