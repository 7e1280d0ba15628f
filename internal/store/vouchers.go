package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
)

const voucherColumns = `v.id, v.unit_id, v.fiscal_year, v.doc_no, v.doc_date, v.payee, v.invoice_no, v.invoice_date,
	v.description, v.total, v.status, v.drafted_by, v.drafted_login, v.drafted_at, v.submitted_login, v.submitted_at,
	v.approved_login, v.decided_at, v.reject_reason, v.posted_at, v.entry_id, v.reversed_login, v.reversed_at,
	v.reverse_reason, v.reversal_entry_id`

// voucherRow is a voucher as read, with its stored norm results.
type voucherRow struct {
	budget.Voucher
	NormJSON []byte `db:"norm_results"`
}

// CreateVoucher records a draft voucher with its lines.
func (s *Store) CreateVoucher(ctx context.Context, actor auth.Actor, n budget.NewVoucher) (budget.Voucher, error) {
	return s.createVoucher(ctx, actor, n, false)
}

// CreateSubmittedVoucher records a voucher and submits it at once, in one transaction
// (the JSON API's "submit": true): the norms are evaluated as by SubmitVoucher, and a
// refusal leaves nothing behind. Two audit events: the draft and the submission.
func (s *Store) CreateSubmittedVoucher(ctx context.Context, actor auth.Actor, n budget.NewVoucher) (budget.Voucher, error) {
	return s.createVoucher(ctx, actor, n, true)
}

func (s *Store) createVoucher(ctx context.Context, actor auth.Actor, n budget.NewVoucher, submit bool) (budget.Voucher, error) {
	n.Normalize()
	if err := n.Validate(); err != nil {
		return budget.Voucher{}, err
	}
	var out budget.Voucher
	err := s.write(ctx, actor, func(t *tx) error {
		if err := inScope(ctx, t, actor, n.UnitID, auth.PermSpendDraft, "đơn vị", "unit"); err != nil {
			return err
		}
		if err := t.checkVoucherLines(ctx, n); err != nil {
			return err
		}
		var id int64
		err := t.GetContext(ctx, &id, `INSERT INTO vouchers (unit_id, fiscal_year, doc_no, doc_date, payee, invoice_no,
				invoice_date, description, total, drafted_by, drafted_login)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			n.UnitID, n.FiscalYear, n.DocNo, n.DocDate, n.Payee, n.InvoiceNo, n.InvoiceDate, n.Description, n.Total(),
			actorID(actor), actor.Login)
		if err != nil {
			return fmt.Errorf("insert voucher: %w", err)
		}
		if err := t.insertVoucherLines(ctx, id, n.Lines); err != nil {
			return err
		}
		if out, err = voucherByID(ctx, t, id); err != nil {
			return err
		}
		if err := t.audit(ctx, event{UnitID: n.UnitID, Action: "draft", Entity: "voucher", EntityID: id, After: out}); err != nil {
			return err
		}
		if submit {
			out, err = t.submitVoucher(ctx, out)
		}
		t.reply(out)
		return err
	})
	return out, err
}

// UpdateVoucher replaces a draft voucher's header and lines.
func (s *Store) UpdateVoucher(ctx context.Context, actor auth.Actor, id int64, n budget.NewVoucher) (budget.Voucher, error) {
	n.Normalize()
	var out budget.Voucher
	err := s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockVoucher(ctx, actor, id, auth.PermSpendDraft)
		if err != nil {
			return err
		}
		if before.Status != budget.StatusDraft {
			return notDraft()
		}
		n.UnitID, n.FiscalYear = before.UnitID, before.FiscalYear
		if err := n.Validate(); err != nil {
			return err
		}
		if err := t.checkVoucherLines(ctx, n); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM voucher_lines WHERE voucher_id = $1`, id); err != nil {
			return fmt.Errorf("replace voucher lines: %w", err)
		}
		if err := t.insertVoucherLines(ctx, id, n.Lines); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `UPDATE vouchers SET doc_no = $2, doc_date = $3, payee = $4, invoice_no = $5,
			invoice_date = $6, description = $7, total = $8, norm_results = '[]' WHERE id = $1`,
			id, n.DocNo, n.DocDate, n.Payee, n.InvoiceNo, n.InvoiceDate, n.Description, n.Total())
		if err != nil {
			return fmt.Errorf("update voucher: %w", err)
		}
		if out, err = voucherByID(ctx, t, id); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: out.UnitID, Action: "update", Entity: "voucher", EntityID: id, Before: before, After: out})
	})
	return out, err
}

func notDraft() *apperr.Error {
	return apperr.New(apperr.Conflict, "Chỉ sửa được chứng từ đang ở trạng thái nháp.", "Only a draft voucher can be edited.")
}

// checkVoucherLines checks that every line's budget line is of the voucher's unit and
// year, and that a commitment it pays is approved, on the same budget line.
func (t *tx) checkVoucherLines(ctx context.Context, n budget.NewVoucher) error {
	ids, _ := budget.Demand(n.Lines)
	var rows []struct {
		ID   int64 `db:"id"`
		Unit int64 `db:"unit_id"`
		Year int   `db:"fiscal_year"`
	}
	if err := t.SelectContext(ctx, &rows, `SELECT id, unit_id, fiscal_year FROM budget_lines WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		return fmt.Errorf("check voucher lines: %w", err)
	}
	ok := map[int64]bool{}
	for _, r := range rows {
		ok[r.ID] = r.Unit == n.UnitID && r.Year == n.FiscalYear
	}
	for _, l := range n.Lines {
		if !ok[l.BudgetLineID] {
			return apperr.Newf(apperr.Invalid, "Dòng %d: dòng dự toán không thuộc đơn vị và năm ngân sách của chứng từ.",
				"Line %d: the budget line is not of the voucher's unit and fiscal year.", l.LineNo).OnField("lines")
		}
		if l.CommitmentID == nil {
			continue
		}
		var c budget.Commitment
		err := t.GetContext(ctx, &c, `SELECT `+commitmentColumns+` FROM commitments c WHERE c.id = $1`, *l.CommitmentID)
		if err != nil || c.BudgetLineID != l.BudgetLineID || c.Status != budget.StatusApproved {
			return apperr.Newf(apperr.Invalid, "Dòng %d: cam kết chi không hợp lệ (phải đã duyệt, cùng dòng dự toán).",
				"Line %d: the commitment is not valid (it must be approved, on the same budget line).", l.LineNo).OnField("lines")
		}
	}
	return nil
}

// insertVoucherLines writes the lines of a voucher.
func (t *tx) insertVoucherLines(ctx context.Context, id int64, lines []budget.VoucherLine) error {
	for _, l := range lines {
		_, err := t.ExecContext(ctx, `INSERT INTO voucher_lines (voucher_id, line_no, budget_line_id, commitment_id, amount,
				description, expense_kind, days, persons, place_class, position_coef, item_kind, quantity, justification)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			id, l.LineNo, l.BudgetLineID, l.CommitmentID, l.Amount, l.Description, l.ExpenseKind, l.Days, l.Persons,
			l.PlaceClass, l.PositionCoef, l.ItemKind, l.Quantity, l.Justification)
		if err != nil {
			return fmt.Errorf("insert voucher line %d: %w", l.LineNo, err)
		}
	}
	return nil
}

// SubmitVoucher submits a draft for approval. The norms are evaluated now: a blocking
// breach refuses the submission; a warning needs the line's written justification, which
// approvers and inspectors then see. The results are kept with the voucher.
func (s *Store) SubmitVoucher(ctx context.Context, actor auth.Actor, id int64) (budget.Voucher, error) {
	var out budget.Voucher
	err := s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockVoucher(ctx, actor, id, auth.PermSpendDraft)
		if err != nil {
			return err
		}
		out, err = t.submitVoucher(ctx, before)
		t.reply(out)
		return err
	})
	return out, err
}

// submitVoucher submits a locked draft, with its audit event.
func (t *tx) submitVoucher(ctx context.Context, before budget.Voucher) (budget.Voucher, error) {
	if before.Status != budget.StatusDraft {
		return before, notDraft()
	}
	results, err := evaluateVoucher(ctx, t, before)
	if err != nil {
		return before, err
	}
	if err := submittable(before, results); err != nil {
		return before, err
	}
	if results == nil {
		results = []budget.Result{}
	}
	js, err := json.Marshal(results)
	if err != nil {
		return before, err
	}
	var at time.Time
	err = t.GetContext(ctx, &at, `UPDATE vouchers SET status = 'submitted', submitted_by = $2, submitted_login = $3,
		submitted_at = now(), norm_results = $4 WHERE id = $1 RETURNING submitted_at`, before.ID, actorID(t.actor), t.actor.Login, string(js))
	if err != nil {
		return before, fmt.Errorf("submit voucher: %w", err)
	}
	out := before
	out.Status, out.SubmittedLogin, out.SubmittedAt, out.NormResults = budget.StatusSubmitted, &t.actor.Login, &at, results
	return out, t.audit(ctx, event{UnitID: out.UnitID, Action: "submit", Entity: "voucher", EntityID: out.ID, Before: before, After: out})
}

// submittable refuses a voucher that a norm blocks, or whose warned lines lack their
// justification, listing every problem.
func submittable(v budget.Voucher, results []budget.Result) error {
	blocked, warned := budget.Verdict(results)
	var vi, en []string
	for _, r := range blocked {
		vi, en = append(vi, r.MessageVI()), append(en, r.MessageEN())
	}
	for _, r := range warned {
		if strings.TrimSpace(v.Lines[r.LineNo-1].Justification) == "" {
			vi = append(vi, r.MessageVI()+" Cần ghi giải trình cho dòng này.")
			en = append(en, r.MessageEN()+" A written justification is required for this line.")
		}
	}
	if len(vi) == 0 {
		return nil
	}
	return apperr.New(apperr.Invalid, strings.Join(vi, " "), strings.Join(en, " ")).OnField("lines")
}

// evaluateVoucher applies the norms in force on the voucher's date to each of its lines.
func evaluateVoucher(ctx context.Context, q queryer, v budget.Voucher) ([]budget.Result, error) {
	norms, err := loadNorms(ctx, q)
	if err != nil {
		return nil, err
	}
	prior := map[string]money.VND{}
	var results []budget.Result
	for _, l := range v.Lines {
		if _, ok := prior[l.ExpenseKind]; !ok && l.ExpenseKind != "" {
			var p money.VND
			err := q.GetContext(ctx, &p, `SELECT coalesce(sum(vl.amount), 0) FROM voucher_lines vl JOIN vouchers v ON v.id = vl.voucher_id
				WHERE v.unit_id = $1 AND v.fiscal_year = $2 AND v.status IN ('submitted', 'approved', 'posted')
				  AND vl.expense_kind = $3 AND v.id <> $4`, v.UnitID, v.FiscalYear, l.ExpenseKind, v.ID)
			if err != nil {
				return nil, fmt.Errorf("prior spending of %s: %w", l.ExpenseKind, err)
			}
			prior[l.ExpenseKind] = p
		}
		results = append(results, budget.Evaluate(norms, l.LineNo, l.Facts(v.DocDate, l.Item, prior[l.ExpenseKind]))...)
	}
	return results, nil
}

// EvaluateVoucher evaluates the norms on a voucher now, without changing anything: for
// the drafter while editing, and for inspectors re-checking a voucher after the fact.
func (s *Store) EvaluateVoucher(ctx context.Context, actor auth.Actor, id int64) ([]budget.Result, error) {
	var out []budget.Result
	err := s.read(ctx, func(q *sqlx.Tx) error {
		v, err := voucherByID(ctx, q, id)
		if err != nil {
			return err
		}
		if err := inScope(ctx, q, actor, v.UnitID, auth.PermSpendView, "chứng từ", "voucher"); err != nil {
			return err
		}
		out, err = evaluateVoucher(ctx, q, v)
		return err
	})
	return out, err
}

// ApproveVoucher approves a submitted voucher and posts it to the ledger, in one
// transaction: maker-checker; the commitments it pays and its budget lines (with the
// lines above them) locked in id order; each line's availability checked against what the
// voucher asks of it — refused naming the line, what is available and what was asked, and
// nothing changes —; the lines' spent (and committed, for commitment-backed lines) moved
// in one statement; the journal entry posted (budget.VoucherEntry; a closed period refuses
// it with apperr.PeriodClosed and the whole approval rolls back); the voucher marked
// posted with the entry's id; the audit event written. Locking order: voucher,
// commitments, lines (then the ledger's period and running totals).
func (s *Store) ApproveVoucher(ctx context.Context, actor auth.Actor, id int64) (budget.Voucher, error) {
	var out budget.Voucher
	err := s.writeClaimFirst(ctx, actor, func(t *tx) error {
		before, err := t.lockSubmitted(ctx, actor, id)
		if err != nil {
			return err
		}
		locked, moves, err := t.spendVoucher(ctx, before)
		if err != nil {
			return err
		}
		if out, err = t.postVoucher(ctx, before, locked, moves); err != nil {
			return err
		}
		t.reply(out)
		return t.audit(ctx, event{UnitID: out.UnitID, Action: "approve", Entity: "voucher", EntityID: id, Before: before, After: out})
	})
	return out, err
}

// spendVoucher checks and plans the budget moves of a voucher being approved and returns
// its budget lines as locked (their figures before the move) and the moves, which
// postVoucher writes in the posting's statement.
func (t *tx) spendVoucher(ctx context.Context, v budget.Voucher) (map[int64]budget.Line, lineMoves, error) {
	return t.planVoucher(ctx, v, 1)
}

// moveVoucher plans (planVoucher) and writes the moves of a voucher's budget lines.
func (t *tx) moveVoucher(ctx context.Context, v budget.Voucher, sign int) (map[int64]budget.Line, error) {
	before, moves, err := t.planVoucher(ctx, v, sign)
	if err != nil {
		return nil, err
	}
	return before, t.applyMoves(ctx, moves)
}

// planVoucher spends (sign 1) or gives back (sign −1, a reversal) what a voucher asks of
// its budget lines: commitments locked in id order, then the lines and the lines above
// them in one statement, availability checked before any change; the moves of every
// line's totals are returned, for one statement (applyMoves, or the posting's). A commitment-backed line moves committed to spent when spent;
// given back, its amount is released from the commitment (which stays paid down) and the
// line's availability grows by exactly what the voucher had spent.
func (t *tx) planVoucher(ctx context.Context, v budget.Voucher, sign int) (map[int64]budget.Line, lineMoves, error) {
	plain := map[int64]money.VND{}
	byCommitment := map[int64]money.VND{}
	var commitmentIDs []int64
	for _, l := range v.Lines {
		if l.CommitmentID == nil {
			plain[l.BudgetLineID] = plain[l.BudgetLineID].Add(l.Amount)
			continue
		}
		if _, ok := byCommitment[*l.CommitmentID]; !ok {
			commitmentIDs = append(commitmentIDs, *l.CommitmentID)
		}
		byCommitment[*l.CommitmentID] = byCommitment[*l.CommitmentID].Add(l.Amount)
	}
	slices.Sort(commitmentIDs)
	commitments, err := t.lockCommitments(ctx, commitmentIDs)
	if err != nil {
		return nil, nil, err
	}
	lineIDs, _ := budget.Demand(v.Lines)
	locked, err := t.lockLines(ctx, lineIDs)
	if err != nil {
		return nil, nil, err
	}
	before := make(map[int64]budget.Line, len(locked))
	for id, l := range locked {
		before[id] = l
	}
	moves := lineMoves{}
	for _, cid := range commitmentIDs {
		c, x := commitments[cid], byCommitment[cid]
		if sign < 0 {
			// The payment is undone: its part of the commitment is released.
			if err := moves.move(locked, c.BudgetLineID, money.Zero, x.Neg()); err != nil {
				return nil, nil, err
			}
			if _, err := t.ExecContext(ctx, `UPDATE commitments SET consumed = consumed - $2, released = released + $2 WHERE id = $1`, cid, x); err != nil {
				return nil, nil, fmt.Errorf("give back commitment %d: %w", cid, err)
			}
			continue
		}
		if c.Status != budget.StatusApproved || c.Open().LessThan(x) {
			return nil, nil, apperr.Newf(apperr.InsufficientBudget, "Cam kết chi %s còn %s, chứng từ yêu cầu %s.",
				"Commitment %s has %s open; the voucher asks %s.", c.ContractNo, c.Open().Format("vi"), x.Format("vi"))
		}
		if err := moves.move(locked, c.BudgetLineID, x.Neg(), x); err != nil {
			return nil, nil, err
		}
		if _, err := t.ExecContext(ctx, `UPDATE commitments SET consumed = consumed + $2 WHERE id = $1`, cid, x); err != nil {
			return nil, nil, fmt.Errorf("consume commitment %d: %w", cid, err)
		}
	}
	for _, id := range lineIDs {
		if x, ok := plain[id]; ok {
			if sign < 0 {
				x = x.Neg()
			}
			if err := moves.move(locked, id, money.Zero, x); err != nil {
				return nil, nil, err
			}
		}
	}
	moves.countVoucher(v.Lines, sign)
	return before, moves, nil
}

// lockCommitments locks commitments in id order.
func (t *tx) lockCommitments(ctx context.Context, ids []int64) (map[int64]budget.Commitment, error) {
	out := map[int64]budget.Commitment{}
	if len(ids) == 0 {
		return out, nil
	}
	var cs []budget.Commitment
	if err := t.SelectContext(ctx, &cs, `SELECT `+commitmentColumns+` FROM commitments c WHERE c.id = ANY($1) ORDER BY c.id FOR NO KEY UPDATE`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("lock commitments: %w", err)
	}
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, nil
}

// RejectVoucher rejects a submitted voucher with a reason; it goes back to its drafter.
func (s *Store) RejectVoucher(ctx context.Context, actor auth.Actor, id int64, reason string) (budget.Voucher, error) {
	var out budget.Voucher
	err := s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockSubmitted(ctx, actor, id)
		if err != nil {
			return err
		}
		if reason, err = rejectReason(reason); err != nil { // after the scope check
			return err
		}
		_, err = t.ExecContext(ctx, `UPDATE vouchers SET status = 'rejected', decided_at = now(), reject_reason = $2 WHERE id = $1`, id, reason)
		if err != nil {
			return fmt.Errorf("reject voucher: %w", err)
		}
		if out, err = voucherByID(ctx, t, id); err != nil {
			return err
		}
		t.reply(out)
		return t.audit(ctx, event{UnitID: out.UnitID, Action: "reject", Entity: "voucher", EntityID: id, Before: before, After: out})
	})
	return out, err
}

// ReopenVoucher turns a rejected voucher back into a draft, to be corrected.
func (s *Store) ReopenVoucher(ctx context.Context, actor auth.Actor, id int64) (budget.Voucher, error) {
	var out budget.Voucher
	err := s.write(ctx, actor, func(t *tx) error {
		before, err := t.lockVoucher(ctx, actor, id, auth.PermSpendDraft)
		if err != nil {
			return err
		}
		if before.Status != budget.StatusRejected {
			return apperr.New(apperr.Conflict, "Chỉ mở lại được chứng từ đã bị từ chối.", "Only a rejected voucher can be reopened.")
		}
		if _, err := t.ExecContext(ctx, `UPDATE vouchers SET status = 'draft', decided_at = NULL WHERE id = $1`, id); err != nil {
			return fmt.Errorf("reopen voucher: %w", err)
		}
		if out, err = voucherByID(ctx, t, id); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: out.UnitID, Action: "reopen", Entity: "voucher", EntityID: id, Before: before, After: out})
	})
	return out, err
}

// lockSubmitted locks a submitted voucher for approval or rejection by actor.
func (t *tx) lockSubmitted(ctx context.Context, actor auth.Actor, id int64) (budget.Voucher, error) {
	v, err := t.lockVoucher(ctx, actor, id, auth.PermSpendApprove)
	if err != nil {
		return v, err
	}
	if v.Status != budget.StatusSubmitted {
		if v.Status == budget.StatusDraft || v.Status == budget.StatusRejected {
			return v, apperr.New(apperr.Conflict, "Chứng từ chưa được trình duyệt.", "The voucher has not been submitted.")
		}
		return v, alreadyDecided()
	}
	return v, checkMakerChecker(actor, v.DraftedBy, v.UnitID, auth.PermSpendApprove)
}

// lockVoucher locks a voucher in the actor's scope for the permission and reads it: the
// row is locked as it is read, then its lines are read.
func (t *tx) lockVoucher(ctx context.Context, actor auth.Actor, id int64, perm auth.Permission) (budget.Voucher, error) {
	var r voucherRow
	if t.claimPending() {
		// The idempotency key is claimed in this same statement (writeClaimFirst).
		var c struct {
			voucherRow
			Claimed int `db:"claimed"`
		}
		err := t.getP(ctx, &c, lockVoucherClaimSQL, append([]any{id}, t.claimArgs()...)...)
		t.claimed = true
		if errors.Is(err, sql.ErrNoRows) {
			// No voucher; the key was claimed unless it exists: another request's is refused.
			if err := t.claimRefused(ctx, false); err != nil {
				return budget.Voucher{}, err
			}
		}
		if err != nil {
			return budget.Voucher{}, voucherErr(id, err)
		}
		if c.Claimed != 1 {
			return budget.Voucher{}, t.claimRefused(ctx, true)
		}
		r = c.voucherRow
	} else {
		err := t.getP(ctx, &r, `SELECT `+voucherColumns+`, v.norm_results FROM vouchers v WHERE v.id = $1 FOR NO KEY UPDATE`, id)
		if err != nil {
			return budget.Voucher{}, voucherErr(id, err)
		}
	}
	if err := inScope(ctx, t, actor, r.UnitID, perm, "chứng từ", "voucher"); err != nil {
		return budget.Voucher{}, err
	}
	v, err := voucherWithNorms(r)
	if err != nil {
		return v, err
	}
	if err := t.selectP(ctx, &v.Lines, voucherLinesSQL, v.ID); err != nil {
		return v, fmt.Errorf("get voucher lines %d: %w", v.ID, err)
	}
	return v, nil
}

// lockVoucherClaimSQL is lockVoucher's statement with the claim of the idempotency key
// (user, key, request hash: $2–$4, tx.claimArgs) before it, for writeClaimFirst: claimed
// is 1 when this statement inserted the key's row.
const lockVoucherClaimSQL sqlText = `WITH claim AS (
		INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1)
	SELECT ` + voucherColumns + `, v.norm_results, (SELECT count(*) FROM claim) AS claimed
	FROM vouchers v WHERE v.id = $1 FOR NO KEY UPDATE OF v`

// voucherByID reads a voucher with its lines and stored norm results.
func voucherByID(ctx context.Context, q queryer, id int64) (budget.Voucher, error) {
	var r voucherRow
	if err := q.GetContext(ctx, &r, `SELECT `+voucherColumns+`, v.norm_results FROM vouchers v WHERE v.id = $1`, id); err != nil {
		return budget.Voucher{}, voucherErr(id, err)
	}
	return voucherWithLines(ctx, q, r)
}

// voucherErr is not found for a missing voucher, else the error wrapped.
func voucherErr(id int64, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFoundf("chứng từ", "voucher")
	}
	return fmt.Errorf("get voucher %d: %w", id, err)
}

// voucherLinesSQL reads a voucher's lines with their tiểu mục.
const voucherLinesSQL = `SELECT vl.line_no, vl.budget_line_id, vl.commitment_id, vl.amount, vl.description,
		vl.expense_kind, vl.days, vl.persons, vl.place_class, vl.position_coef, vl.item_kind, vl.quantity,
		vl.justification, l.item
	FROM voucher_lines vl JOIN budget_lines l ON l.id = vl.budget_line_id WHERE vl.voucher_id = $1 ORDER BY vl.line_no`

// voucherWithLines completes a voucher's row with its norm results and lines.
func voucherWithLines(ctx context.Context, q queryer, r voucherRow) (budget.Voucher, error) {
	v, err := voucherWithNorms(r)
	if err != nil {
		return v, err
	}
	if err := q.SelectContext(ctx, &v.Lines, voucherLinesSQL, v.ID); err != nil {
		return v, fmt.Errorf("get voucher lines %d: %w", v.ID, err)
	}
	return v, nil
}

// voucherWithNorms decodes a voucher row's stored norm results.
func voucherWithNorms(r voucherRow) (budget.Voucher, error) {
	v := r.Voucher
	if err := json.Unmarshal(r.NormJSON, &v.NormResults); err != nil {
		return v, fmt.Errorf("voucher %d norm results: %w", v.ID, err)
	}
	return v, nil
}

// VoucherByID returns a voucher within the actor's scope.
func (s *Store) VoucherByID(ctx context.Context, actor auth.Actor, id int64) (budget.Voucher, error) {
	var v budget.Voucher
	err := s.read(ctx, func(q *sqlx.Tx) error {
		var err error
		if v, err = voucherByID(ctx, q, id); err != nil {
			return err
		}
		return inScope(ctx, q, actor, v.UnitID, auth.PermSpendView, "chứng từ", "voucher")
	})
	return v, err
}

// VoucherFilter narrows a list of vouchers.
type VoucherFilter struct {
	Within       []int64
	UnitID       int64 // only this unit's subtree (0: all in scope)
	FiscalYear   int
	Status       string
	BudgetLineID int64  // only vouchers with a line on this budget line (drill-down)
	Query        string // matches payee, document or invoice number
	Page         Page
}

// Vouchers returns one page of vouchers in scope, newest first, and how many match.
func (s *Store) Vouchers(ctx context.Context, f VoucherFilter) ([]budget.Voucher, int, error) {
	where := func(q *query) *query {
		within := f.Within
		if within == nil {
			within = []int64{} // no scope, no rows
		}
		q.add("WHERE TRUE").inUnits("v.unit_id", within, f.UnitID)
		if f.FiscalYear != 0 {
			q.add("AND v.fiscal_year = ?", f.FiscalYear)
		}
		if f.Status != "" {
			q.add("AND v.status = ?", f.Status)
		}
		if f.BudgetLineID != 0 {
			q.add("AND EXISTS (SELECT 1 FROM voucher_lines vl WHERE vl.voucher_id = v.id AND vl.budget_line_id = ?)", f.BudgetLineID)
		}
		if f.Query != "" {
			like := "%" + escapeLike(f.Query) + "%"
			q.add("AND (v.payee ILIKE ? OR v.doc_no ILIKE ? OR v.invoice_no ILIKE ?)", like, like, like)
		}
		return q
	}
	var out []budget.Voucher
	var total int
	err := s.read(ctx, func(t *sqlx.Tx) error {
		count := where(newQuery("SELECT count(*) FROM vouchers v"))
		if err := t.GetContext(ctx, &total, count.String(), count.Args()...); err != nil {
			return err
		}
		list := where(newQuery(`SELECT ` + voucherColumns + ` FROM vouchers v`)).add("ORDER BY v.doc_date DESC, v.id DESC").page(f.Page)
		return t.SelectContext(ctx, &out, list.String(), list.Args()...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list vouchers: %w", err)
	}
	return out, total, nil
}
