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
