package store

import (
	"context"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/audit"
)

// checkEntriesBalance: every entry's on-balance lines balance, and no entry lacks lines.
func checkEntriesBalance(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		SELECT 'ledger.entry_balanced' AS check, 'journal_entry' AS entity, e.id::text AS id,
			format('debit %s, credit %s, %s line(s)', coalesce(sum(l.debit) FILTER (WHERE NOT l.off_balance), 0),
				coalesce(sum(l.credit) FILTER (WHERE NOT l.off_balance), 0), count(l.entry_id)) AS detail
		FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
		GROUP BY e.id
		HAVING count(l.entry_id) = 0
			OR coalesce(sum(l.debit) FILTER (WHERE NOT l.off_balance), 0) <> coalesce(sum(l.credit) FILTER (WHERE NOT l.off_balance), 0)
		ORDER BY e.id LIMIT 1000`)
	return out, err
}

// checkBalancesMatchLines: the running totals equal the sums of the lines, per unit,
// account and month.
func checkBalancesMatchLines(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		WITH b AS (SELECT unit_id, account_code, period, sum(debit) AS debit, sum(credit) AS credit
			FROM account_balances GROUP BY 1, 2, 3),
		l AS (SELECT unit_id, account_code, period, sum(debit) AS debit, sum(credit) AS credit
			FROM journal_lines GROUP BY 1, 2, 3)
		SELECT 'ledger.balances_match_lines' AS check, 'account_balance' AS entity,
			format('%s/%s/%s', coalesce(b.unit_id, l.unit_id), coalesce(b.account_code, l.account_code),
				to_char(coalesce(b.period, l.period), 'YYYY-MM')) AS id,
			format('running totals debit %s credit %s, lines debit %s credit %s',
				coalesce(b.debit, 0), coalesce(b.credit, 0), coalesce(l.debit, 0), coalesce(l.credit, 0)) AS detail
		FROM b FULL JOIN l USING (unit_id, account_code, period)
		WHERE coalesce(b.debit, 0) <> coalesce(l.debit, 0) OR coalesce(b.credit, 0) <> coalesce(l.credit, 0)
		ORDER BY 3 LIMIT 1000`)
	return out, err
}

// checkReversalsMirror: a reversal has the same unit as its original and mirrors its
// lines (debits and credits swapped).
func checkReversalsMirror(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	var out []Violation
	err := q.SelectContext(ctx, &out, `
		SELECT 'ledger.reversal_mirrors' AS check, 'journal_entry' AS entity, r.id::text AS id,
			format('reversal of entry %s does not mirror it', r.reverses_id) AS detail
		FROM journal_entries r JOIN journal_entries o ON o.id = r.reverses_id
		WHERE r.unit_id <> o.unit_id OR EXISTS (
			(SELECT account_code, debit, credit FROM journal_lines WHERE entry_id = o.id
			 EXCEPT ALL SELECT account_code, credit, debit FROM journal_lines WHERE entry_id = r.id)
			UNION ALL
			(SELECT account_code, credit, debit FROM journal_lines WHERE entry_id = r.id
			 EXCEPT ALL SELECT account_code, debit, credit FROM journal_lines WHERE entry_id = o.id))
		ORDER BY r.id LIMIT 1000`)
	return out, err
}

// checkAuditChains: every chain links and every sealed event matches its hash; events
// older than ten minutes are sealed. (Checkpoints need the signing key: `congquy audit
// verify` checks them.)
func checkAuditChains(ctx context.Context, q *sqlx.Tx) ([]Violation, error) {
	rep := audit.Report{}
	v := audit.NewVerifier(&rep, nil)
	o := VerifyOptions{UnsealedAfter: 10 * time.Minute}
	if err := streamSeals(ctx, q, v, o, &rep); err != nil {
		return nil, err
	}
	if err := unsealed(ctx, q, o, &rep); err != nil {
		return nil, err
	}
	var out []Violation
	for _, p := range rep.Problems {
		out = append(out, Violation{Check: "audit.chains_verify", Entity: "audit_event", ID: strconv.FormatInt(p.EventID, 10), Detail: p.String()})
	}
	return out, nil
}
