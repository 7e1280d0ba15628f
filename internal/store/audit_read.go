package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"congquy/internal/audit"
)

// AuditFilter narrows the audit log. Within is the inspector's scope (nil: everywhere);
// events of no unit (system-wide) are shown only to those whose scope is a root unit.
type AuditFilter struct {
	Within   []int64
	Entity   string
	EntityID string
	Actor    string // login, exact
	UnitID   int64  // this unit's subtree
	From, To *time.Time
	Page     Page
}

// AuditRow is one audit event with its place in its chain.
type AuditRow struct {
	audit.Event
	UnitCode *string    `db:"unit_code"`
	Chain    *string    `db:"chain"`
	Seq      *int64     `db:"seq"`
	SealedAt *time.Time `db:"sealed_at"`
}

// ListAudit returns one page of the audit log, newest first, and how many match.
func (s *Store) ListAudit(ctx context.Context, f AuditFilter) ([]AuditRow, int, error) {
	where := func(q *query) *query {
		q.add("WHERE TRUE")
		if f.Within != nil {
			q.add(`AND (e.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY(?))
				OR (e.unit_id IS NULL AND EXISTS (SELECT 1 FROM units r WHERE r.id = ANY(?) AND r.parent_id IS NULL)))`,
				pqInt64s(f.Within), pqInt64s(f.Within))
		}
		if f.Entity != "" {
			q.add("AND e.entity = ?", f.Entity)
		}
		if f.EntityID != "" {
			q.add("AND e.entity_id = ?", f.EntityID)
		}
		if f.Actor != "" {
			q.add("AND e.actor_login = ?", f.Actor)
		}
		if f.UnitID != 0 {
			q.add("AND e.unit_id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", f.UnitID)
		}
		if f.From != nil {
			q.add("AND e.at >= ?", *f.From)
		}
		if f.To != nil {
			q.add("AND e.at < ?", *f.To)
		}
		return q
	}
	var out []AuditRow
	var total int
	err := s.read(ctx, func(t *sqlx.Tx) error {
		// The trail grows by every act: count only up to CountCap + 1 (the pager then
		// says "more than CountCap").
		c := where(newQuery("SELECT count(*) FROM (SELECT 1 FROM audit_events e")).add("LIMIT ?) AS x", CountCap+1)
		if err := t.GetContext(ctx, &total, c.String(), c.Args()...); err != nil {
			return err
		}
		l := where(newQuery(`SELECT ` + eventColumns + `, u.code AS unit_code, s.chain, s.seq, s.sealed_at
			FROM audit_events e LEFT JOIN units u ON u.id = e.unit_id LEFT JOIN audit_seals s ON s.event_id = e.id`)).
			add("ORDER BY e.id DESC").page(f.Page)
		return t.SelectContext(ctx, &out, l.String(), l.Args()...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list audit events: %w", err)
	}
	return out, total, nil
}
