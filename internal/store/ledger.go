package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/ledger"
)

// PostManualEntry posts a general journal entry (bút toán tổng hợp) typed by an
// accountant, in a unit within the actor's PermLedgerPost scope.
func (s *Store) PostManualEntry(ctx context.Context, actor auth.Actor, e ledger.Entry) (ledger.Posted, error) {
	e.SourceType, e.ReversesID = "manual", 0
	e.DraftedBy = actor.UserID
	for i := range e.Lines {
		e.Lines[i].BudgetLineID = 0 // budget lines move only through the budget area's use cases
	}
	var p ledger.Posted
	err := s.write(ctx, actor, func(t *tx) error {
		if err := t.unitInScope(ctx, auth.PermLedgerPost, e.UnitID); err != nil {
			return err
		}
		var err error
		if p, err = t.postEntry(ctx, e); err != nil {
			return err
		}
		return t.audit(ctx, event{UnitID: e.UnitID, Action: "post", Entity: "journal_entry", EntityID: p.ID,
			After: entryAudit(p.ID, e)})
	})
	return p, err
}

// ReverseEntry corrects a posted entry by posting its reversal dated date, with the
// reason recorded in the audit trail. An entry is reversed at most once.
func (s *Store) ReverseEntry(ctx context.Context, actor auth.Actor, id int64, date time.Time, reason string) (ledger.Posted, error) {
	if len([]rune(reason)) > 500 {
		return ledger.Posted{}, apperr.New(apperr.Invalid, "Lý do tối đa 500 ký tự.", "The reason is at most 500 characters.").OnField("reason")
	}
	var p ledger.Posted
	err := s.write(ctx, actor, func(t *tx) error {
		var orig struct {
			UnitID     int64  `db:"unit_id"`
			SourceType string `db:"source_type"`
		}
		err := t.GetContext(ctx, &orig, `SELECT unit_id, source_type FROM journal_entries WHERE id = $1`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("bút toán", "journal entry")
		}
		if err != nil {
			return fmt.Errorf("load entry %d: %w", id, err)
		}
		unitID := orig.UnitID
		if err := t.unitInScope(ctx, auth.PermLedgerPost, unitID); err != nil {
			return apperr.NotFoundf("bút toán", "journal entry")
		}
		if err := reversibleHere(orig.SourceType); err != nil {
			return err
		}
		var rev ledger.Entry
		if p, rev, err = t.reverseEntry(ctx, id, date, ""); err != nil {
			return err
		}
		after := entryAudit(p.ID, rev)
		after["reason"] = reason
		return t.audit(ctx, event{UnitID: unitID, Action: "reverse", Entity: "journal_entry", EntityID: id, After: after})
	})
	return p, err
}

// reversibleHere refuses to reverse, as a bare journal entry, the posting of a business
// document whose own records move with it: a voucher is reversed on its page (its budget
// lines get their money back in the same transaction), a budget decision by a new
// decision. Otherwise the budget lines would no longer agree with the ledger.
func reversibleHere(sourceType string) error {
	switch sourceType {
	case budget.SourceVoucher:
		return apperr.New(apperr.Conflict, "Bút toán này ghi sổ một chứng từ chi; hãy đảo chứng từ trên trang của chứng từ.",
			"This entry posts an expenditure voucher; reverse the voucher on its page.")
	case budget.SourceDecision:
		return apperr.New(apperr.Conflict, "Bút toán này ghi sổ một quyết định dự toán; hãy lập quyết định điều chỉnh.",
			"This entry posts a budget decision; record an adjusting decision instead.")
	}
	return nil
}

// entryAudit is what the audit trail records of a posted entry.
func entryAudit(id int64, e ledger.Entry) map[string]any {
	return map[string]any{
		"id": id, "unit_id": e.UnitID, "date": e.Date.Format("2006-01-02"), "memo": e.Memo,
		"source_type": e.SourceType, "source_id": e.SourceID, "reverses_id": e.ReversesID,
		"total": e.Total().String(), "lines": e.Lines,
	}
}
