-- Budget classification (mục lục NSNN, Circular 324/2016/TT-BTC): chương, loại, khoản,
-- mục, tiểu mục, nguồn, cấp ngân sách. Codes come in sets, each in force for a range of
-- budget years (a new circular replaces the lists for budget year 2026), so that a line
-- of fiscal year Y is checked against the set in force in Y. Sets never overlap.
-- +goose Up
CREATE TABLE budget_code_sets (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text NOT NULL CONSTRAINT budget_code_sets_code_key UNIQUE
                 CONSTRAINT budget_code_sets_code_shape CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{1,31}$'),
    name_vi      text NOT NULL CONSTRAINT budget_code_sets_name_vi_check CHECK (length(name_vi) BETWEEN 1 AND 300),
    name_en      text NOT NULL CONSTRAINT budget_code_sets_name_en_check CHECK (length(name_en) BETWEEN 1 AND 300),
    legal_basis  text NOT NULL CONSTRAINT budget_code_sets_legal_basis_check CHECK (length(legal_basis) BETWEEN 1 AND 500),
    valid_from   smallint NOT NULL CONSTRAINT budget_code_sets_years CHECK (valid_from BETWEEN 2000 AND 2200),
    valid_to     smallint,
    imported_at  timestamptz NOT NULL DEFAULT now(),
    imported_by  text NOT NULL,
    CONSTRAINT budget_code_sets_range CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT budget_code_sets_no_overlap EXCLUDE USING gist (
        int4range(valid_from, coalesce(valid_to, 9999), '[]') WITH &&)
);

CREATE TABLE budget_codes (
    set_id      bigint NOT NULL REFERENCES budget_code_sets (id),
    kind        text NOT NULL CONSTRAINT budget_codes_kind_check
                CHECK (kind IN ('chapter', 'section', 'subsection', 'group', 'item', 'source', 'level')),
    code        text NOT NULL CONSTRAINT budget_codes_code_shape CHECK (code ~ '^[0-9]{1,4}$'),
    parent_code text NOT NULL DEFAULT '',
    name_vi     text NOT NULL CONSTRAINT budget_codes_name_vi_check CHECK (length(name_vi) BETWEEN 1 AND 500),
    name_en     text NOT NULL DEFAULT '',
    span        smallint NOT NULL DEFAULT 0 CONSTRAINT budget_codes_span_check
                CHECK ((kind = 'group') = (span IN (20, 50)) AND (kind = 'group' OR span = 0)),
    verified    boolean NOT NULL,
    source      text NOT NULL CONSTRAINT budget_codes_source_check CHECK (length(source) BETWEEN 1 AND 500),
    PRIMARY KEY (set_id, kind, code)
);
CREATE INDEX budget_codes_search_idx ON budget_codes (kind, code);

GRANT SELECT, INSERT ON budget_code_sets, budget_codes TO congquy_app;
-- A new set closes the one in force before it.
GRANT UPDATE (valid_to) ON budget_code_sets TO congquy_app;

-- +goose Down
DROP TABLE budget_codes;
DROP TABLE budget_code_sets;
