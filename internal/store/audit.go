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
	if t.events == 0 {
		t.first = ev
	}
	if t.replyPending() {
		// The use case offered its result before its last event: the event and the key's
		// reply go to the database in one statement (one round trip fewer per API write).
		status, body, err := t.idem.k.Render(t.result)
		if err != nil {
			return fmt.Errorf("render idempotent reply: %w", err)
		}
		k := t.idem.k
		_, err = t.execP(ctx, `
		WITH a AS (INSERT INTO audit_events (unit_id, actor_id, actor_login, action, entity, entity_id, before, after, request_id, ip)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10))
		UPDATE idempotency_keys SET entity = $13, entity_id = $14, status = $15, response = $16
		WHERE user_id = $11 AND key = $12`,
			unit, actor, t.actor.Login, ev.Action, ev.Entity, fmt.Sprint(ev.EntityID), before, after, t.actor.RequestID, t.actor.IP,
			k.UserID, k.Key, t.first.Entity, fmt.Sprint(t.first.EntityID), status, body)
		if err != nil {
			return fmt.Errorf("audit %s %s: %w", ev.Action, ev.Entity, err)
		}
		t.idemDone, t.replied, t.replyStatus, t.replyBody = true, true, status, body
		t.events++
		return nil
	}
	_, err = t.execP(ctx, `
		INSERT INTO audit_events (unit_id, actor_id, actor_login, action, entity, entity_id, before, after, request_id, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		unit, actor, t.actor.Login, ev.Action, ev.Entity, fmt.Sprint(ev.EntityID), before, after, t.actor.RequestID, t.actor.IP)
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", ev.Action, ev.Entity, err)
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
