package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/money"
)

const lineColumns = `l.id, l.unit_id, l.fiscal_year, l.funding_type, l.note, l.parent_line_id, l.chapter, l.section,
	l.subsection, l.item_group, l.item, l.fund_source, l.budget_level, l.allocated, l.adjusted, l.withheld,
	l.committed, l.spent, l.sub_consumed, l.created_at`

// CreateLine opens an empty budget line of a unit for a fiscal year. Its codes must exist
// in the classification set in force that year; the mục is taken from the tiểu mục's
// row in the set. Money arrives only through approved decisions.
func (s *Store) CreateLine(ctx context.Context, actor auth.Actor, n budget.NewLine) (budget.Line, error) {
	n.Section = budget.SectionOf(n.Subsection)
	if n.UnitID <= 0 {
		return budget.Line{}, apperr.New(apperr.Invalid, "Hãy chọn đơn vị.", "Choose a unit.").OnField("unit_id")
	}
	var l budget.Line
	err := s.write(ctx, actor, func(t *tx) error {
		if err := inScope(ctx, t, actor, n.UnitID, auth.PermBudgetDraft, "đơn vị", "unit"); err != nil {
			return err
		}
		if err := t.resolveCodes(ctx, &n); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO fiscal_years (year) VALUES ($1) ON CONFLICT DO NOTHING`, n.FiscalYear); err != nil {
			return fmt.Errorf("open fiscal year: %w", err)
		}
		err := t.GetContext(ctx, &l, `INSERT INTO budget_lines AS l (unit_id, fiscal_year, chapter, section, subsection,
				item_group, item, fund_source, budget_level, funding_type, note, parent_line_id, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING `+lineColumns,
			n.UnitID, n.FiscalYear, n.Chapter, n.Section, n.Subsection, n.Group, n.Item, n.Source, n.Level,
			n.FundingType, n.Note, n.ParentID, actor.Login)
		if err != nil {
			return fmt.Errorf("insert budget line: %w", err)
		}
		t.reply(l)
		return t.audit(ctx, event{UnitID: l.UnitID, Action: "create", Entity: "budget_line", EntityID: l.ID, After: l})
	})
	return l, err
}

// resolveCodes checks a new line's codes against the set in force for its year, and
// fills in the mục of its tiểu mục.
func (t *tx) resolveCodes(ctx context.Context, n *budget.NewLine) error {
	if err := n.Validate(0); err != nil && !isField(err, "item") {
		return err
	}
	set, err := codeSetForYear(ctx, t, n.FiscalYear)
	if err != nil {
		return err
	}
	found, err := codesOf(ctx, t, set.ID, n.Classification)
	if err != nil {
		return err
	}
	for _, k := range []struct{ kind, field, code string }{
		{"chapter", "chapter", n.Chapter}, {"section", "subsection", n.Section}, {"subsection", "subsection", n.Subsection},
		{"item", "item", n.Item}, {"group", "item", n.Group + "?"}, {"source", "source", n.Source}, {"level", "level", strconv.Itoa(n.Level)},
	} {
		if _, ok := found[k.kind]; !ok {
			return apperr.Newf(apperr.Invalid, "Mã %s không có trong bộ mục lục %s áp dụng năm %d.",
				"Code %s is not in the classification set %s in force in %d.", k.code, set.Code, n.FiscalYear).OnField(k.field)
		}
	}
	n.Group = found["group"].Code
	return n.Validate(found["group"].Span)
}

// isField reports whether err is an apperr about the field.
func isField(err error, field string) bool {
	e, ok := apperr.As(err)
	return ok && e.Field == field
}

// LineFilter narrows a list of budget lines.
type LineFilter struct {
	Within     []int64 // units whose subtrees to list (the actor's scope)
	UnitID     int64   // only this unit's subtree (0: all in scope)
	FiscalYear int     // 0: every year
	Query      string  // matches a code
	Page       Page
}

// Lines returns one page of budget lines in scope, by unit and classification, and how
// many match.
func (s *Store) Lines(ctx context.Context, f LineFilter) ([]budget.Line, int, error) {
	where := func(q *query) *query {
		within := f.Within
		if within == nil {
			within = []int64{} // no scope, no rows
		}
		q.add("WHERE TRUE").inUnits("l.unit_id", within, f.UnitID)
		if f.FiscalYear != 0 {
			q.add("AND l.fiscal_year = ?", f.FiscalYear)
		}
		if f.Query != "" {
			like := escapeLike(f.Query) + "%"
			q.add("AND (l.item LIKE ? OR l.item_group LIKE ? OR l.chapter LIKE ? OR l.subsection LIKE ?)", like, like, like, like)
		}
		return q
	}
	var lines []budget.Line
	var total int
	err := s.read(ctx, func(t *sqlx.Tx) error {
		count := where(newQuery("SELECT count(*) FROM budget_lines l"))
		if err := t.GetContext(ctx, &total, count.String(), count.Args()...); err != nil {
			return fmt.Errorf("count lines: %w", err)
		}
		list := where(newQuery(`SELECT ` + lineColumns + ` FROM budget_lines l JOIN units u ON u.id = l.unit_id`)).
			add("ORDER BY l.fiscal_year DESC, u.depth, u.code, l.chapter, l.subsection, l.item, l.fund_source, l.funding_type, l.id").page(f.Page)
		return t.SelectContext(ctx, &lines, list.String(), list.Args()...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list budget lines: %w", err)
	}
	return lines, total, nil
}

// Line returns one budget line within the actor's scope for the permission.
func (s *Store) Line(ctx context.Context, actor auth.Actor, perm auth.Permission, id int64) (budget.Line, error) {
	var l budget.Line
	err := s.db.GetContext(ctx, &l, `SELECT `+lineColumns+` FROM budget_lines l WHERE l.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return l, apperr.NotFoundf("dòng dự toán", "budget line")
	}
	if err != nil {
		return l, translate(fmt.Errorf("get budget line %d: %w", id, err))
	}
	return l, inScope(ctx, s.db, actor, l.UnitID, perm, "dòng dự toán", "budget line")
}

// lockLines locks the budget lines and every line above them in parent-constraint mode,
// all in ascending id order (the one locking order every use case follows, so that two
// transactions never wait on each other), and returns them by id. The lock is FOR NO KEY
// UPDATE: it excludes every other writer of the running totals but not the key-share
// locks that inserting a voucher or decision line referencing the line takes, so that
// drafting never deadlocks with approving.
func (t *tx) lockLines(ctx context.Context, ids []int64) (map[int64]budget.Line, error) {
	var lines []budget.Line
	err := t.selectP(ctx, &lines, `SELECT `+lineColumns+` FROM budget_lines l WHERE l.id IN (
			WITH RECURSIVE up AS (
				SELECT id, parent_line_id FROM budget_lines WHERE id = ANY($1)
				UNION SELECT p.id, p.parent_line_id FROM budget_lines p JOIN up ON p.id = up.parent_line_id)
			SELECT id FROM up)
		ORDER BY l.id FOR NO KEY UPDATE`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("lock budget lines: %w", err)
	}
	out := make(map[int64]budget.Line, len(lines))
	for _, l := range lines {
		out[l.ID] = l
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			return nil, apperr.NotFoundf("dòng dự toán", "budget line")
		}
	}
	return out, nil
}

// consume moves a line's committed and spent totals by the given amounts and mirrors the
// change into sub_consumed of every line above it (parent-constraint mode), in one
// statement, after lineMoves.move has checked the locked rows.
func (t *tx) consume(ctx context.Context, locked map[int64]budget.Line, lineID int64, committed, spent money.VND) error {
	moves := lineMoves{}
	if err := moves.move(locked, lineID, committed, spent); err != nil {
		return err
	}
	return t.applyMoves(ctx, moves)
}

// lineDelta is what a use case moves on one budget line's running totals.
type lineDelta struct {
	committed, spent, sub money.VND
	vouchers              int // the change of the line's running voucher count (budget-vs-actual)
}

// lineMoves gathers the moves of one use case, to be written in one statement.
type lineMoves map[int64]*lineDelta

// move plans a change of a line's committed and spent totals, mirrored into sub_consumed
// of every line above it (parent-constraint mode). Before planning anything it checks, on
// the locked rows as already moved, that no line would go below zero available, and
// refuses with the line, what is available and what is asked; the database CHECK holds
// the same rule should this code be wrong. The lines must have been locked by lockLines;
// locked is updated to the figures after the move.
func (m lineMoves) move(locked map[int64]budget.Line, lineID int64, committed, spent money.VND) error {
	delta := committed.Add(spent)
	for id := lineID; ; {
		l := locked[id]
		if delta.IsPositive() && l.Available().LessThan(delta) {
			return budget.InsufficientBudget(l, l.Available(), delta)
		}
		d := m[id]
		if d == nil {
			d = &lineDelta{}
			m[id] = d
		}
		if id == lineID {
			l.Committed, l.Spent = l.Committed.Add(committed), l.Spent.Add(spent)
			d.committed, d.spent = d.committed.Add(committed), d.spent.Add(spent)
		} else {
			l.SubConsumed = l.SubConsumed.Add(delta)
			d.sub = d.sub.Add(delta)
		}
		locked[id] = l
		if l.ParentID == nil {
			return nil
		}
		id = *l.ParentID
	}
}

// countVoucher plans the change of the running voucher count of every budget line the
// voucher's lines spend on: +1 when it is approved (sign 1), −1 when it is reversed.
func (m lineMoves) countVoucher(lines []budget.VoucherLine, sign int) {
	ids, _ := budget.Demand(lines)
	for _, id := range ids {
		d := m[id]
		if d == nil {
			d = &lineDelta{}
			m[id] = d
		}
		d.vouchers += sign
	}
}

// applyMoves writes the planned moves, every line in one statement (one round trip).
func (t *tx) applyMoves(ctx context.Context, m lineMoves) error {
	if len(m) == 0 {
		return nil
	}
	_, err := t.execP(ctx, `UPDATE budget_lines l SET committed = l.committed + m.c, spent = l.spent + m.s,
			sub_consumed = l.sub_consumed + m.sub, vouchers = l.vouchers + m.n
		FROM unnest($1::bigint[], $2::numeric[], $3::numeric[], $4::numeric[], $5::integer[]) AS m(id, c, s, sub, n)
		WHERE l.id = m.id AND l.id = ANY($1)`, m.args()...)
	if err != nil {
		return fmt.Errorf("update budget lines: %w", err)
	}
	return nil
}

// args are the moves as five arrays in line id order: ids, committed, spent,
// sub_consumed and voucher count deltas.
func (m lineMoves) args() []any {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	committed, spent, sub := make([]string, len(ids)), make([]string, len(ids)), make([]string, len(ids))
	vouchers := make([]int64, len(ids))
	for i, id := range ids {
		committed[i], spent[i], sub[i] = m[id].committed.String(), m[id].spent.String(), m[id].sub.String()
		vouchers[i] = int64(m[id].vouchers)
	}
	return []any{pq.Array(ids), pq.Array(committed), pq.Array(spent), pq.Array(sub), pq.Array(vouchers)}
}
