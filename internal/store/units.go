package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/org"
)

// UnitFilter narrows a unit list. Zero values mean "no filter".
type UnitFilter struct {
	Query  string  // matches code or either name, case-insensitively
	Within []int64 // only units in the subtrees of these units (nil: all units)
	Sort   string  // "code", "name" or "" for tree order
	Page   Page
}

const unitColumns = `u.id, u.parent_id, u.code, u.kind, u.name_vi, u.name_en, u.address, u.depth, u.created_at`

// unitOrders are the sort orders a unit list may ask for.
var unitOrders = map[string]sqlText{"code": "u.code", "name": "u.name_vi, u.code"}

// ListUnits returns one page of units in tree order (each unit after its parent) and the
// number of units matching the filter.
func (s *Store) ListUnits(ctx context.Context, f UnitFilter) ([]org.Unit, int, error) {
	where := func(q *query) *query {
		q.add("WHERE TRUE")
		if f.Query != "" {
			like := "%" + escapeLike(f.Query) + "%"
			q.add("AND (u.code ILIKE ? OR u.name_vi ILIKE ? OR u.name_en ILIKE ?)", like, like, like)
		}
		if f.Within != nil {
			q.add("AND u.id IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY(?))", pqInt64s(f.Within))
		}
		return q
	}
	var units []org.Unit
	var total int
	err := s.read(ctx, func(t *sqlx.Tx) error {
		count := where(newQuery("SELECT count(*) FROM units u"))
		if err := t.GetContext(ctx, &total, count.String(), count.Args()...); err != nil {
			return fmt.Errorf("count units: %w", err)
		}
		// Tree order: sort by the path of codes from the root.
		list := where(newQuery(`SELECT `+unitColumns+` FROM units u
			LEFT JOIN LATERAL (
				SELECT string_agg(a.code, '/' ORDER BY c.distance DESC) AS path
				FROM unit_closure c JOIN units a ON a.id = c.ancestor_id
				WHERE c.descendant_id = u.id
			) p ON TRUE`)).orderBy(unitOrders, f.Sort, "p.path").page(f.Page)
		return t.SelectContext(ctx, &units, list.String(), list.Args()...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list units: %w", err)
	}
	return units, total, nil
}

// UnitByID returns one unit.
func (s *Store) UnitByID(ctx context.Context, id int64) (org.Unit, error) {
	var u org.Unit
	err := s.db.GetContext(ctx, &u, `SELECT `+unitColumns+` FROM units u WHERE u.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return u, apperr.NotFoundf("đơn vị", "unit")
	}
	if err != nil {
		return u, translate(fmt.Errorf("get unit %d: %w", id, err))
	}
	return u, nil
}

// CountUnits returns how many units exist (0 means an empty database).
func (s *Store) CountUnits(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM units`); err != nil {
		return 0, translate(fmt.Errorf("count units: %w", err))
	}
	return n, nil
}

// CreateUnit adds a unit under its parent (or a root when ParentID is nil).
func (s *Store) CreateUnit(ctx context.Context, actor auth.Actor, n org.NewUnit) (org.Unit, error) {
	n.Normalize()
	if err := n.Validate(); err != nil {
		return org.Unit{}, err
	}
	var u org.Unit
	err := s.write(ctx, actor, func(t *tx) error {
		err := t.GetContext(ctx, &u, `
			INSERT INTO units AS u (parent_id, code, kind, name_vi, name_en, address)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING `+unitColumns, n.ParentID, n.Code, n.Kind, n.NameVI, n.NameEN, n.Address)
		if err != nil {
			return fmt.Errorf("insert unit: %w", err)
		}
		return t.audit(ctx, event{UnitID: u.ID, Action: "create", Entity: "unit", EntityID: u.ID, After: u})
	})
	return u, err
}
