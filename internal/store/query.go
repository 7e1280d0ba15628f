package store

import (
	"strings"

	"github.com/jmoiron/sqlx"
)

// sqlText is SQL written in the source code. An untyped string constant converts to it
// implicitly, a string variable does not: so a query built from sqlText fragments is
// made only of text the programmer wrote, never of request data (TESTING.md row 25;
// query_test.go checks that no code converts a variable to sqlText).
type sqlText string

// query is a statement assembled from constant fragments with "?" placeholders, which
// String rebinds to PostgreSQL's $n. Values only ever travel as arguments.
type query struct {
	b    strings.Builder
	args []any
}

// newQuery starts a query with a constant fragment and its arguments.
func newQuery(frag sqlText, args ...any) *query {
	q := &query{}
	return q.add(frag, args...)
}

// add appends a constant fragment and its arguments.
func (q *query) add(frag sqlText, args ...any) *query {
	q.b.WriteString(string(frag))
	q.b.WriteByte(' ')
	q.args = append(q.args, args...)
	return q
}

// inUnits limits col, a unit id column, to the subtrees of the scope's units (within;
// nil: no limit) and, when unitID is set, to that unit's subtree as well. The two are one
// closure lookup: as two IN lists over unit_closure, PostgreSQL misjudged how many rows
// match and sorted them all instead of walking an index that stops after one page (the
// journal at 300,000 entries: 100 ms instead of 0.3).
func (q *query) inUnits(col sqlText, within []int64, unitID int64) *query {
	switch {
	case unitID != 0 && within != nil:
		return q.add("AND "+col+` IN (SELECT c.descendant_id FROM unit_closure c WHERE c.ancestor_id = ?
			AND EXISTS (SELECT 1 FROM unit_closure s WHERE s.descendant_id = c.descendant_id AND s.ancestor_id = ANY(?)))`,
			unitID, pqInt64s(within))
	case unitID != 0:
		return q.add("AND "+col+" IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ?)", unitID)
	case within != nil:
		return q.add("AND "+col+" IN (SELECT descendant_id FROM unit_closure WHERE ancestor_id = ANY(?))", pqInt64s(within))
	}
	return q
}

// orderBy appends the ORDER BY clause chosen by key from an allow-list, or the fallback
// when the key is not in the list.
func (q *query) orderBy(allowed map[string]sqlText, key string, fallback sqlText) *query {
	clause, ok := allowed[key]
	if !ok {
		clause = fallback
	}
	return q.add("ORDER BY").add(clause)
}

// page appends LIMIT and OFFSET.
func (q *query) page(p Page) *query {
	limit, offset := p.limits()
	return q.add("LIMIT ? OFFSET ?", limit, offset)
}

// String returns the statement with $n placeholders.
func (q *query) String() string { return sqlx.Rebind(sqlx.DOLLAR, q.b.String()) }

// Args returns the arguments in placeholder order.
func (q *query) Args() []any { return q.args }
