package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
)

const codeSetColumns = `s.id, s.code, s.name_vi, s.name_en, s.legal_basis, s.valid_from, s.valid_to`

// ImportCodeSet adds a whole set of classification codes in force from set.ValidFrom,
// all or nothing. The set in force before it is closed the year before; a set that
// starts later than the new one is refused (sets never overlap). Every code is checked
// again here, so that no path into the table skips the rules.
func (s *Store) ImportCodeSet(ctx context.Context, actor auth.Actor, set budget.CodeSet, codes []budget.Code) (budget.CodeSet, error) {
	set.Code = strings.ToUpper(strings.TrimSpace(set.Code))
	if err := validateCodeSet(set, codes); err != nil {
		return budget.CodeSet{}, err
	}
	var out budget.CodeSet
	err := s.write(ctx, actor, func(t *tx) error {
		// Close the set in force at the new start, if it began earlier.
		var closed []int64
		err := t.SelectContext(ctx, &closed, `UPDATE budget_code_sets SET valid_to = $1 - 1
			WHERE valid_from < $1 AND (valid_to IS NULL OR valid_to >= $1) RETURNING id`, set.ValidFrom)
		if err != nil {
			return fmt.Errorf("close previous code set: %w", err)
		}
		err = t.GetContext(ctx, &out, `INSERT INTO budget_code_sets AS s (code, name_vi, name_en, legal_basis, valid_from, valid_to, imported_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+codeSetColumns,
			set.Code, set.NameVI, set.NameEN, set.LegalBasis, set.ValidFrom, set.ValidTo, actor.Login)
		if err != nil {
			return fmt.Errorf("insert code set: %w", err)
		}
		if err := t.insertCodes(ctx, out.ID, codes); err != nil {
			return err
		}
		return t.audit(ctx, event{Action: "import", Entity: "budget_code_set", EntityID: out.ID,
			After: map[string]any{"set": out, "codes": len(codes), "closed_sets": closed}})
	})
	return out, err
}

// validateCodeSet checks the set's header and, again, every code.
func validateCodeSet(set budget.CodeSet, codes []budget.Code) error {
	switch {
	case set.Code == "" || len(set.Code) > 32:
		return apperr.New(apperr.Invalid, "Mã bộ mục lục dài 2–32 ký tự (chữ in hoa, số, dấu chấm, gạch).", "The set code is 2–32 capital letters, digits, dots or hyphens.").OnField("code")
	case strings.TrimSpace(set.NameVI) == "" || strings.TrimSpace(set.NameEN) == "":
		return apperr.New(apperr.Invalid, "Cần tên bộ mục lục bằng tiếng Việt và tiếng Anh.", "The set needs a Vietnamese and an English name.").OnField("name_vi")
	case strings.TrimSpace(set.LegalBasis) == "":
		return apperr.New(apperr.Invalid, "Cần căn cứ pháp lý của bộ mục lục.", "The set needs its legal basis.").OnField("legal_basis")
	case set.ValidFrom < 2000 || set.ValidFrom > 2200 || (set.ValidTo != nil && *set.ValidTo < set.ValidFrom):
		return apperr.New(apperr.Invalid, "Năm áp dụng không hợp lệ.", "The years of validity are not valid.").OnField("valid_from")
	case len(codes) == 0 || len(codes) > budget.MaxCodeRows:
		return apperr.New(apperr.Invalid, "Bộ mục lục không có mã nào.", "The set has no codes.")
	}
	for _, c := range codes {
		if err := budget.ValidateShape(c.Kind, c.Code, "", 0); err != nil {
			return err
		}
	}
	return nil
}

// insertCodes writes the codes of a set in one statement.
func (t *tx) insertCodes(ctx context.Context, setID int64, codes []budget.Code) error {
	n := len(codes)
	kinds, cs, parents, vis, ens, srcs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	spans, verified := make([]int64, n), make([]bool, n)
	for i, c := range codes {
		kinds[i], cs[i], parents[i], vis[i], ens[i], srcs[i] = string(c.Kind), c.Code, c.Parent, c.NameVI, c.NameEN, c.Source
		spans[i], verified[i] = int64(c.Span), c.Verified
	}
	_, err := t.ExecContext(ctx, `INSERT INTO budget_codes (set_id, kind, code, parent_code, name_vi, name_en, span, verified, source)
		SELECT $1::bigint, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::boolean[], $9::text[])`,
		setID, pq.Array(kinds), pq.Array(cs), pq.Array(parents), pq.Array(vis), pq.Array(ens), pq.Array(spans), pq.Array(verified), pq.Array(srcs))
	if err != nil {
		return fmt.Errorf("insert codes: %w", err)
	}
	return nil
}

// CodeSets lists every set, newest first.
func (s *Store) CodeSets(ctx context.Context) ([]budget.CodeSet, error) {
	var out []budget.CodeSet
	err := s.db.SelectContext(ctx, &out, `SELECT `+codeSetColumns+` FROM budget_code_sets s ORDER BY s.valid_from DESC`)
	if err != nil {
		return nil, translate(fmt.Errorf("list code sets: %w", err))
	}
	return out, nil
}

// CodeFilter narrows a code list.
type CodeFilter struct {
	SetID      int64  // 0: the set in force in Year
	Year       int    // used when SetID is 0
	Kind       string // "" for every kind
	Query      string // matches the code or either name
	Unverified bool   // only rows not verified
	Page       Page
}

// Codes returns one page of codes of a set and how many match, in classification order.
func (s *Store) Codes(ctx context.Context, f CodeFilter) (budget.CodeSet, []budget.Code, int, error) {
	var set budget.CodeSet
	var codes []budget.Code
	var total int
	err := s.read(ctx, func(q *sqlx.Tx) error {
		var err error
		if f.SetID != 0 {
			err = q.GetContext(ctx, &set, `SELECT `+codeSetColumns+` FROM budget_code_sets s WHERE s.id = $1`, f.SetID)
		} else {
			set, err = codeSetForYear(ctx, q, f.Year)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFoundf("bộ mục lục", "code set")
		}
		if err != nil {
			return err
		}
		where := func(qq *query) *query {
			qq.add("WHERE c.set_id = ?", set.ID)
			if f.Kind != "" {
				qq.add("AND c.kind = ?", f.Kind)
			}
			if f.Query != "" {
				like := "%" + escapeLike(f.Query) + "%"
				qq.add("AND (c.code LIKE ? OR c.name_vi ILIKE ? OR c.name_en ILIKE ?)", like, like, like)
			}
			if f.Unverified {
				qq.add("AND NOT c.verified")
			}
			return qq
		}
		count := where(newQuery("SELECT count(*) FROM budget_codes c"))
		if err := q.GetContext(ctx, &total, count.String(), count.Args()...); err != nil {
			return fmt.Errorf("count codes: %w", err)
		}
		list := where(newQuery(`SELECT c.kind, c.code, c.parent_code, c.name_vi, c.name_en, c.span, c.verified, c.source FROM budget_codes c`)).
			add(`ORDER BY array_position(ARRAY['chapter','section','subsection','group','item','source','level'], c.kind),
				CASE WHEN c.kind = 'item' THEN c.parent_code ELSE c.code END, c.code`).page(f.Page)
		return q.SelectContext(ctx, &codes, list.String(), list.Args()...)
	})
	if err != nil {
		return set, nil, 0, fmt.Errorf("list codes: %w", err)
	}
	return set, codes, total, nil
}

// codeSetForYear returns the set in force in the budget year.
func codeSetForYear(ctx context.Context, q queryer, year int) (budget.CodeSet, error) {
	var set budget.CodeSet
	err := q.GetContext(ctx, &set, `SELECT `+codeSetColumns+` FROM budget_code_sets s
		WHERE s.valid_from <= $1 AND (s.valid_to IS NULL OR s.valid_to >= $1)`, year)
	if errors.Is(err, sql.ErrNoRows) {
		return set, apperr.Newf(apperr.Invalid,
			"Chưa có bộ mục lục ngân sách áp dụng cho năm %d; quản trị viên cần nhập bộ mã trước.",
			"No budget classification set is in force for %d; an administrator must import one first.", year)
	}
	return set, err
}

// codesOf returns the codes of a set by kind and code, for checking a classification.
func codesOf(ctx context.Context, q queryer, setID int64, c budget.Classification) (map[string]budget.Code, error) {
	var rows []budget.Code
	err := q.SelectContext(ctx, &rows, `SELECT kind, code, parent_code, name_vi, name_en, span, verified, source
		FROM budget_codes WHERE set_id = $1 AND (kind, code) IN
		(('chapter', $2), ('section', $3), ('subsection', $4), ('item', $5), ('source', $6), ('level', $7))`,
		setID, c.Chapter, c.Section, c.Subsection, c.Item, c.Source, fmt.Sprint(c.Level))
	if err != nil {
		return nil, fmt.Errorf("look up codes: %w", err)
	}
	out := map[string]budget.Code{}
	for _, r := range rows {
		out[string(r.Kind)] = r
	}
	if it, ok := out["item"]; ok {
		var g budget.Code
		err := q.GetContext(ctx, &g, `SELECT kind, code, parent_code, name_vi, name_en, span, verified, source
			FROM budget_codes WHERE set_id = $1 AND kind = 'group' AND code = $2`, setID, it.Parent)
		if err == nil {
			out["group"] = g
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("look up group: %w", err)
		}
	}
	return out, nil
}
