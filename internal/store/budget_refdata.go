package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io/fs"
	"path"
	"strconv"

	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/refdata"
)

// LoadBuiltinReference loads the budget reference data shipped in refdata/budget — the
// classification sets and the norms — that the database does not have yet, and returns
// what it loaded. It is idempotent: `serve` and the demo loader call it at every start.
func (s *Store) LoadBuiltinReference(ctx context.Context, actor auth.Actor) ([]string, error) {
	var loaded []string
	sets, err := fs.Glob(refdata.Budget, "budget/*/set.csv")
	if err != nil {
		return nil, err
	}
	have, err := s.CodeSets(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, h := range have {
		known[h.Code] = true
	}
	for _, p := range sets {
		set, codes, err := builtinSet(path.Dir(p))
		if err != nil {
			return loaded, fmt.Errorf("built-in code set %s: %w", p, err)
		}
		if known[set.Code] {
			continue
		}
		if _, err := s.ImportCodeSet(ctx, actor, set, codes); err != nil {
			return loaded, fmt.Errorf("load built-in code set %s: %w", set.Code, err)
		}
		loaded = append(loaded, set.Code)
	}
	n, err := s.loadBuiltinNorms(ctx, actor)
	if n > 0 {
		loaded = append(loaded, fmt.Sprintf("%d norms", n))
	}
	return loaded, err
}

// builtinSet reads one shipped set: set.csv (one row) and codes.csv.
func builtinSet(dir string) (budget.CodeSet, []budget.Code, error) {
	var set budget.CodeSet
	b, err := fs.ReadFile(refdata.Budget, dir+"/set.csv")
	if err != nil {
		return set, nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) != 2 || len(recs[1]) != 6 {
		return set, nil, fmt.Errorf("set.csv must have a header and one row of 6 columns")
	}
	r := recs[1]
	set.Code, set.NameVI, set.NameEN, set.LegalBasis = r[0], r[1], r[2], r[3]
	if set.ValidFrom, err = strconv.Atoi(r[4]); err != nil {
		return set, nil, fmt.Errorf("set.csv valid_from: %w", err)
	}
	if r[5] != "" {
		to, err := strconv.Atoi(r[5])
		if err != nil {
			return set, nil, fmt.Errorf("set.csv valid_to: %w", err)
		}
		set.ValidTo = &to
	}
	c, err := fs.ReadFile(refdata.Budget, dir+"/codes.csv")
	if err != nil {
		return set, nil, err
	}
	codes, rowErrs, err := budget.ParseCodeFile(bytes.NewReader(c))
	if err != nil {
		return set, nil, err
	}
	if len(rowErrs) > 0 {
		return set, nil, fmt.Errorf("codes.csv row %d: %s", rowErrs[0].Row, rowErrs[0].EN)
	}
	return set, codes, nil
}

// loadBuiltinNorms inserts the shipped norms whose code the database does not have.
func (s *Store) loadBuiltinNorms(ctx context.Context, actor auth.Actor) (int, error) {
	b, err := fs.ReadFile(refdata.Budget, "budget/norms.csv")
	if err != nil {
		return 0, err
	}
	norms, err := budget.ParseNormFile(bytes.NewReader(b))
	if err != nil {
		return 0, fmt.Errorf("built-in norms: %w", err)
	}
	var have []string
	if err := s.db.SelectContext(ctx, &have, `SELECT code FROM norms`); err != nil {
		return 0, translate(err)
	}
	known := map[string]bool{}
	for _, c := range have {
		known[c] = true
	}
	var fresh []budget.Norm
	for _, n := range norms {
		if !known[n.Code] {
			fresh = append(fresh, n)
		}
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	return len(fresh), s.AddNorms(ctx, actor, fresh)
}

// AddNorms records new norms, all or nothing.
func (s *Store) AddNorms(ctx context.Context, actor auth.Actor, norms []budget.Norm) error {
	for _, n := range norms {
		if err := n.Validate(); err != nil {
			return apperr.Newf(apperr.Invalid, "Định mức %s không hợp lệ: %s.", "Norm %s is not valid: %s.", n.Code, err.Error())
		}
	}
	return s.write(ctx, actor, func(t *tx) error {
		for _, n := range norms {
			var id int64
			err := t.GetContext(ctx, &id, `INSERT INTO norms (code, name_vi, name_en, legal_document, legal_article, norm_group,
					priority, items, expense_kind, place_class, item_kind, min_position_coef, basis, limit_amount, limit_quantity,
					action, valid_from, valid_to, source, verified, created_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id`,
				n.Code, n.NameVI, n.NameEN, n.LegalDocument, n.LegalArticle, n.Group, n.Priority, pq.Array(append([]string{}, n.Items...)),
				n.ExpenseKind, n.PlaceClass, n.ItemKind, n.MinPositionCoef, n.Basis, n.LimitAmount, n.LimitQuantity,
				n.Action, n.ValidFrom, n.ValidTo, n.Source, n.Verified, actor.Login)
			if err != nil {
				return fmt.Errorf("insert norm %s: %w", n.Code, err)
			}
			n.ID = id
			if err := t.audit(ctx, event{Action: "create", Entity: "norm", EntityID: id, After: n}); err != nil {
				return err
			}
		}
		return nil
	})
}

// normRow is a norm as stored, with its tiểu mục list as an array.
type normRow struct {
	budget.Norm
	ItemsArr pq.StringArray `db:"items"`
}

const normColumns = `id, code, name_vi, name_en, legal_document, legal_article, norm_group, priority, items,
	expense_kind, place_class, item_kind, min_position_coef, basis, limit_amount, limit_quantity, action,
	valid_from, valid_to, source, verified`

// Norms lists every norm, by group and priority.
func (s *Store) Norms(ctx context.Context) ([]budget.Norm, error) {
	return loadNorms(ctx, s.db)
}

// loadNorms reads every norm.
func loadNorms(ctx context.Context, q queryer) ([]budget.Norm, error) {
	var rows []normRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+normColumns+` FROM norms ORDER BY norm_group, priority, code`); err != nil {
		return nil, translate(fmt.Errorf("load norms: %w", err))
	}
	out := make([]budget.Norm, len(rows))
	for i, r := range rows {
		out[i] = r.Norm
		out[i].Items = []string(r.ItemsArr)
	}
	return out, nil
}
