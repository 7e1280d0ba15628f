package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// event is one audit event as a use case describes it; the actor, time, request id and
// client address come from the transaction.
type event struct {
	UnitID   int64  // the unit whose record changed; 0 for system-wide records
	Action   string // a verb such as "create", "update", "approve", "post"
	Entity   string // the record's kind, such as "unit", "voucher"
	EntityID any    // the record's id
	Before   any    // the record before the change (nil for a creation)
	After    any    // the record after the change (nil for a removal)
}

// audit records ev in the transaction. Every write calls it; write refuses to commit
// without it.
func (t *tx) audit(ctx context.Context, ev event) error {
	before, err := jsonOrNil(ev.Before)
	if err != nil {
		return fmt.Errorf("audit %s %s: encode before: %w", ev.Action, ev.Entity, err)
	}
	after, err := jsonOrNil(ev.After)
	if err != nil {
		return fmt.Errorf("audit %s %s: encode after: %w", ev.Action, ev.Entity, err)
	}
	var unit, actor *int64
	if ev.UnitID != 0 {
		unit = &ev.UnitID
	}
	if t.actor.UserID != 0 {
		actor = &t.actor.UserID
	}
	_, err = t.execP(ctx, `
		INSERT INTO audit_events (unit_id, actor_id, actor_login, action, entity, entity_id, before, after, request_id, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		unit, actor, t.actor.Login, ev.Action, ev.Entity, fmt.Sprint(ev.EntityID), before, after, t.actor.RequestID, t.actor.IP)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", ev.Action, ev.Entity, err)
	}
	if t.events == 0 {
		t.first = ev
	}
	t.events++
	return nil
}

func jsonOrNil(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}
