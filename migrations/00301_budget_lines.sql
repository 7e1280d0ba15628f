-- Fiscal years and budget lines (dòng dự toán): unit × fiscal year × classification ×
-- funding type, with running totals. The row itself refuses overspending: available =
-- allocated + adjusted − withheld − committed − spent − sub_consumed must stay ≥ 0 whatever
-- the Go code does (DESIGN.md §4). sub_consumed is what lines of sub-units linked to this
-- one (parent-constraint mode) have committed and spent; it mirrors their consumption so
-- that a budget on a parent unit caps its offices.
-- +goose Up
CREATE TABLE fiscal_years (
    year       smallint PRIMARY KEY CONSTRAINT fiscal_years_year_check CHECK (year BETWEEN 2000 AND 2200),
    created_at timestamptz NOT NULL DEFAULT now(),
    closed_at  timestamptz
);

CREATE TABLE budget_lines (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id        bigint NOT NULL REFERENCES units (id),
    fiscal_year    smallint NOT NULL REFERENCES fiscal_years (year),
    chapter        text NOT NULL CONSTRAINT budget_lines_chapter_shape CHECK (chapter ~ '^[0-9]{3}$'),
    section        text NOT NULL CONSTRAINT budget_lines_section_shape CHECK (section ~ '^[0-9]{2}0$'),
    subsection     text NOT NULL CONSTRAINT budget_lines_subsection_shape
                   CHECK (subsection ~ '^[0-9]{3}$' AND subsection::int - section::int BETWEEN 1 AND 9),
    item_group     text NOT NULL CONSTRAINT budget_lines_group_shape CHECK (item_group ~ '^[0-9]{3}0$'),
    item           text NOT NULL CONSTRAINT budget_lines_item_shape
                   CHECK (item ~ '^[0-9]{4}$' AND item::int - item_group::int BETWEEN 1 AND 49),
    fund_source    text NOT NULL CONSTRAINT budget_lines_source_shape CHECK (fund_source ~ '^[0-9]{2}$'),
    budget_level   smallint NOT NULL CONSTRAINT budget_lines_level_check CHECK (budget_level BETWEEN 1 AND 4),
    funding_type   text NOT NULL CONSTRAINT budget_lines_funding_type_check
                   CHECK (funding_type IN ('autonomous', 'non_autonomous')),
    note           text NOT NULL DEFAULT '' CONSTRAINT budget_lines_note_check CHECK (length(note) <= 300),
    parent_line_id bigint REFERENCES budget_lines (id),
    allocated      numeric(20,0) NOT NULL DEFAULT 0 CONSTRAINT budget_lines_allocated_sign CHECK (allocated >= 0),
    adjusted       numeric(20,0) NOT NULL DEFAULT 0,
    withheld       numeric(20,0) NOT NULL DEFAULT 0 CONSTRAINT budget_lines_withheld_sign CHECK (withheld >= 0),
    committed      numeric(20,0) NOT NULL DEFAULT 0 CONSTRAINT budget_lines_committed_sign CHECK (committed >= 0),
    spent          numeric(20,0) NOT NULL DEFAULT 0 CONSTRAINT budget_lines_spent_sign CHECK (spent >= 0),
    sub_consumed   numeric(20,0) NOT NULL DEFAULT 0 CONSTRAINT budget_lines_sub_consumed_sign CHECK (sub_consumed >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text NOT NULL,
    CONSTRAINT budget_lines_net_estimate CHECK (allocated + adjusted >= 0),
    CONSTRAINT budget_lines_available CHECK (
        allocated + adjusted - withheld - committed - spent - sub_consumed >= 0),
    CONSTRAINT budget_lines_key UNIQUE (unit_id, fiscal_year, chapter, subsection, item, fund_source, budget_level, funding_type)
);
CREATE INDEX budget_lines_year_unit_idx ON budget_lines (fiscal_year, unit_id);
CREATE INDEX budget_lines_parent_idx ON budget_lines (parent_line_id) WHERE parent_line_id IS NOT NULL;

-- A line opens empty: amounts move only through approved decisions, commitments and
-- vouchers. Its parent (if any) is a line of a proper ancestor unit in the same year.
-- +goose StatementBegin
CREATE FUNCTION budget_lines_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.allocated <> 0 OR NEW.adjusted <> 0 OR NEW.withheld <> 0 OR NEW.committed <> 0
        OR NEW.spent <> 0 OR NEW.sub_consumed <> 0 THEN
        RAISE EXCEPTION 'a budget line opens with zero amounts'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'budget_lines_open_empty';
    END IF;
    IF NEW.parent_line_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM budget_lines p JOIN unit_closure c ON c.ancestor_id = p.unit_id
        WHERE p.id = NEW.parent_line_id AND c.descendant_id = NEW.unit_id AND c.distance > 0
          AND p.fiscal_year = NEW.fiscal_year
    ) THEN
        RAISE EXCEPTION 'the parent line must belong to a parent unit, same fiscal year'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'budget_lines_parent_scope';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER budget_lines_before_insert BEFORE INSERT ON budget_lines
    FOR EACH ROW EXECUTE FUNCTION budget_lines_before_insert();

GRANT SELECT, INSERT ON fiscal_years, budget_lines TO congquy_app;
GRANT UPDATE (closed_at) ON fiscal_years TO congquy_app;
-- The application may move only the running totals.
GRANT UPDATE (allocated, adjusted, withheld, committed, spent, sub_consumed) ON budget_lines TO congquy_app;

-- +goose Down
DROP TABLE budget_lines;
DROP TABLE fiscal_years;
DROP FUNCTION budget_lines_before_insert;
