package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
)

const attachmentColumns = `a.id, a.voucher_id, a.file_name, a.content_type, a.size, a.sha256, a.uploaded_login, a.uploaded_at`

// AddAttachment attaches a scan to a draft voucher. The type is sniffed from the bytes
// (PDF, JPEG, PNG only) and the SHA-256 of the content is stored beside it.
func (s *Store) AddAttachment(ctx context.Context, actor auth.Actor, voucherID int64, name string, content []byte) (budget.Attachment, error) {
	ctype, clean, sum, err := budget.CheckAttachment(name, content)
	if err != nil {
		return budget.Attachment{}, err
	}
	var a budget.Attachment
	err = s.write(ctx, actor, func(t *tx) error {
		v, err := t.lockVoucher(ctx, actor, voucherID, auth.PermSpendDraft)
		if err != nil {
			return err
		}
		if v.Status != budget.StatusDraft {
			return notDraft()
		}
		err = t.GetContext(ctx, &a, `INSERT INTO voucher_attachments AS a (voucher_id, file_name, content_type, size, sha256,
				content, uploaded_by, uploaded_login) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+attachmentColumns,
			voucherID, clean, ctype, len(content), sum[:], content, actorID(actor), actor.Login)
		if err != nil {
			return fmt.Errorf("insert attachment: %w", err)
		}
		return t.audit(ctx, event{UnitID: v.UnitID, Action: "attach", Entity: "voucher", EntityID: voucherID, After: a})
	})
	return a, err
}

// RemoveAttachment removes a scan from a draft voucher.
func (s *Store) RemoveAttachment(ctx context.Context, actor auth.Actor, voucherID, id int64) error {
	return s.write(ctx, actor, func(t *tx) error {
		v, err := t.lockVoucher(ctx, actor, voucherID, auth.PermSpendDraft)
		if err != nil {
			return err
		}
		if v.Status != budget.StatusDraft {
			return notDraft()
		}
		var a budget.Attachment
		err = t.GetContext(ctx, &a, `DELETE FROM voucher_attachments a WHERE a.id = $1 AND a.voucher_id = $2 RETURNING `+attachmentColumns, id, voucherID)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("tệp đính kèm", "attachment")
		}
		if err != nil {
			return fmt.Errorf("remove attachment: %w", err)
		}
		return t.audit(ctx, event{UnitID: v.UnitID, Action: "detach", Entity: "voucher", EntityID: voucherID, Before: a})
	})
}

// Attachments lists a voucher's scans (without their content).
func (s *Store) Attachments(ctx context.Context, actor auth.Actor, voucherID int64) ([]budget.Attachment, error) {
	var unit int64
	err := s.db.GetContext(ctx, &unit, `SELECT unit_id FROM vouchers WHERE id = $1`, voucherID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("chứng từ", "voucher")
	}
	if err != nil {
		return nil, translate(err)
	}
	if err := inScope(ctx, s.db, actor, unit, auth.PermSpendView, "chứng từ", "voucher"); err != nil {
		return nil, err
	}
	var out []budget.Attachment
	err = s.db.SelectContext(ctx, &out, `SELECT `+attachmentColumns+` FROM voucher_attachments a WHERE a.voucher_id = $1 ORDER BY a.id`, voucherID)
	return out, translate(err)
}

// AttachmentContent returns one scan and its bytes, within the actor's scope.
func (s *Store) AttachmentContent(ctx context.Context, actor auth.Actor, voucherID, id int64) (budget.Attachment, []byte, error) {
	var row struct {
		budget.Attachment
		Unit    int64  `db:"unit_id"`
		Content []byte `db:"content"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT `+attachmentColumns+`, v.unit_id, a.content FROM voucher_attachments a
		JOIN vouchers v ON v.id = a.voucher_id WHERE a.id = $1 AND a.voucher_id = $2`, id, voucherID)
	if errors.Is(err, sql.ErrNoRows) {
		return budget.Attachment{}, nil, apperr.NotFoundf("tệp đính kèm", "attachment")
	}
	if err != nil {
		return budget.Attachment{}, nil, translate(err)
	}
	if err := inScope(ctx, s.db, actor, row.Unit, auth.PermSpendView, "tệp đính kèm", "attachment"); err != nil {
		return budget.Attachment{}, nil, err
	}
	return row.Attachment, row.Content, nil
}
