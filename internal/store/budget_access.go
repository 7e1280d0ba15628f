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
// CLI) acts everywhere. An actor that carries its subtrees (every signed-in or token
// actor) is checked without SQL; one built by hand is checked against unit_closure.
func inScope(ctx context.Context, q queryer, actor auth.Actor, unitID int64, perm auth.Permission, whatVI, whatEN string) error {
	if actor.IsSystem() {
		return nil
	}
	if actor.Subtrees != nil { // loaded with the session or token: no round trip needed
		if !actor.InScope(perm, unitID) {
			return apperr.NotFoundf(whatVI, whatEN)
		}
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

// checkMakerChecker refuses an approval (or rejection) by the user who drafted the record,
// or by an approver without perm on the record's unit: maker-checker (DESIGN.md §4), by
// auth.CheckMakerChecker. The database holds the first half as a CHECK on the record.
func checkMakerChecker(approver auth.Actor, draftedBy *int64, unitID int64, perm auth.Permission) error {
	var by int64
	if draftedBy != nil {
		by = *draftedBy
	}
	return auth.CheckMakerChecker(approver, by, unitID, perm)
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
