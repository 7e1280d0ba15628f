package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
)

// postVoucher posts an approved voucher to the ledger in this transaction (the entry of
// budget.VoucherEntry), writes its budget lines' moves (planned and checked by
// spendVoucher) and marks it posted, with the entry's id and who approved it: one
// statement, approveVoucherSQL.
func (t *tx) postVoucher(ctx context.Context, v budget.Voucher, lines map[int64]budget.Line, moves lineMoves) (budget.Voucher, error) {
	e := budget.VoucherEntry(v, lines, t.actor.UserID)
	args, err := t.postEntryArgs(&e)
	if err != nil {
		return v, err
	}
	args = append(args, moves.args()...)
	args = append(args, v.ID, actorID(t.actor), t.actor.Login)
	// $17–$21 are the moves, $22–$24 the voucher.
	var r struct {
		ID        int64     `db:"id"`
		Lines     int       `db:"lines"`
		Moved     int       `db:"moved"`
		DecidedAt time.Time `db:"decided_at"`
		PostedAt  time.Time `db:"posted_at"`
	}
	if err := t.getP(ctx, &r, approveVoucherSQL, args...); err != nil {
		return v, postError(err)
	}
	if r.Lines != len(e.Lines) {
		return v, t.unknownAccount(ctx, e)
	}
	if r.Moved != len(moves) {
		return v, fmt.Errorf("post voucher %d: %d of %d budget lines moved", v.ID, r.Moved, len(moves))
	}
	v.Status, v.ApprovedLogin, v.DecidedAt, v.PostedAt, v.EntryID = budget.StatusPosted, &t.actor.Login, &r.DecidedAt, &r.PostedAt, &r.ID
	return v, nil
}

// approveVoucherSQL is the approval's writes in one statement (one round trip, where
// they were three): the journal entry and its lines (postEntryCTE, $1–$16), the budget
// lines' moves with their running voucher counts (as applyMoves, $17–$21: the lines are
// locked already, by lockLines in id order) and the voucher marked posted with its entry
// ($22–$24; locked already by lockVoucher). The triggers run as for each statement
// alone: the period FOR SHARE and the running totals at the entry, the CHECK available ≥ 0
// on every line moved, the voucher's guard, and the balance at commit.
const approveVoucherSQL = `
WITH ` + postEntryCTE + `, m AS (
	UPDATE budget_lines bl SET committed = bl.committed + m.c, spent = bl.spent + m.s,
		sub_consumed = bl.sub_consumed + m.sub, vouchers = bl.vouchers + m.n
	FROM unnest($17::bigint[], $18::numeric[], $19::numeric[], $20::numeric[], $21::integer[]) AS m(id, c, s, sub, n)
	WHERE bl.id = m.id AND bl.id = ANY($17)
	RETURNING 1
), v AS (
	UPDATE vouchers SET status = 'posted', approved_by = $23, approved_login = $24,
		decided_at = now(), posted_at = now(), entry_id = (SELECT id FROM e)
	WHERE id = $22 RETURNING decided_at, posted_at
)
SELECT e.id, (SELECT count(*) FROM l) AS lines, (SELECT count(*) FROM m) AS moved, v.decided_at, v.posted_at FROM e, v`

// ReverseVoucher corrects a posted voucher (DESIGN.md §3: a mistake is corrected by a
// reversing entry, never an edit), in one transaction and the approval's lock order:
// the voucher, the commitments it paid, its budget lines (and the lines above them) in
// id order; every line gets back exactly what the voucher spent; the reversal of its
// journal entry is posted, dated date (not before the voucher's date; its period must be
// open); the voucher is marked reversed with who, when, why and the reversing entry; the
// audit event is written. Maker-checker as for the approval: a user holding
// spend.approve on the voucher's unit who did not draft it.
func (s *Store) ReverseVoucher(ctx context.Context, actor auth.Actor, id int64, date time.Time, reason string) (budget.Voucher, error) {
	var out budget.Voucher
	err := s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockVoucher(ctx, actor, id, auth.PermSpendApprove)
		if err != nil {
			return err
		}
		if err := t.reversible(before, date, &reason); err != nil {
			return err
		}
		if _, err := t.moveVoucher(ctx, before, -1); err != nil {
			return err
		}
		memo := budget.ClipMemo("Đảo chứng từ chi " + voucherName(before) + ": " + reason)
		p, _, err := t.reverseEntry(ctx, *before.EntryID, date, memo)
		if err != nil {
			return err
		}
		var at time.Time
		err = t.GetContext(ctx, &at, `UPDATE vouchers SET status = 'reversed', reversed_by = $2, reversed_login = $3,
				reversed_at = now(), reverse_reason = $4, reversal_entry_id = $5
			WHERE id = $1 RETURNING reversed_at`, id, actorID(t.actor), t.actor.Login, reason, p.ID)
		if err != nil {
			return fmt.Errorf("reverse voucher: %w", err)
		}
		out = before
		out.Status, out.ReversedLogin, out.ReversedAt, out.ReverseReason, out.ReversalEntryID = budget.StatusReversed, &t.actor.Login, &at, reason, &p.ID
		t.reply(out)
		return t.audit(ctx, event{UnitID: out.UnitID, Action: "reverse", Entity: "voucher", EntityID: id, Before: before, After: out})
	})
	return out, err
}

// reversible checks that the voucher may be reversed by the transaction's actor on date,
// with the reason (trimmed in place).
func (t *tx) reversible(v budget.Voucher, date time.Time, reason *string) error {
	if v.Status != budget.StatusPosted || v.EntryID == nil {
		return apperr.New(apperr.Conflict, "Chỉ đảo được chứng từ đã ghi sổ (và chưa bị đảo).", "Only a posted voucher (not yet reversed) can be reversed.")
	}
	if err := checkMakerChecker(t.actor, v.DraftedBy, v.UnitID, auth.PermSpendApprove); err != nil {
		return err
	}
	*reason = strings.TrimSpace(*reason)
	if n := len([]rune(*reason)); n == 0 || n > 1000 {
		return apperr.New(apperr.Invalid, "Hãy ghi lý do đảo chứng từ (tối đa 1000 ký tự).", "Give the reason for the reversal (at most 1000 characters).").OnField("reason")
	}
	if date.IsZero() || date.Before(v.DocDate) {
		return apperr.Newf(apperr.Invalid, "Ngày đảo không được trước ngày chứng từ (%s).", "The reversal cannot be dated before the voucher (%s).",
			v.DocDate.Format("02/01/2006")).OnField("date")
	}
	return nil
}

// voucherName is how a voucher is named in memos: its number, or its id.
func voucherName(v budget.Voucher) string {
	if v.DocNo != "" {
		return v.DocNo
	}
	return fmt.Sprintf("#%d", v.ID)
}
