package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/auth"
)

// inScope refuses, as "not found", a record of a unit outside the actor's scope for the
// permission: ids of other units reveal nothing. congquy itself (the demo loader, the
// CLI) acts everywhere.
func inScope(ctx context.Context, q queryer, actor auth.Actor, unitID int64, perm auth.Permission, whatVI, whatEN string) error {
	if actor.IsSystem() {
		return nil
	}
	var ok bool
	err := q.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM unit_closure
		WHERE descendant_id = $1 AND ancestor_id = ANY($2))`, unitID, pq.Array(actor.Scope(perm)))
	if err != nil {
		return fmt.Errorf("check scope: %w", err)
	}
	if !ok {
		return apperr.NotFoundf(whatVI, whatEN)
	}
	return nil
}

// checkMakerChecker refuses an approval (or rejection) by the user who drafted the record:
// maker-checker (DESIGN.md §4). The database holds the same rule as a CHECK on the
// record; this gives the clear message. Whether the approver holds the permission in
// the record's unit is inScope's job. (The identity area's auth.CheckMakerChecker will
// replace this helper.)
func checkMakerChecker(approver auth.Actor, draftedBy *int64, draftedLogin string) error {
	same := approver.Login == draftedLogin
	if approver.UserID != 0 && draftedBy != nil && *draftedBy == approver.UserID {
		same = true
	}
	if same {
		return apperr.New(apperr.Forbidden,
			"Người lập không được tự duyệt hoặc từ chối chứng từ của mình (nguyên tắc hai người).",
			"The person who drafted a record cannot approve or reject it (maker-checker).")
	}
	return nil
}

// actorID returns the actor's user id for a drafted_by/approved_by column: nil for
// congquy itself.
func actorID(a auth.Actor) *int64 {
	if a.UserID == 0 {
		return nil
	}
	id := a.UserID
	return &id
}

// queryer is what *sqlx.DB, a read transaction and a write transaction all offer.
type queryer interface {
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}
