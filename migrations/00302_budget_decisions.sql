-- Budget decisions: the estimate (dự toán giao), allotments from a unit to its sub-units
-- (phân bổ), adjustments (increase, decrease, transfer between lines) and withheld savings
-- (tiết kiệm), each with a decision number and date, drafted by one user and approved
-- by another (maker-checker) — approval applies the amounts to the lines in the same
-- transaction. The database refuses a decision approved by the user who drafted it.
-- +goose Up
CREATE TABLE budget_decisions (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id        bigint NOT NULL REFERENCES units (id),
    fiscal_year    smallint NOT NULL REFERENCES fiscal_years (year),
    kind           text NOT NULL CONSTRAINT budget_decisions_kind_check
                   CHECK (kind IN ('estimate', 'allotment', 'increase', 'decrease', 'transfer', 'withhold', 'release')),
    decision_no    text NOT NULL CONSTRAINT budget_decisions_no_check CHECK (length(decision_no) BETWEEN 1 AND 64),
    decision_date  date NOT NULL,
    total          numeric(20,0) NOT NULL CONSTRAINT budget_decisions_total_sign CHECK (total > 0),
    note           text NOT NULL DEFAULT '' CONSTRAINT budget_decisions_note_check CHECK (length(note) <= 1000),
    status         text NOT NULL DEFAULT 'draft' CONSTRAINT budget_decisions_status_check
                   CHECK (status IN ('draft', 'approved', 'rejected')),
    drafted_by     bigint REFERENCES users (id),
    drafted_login  text NOT NULL,
    drafted_at     timestamptz NOT NULL DEFAULT now(),
    approved_by    bigint REFERENCES users (id),
    approved_login text,
    decided_at     timestamptz,
    reject_reason  text NOT NULL DEFAULT '',
    CONSTRAINT budget_decisions_maker_checker CHECK (
        (approved_by IS NULL OR drafted_by IS NULL OR approved_by <> drafted_by)
        AND (approved_login IS NULL OR approved_login <> drafted_login)),
    CONSTRAINT budget_decisions_decided CHECK (
        (status = 'draft') = (decided_at IS NULL)
        AND (status <> 'approved' OR approved_login IS NOT NULL)
        AND (status <> 'rejected' OR length(reject_reason) > 0))
);
CREATE INDEX budget_decisions_unit_year_idx ON budget_decisions (unit_id, fiscal_year, id);

-- One line of a decision: a signed amount for one budget line. Its sign rule depends on
-- the kind (budget.Decision.Validate); an allotment's lines sum to zero (the source line
-- gives what the sub-units' lines receive).
CREATE TABLE budget_decision_lines (
    decision_id    bigint NOT NULL REFERENCES budget_decisions (id),
    line_no        smallint NOT NULL CONSTRAINT budget_decision_lines_no_check CHECK (line_no >= 1),
    budget_line_id bigint NOT NULL REFERENCES budget_lines (id),
    amount         numeric(20,0) NOT NULL CONSTRAINT budget_decision_lines_nonzero CHECK (amount <> 0),
    PRIMARY KEY (decision_id, line_no),
    CONSTRAINT budget_decision_lines_once UNIQUE (decision_id, budget_line_id)
);
CREATE INDEX budget_decision_lines_line_idx ON budget_decision_lines (budget_line_id);

-- A decided decision is history: its lines and amounts cannot change.
-- +goose StatementBegin
CREATE FUNCTION budget_decisions_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'budget_decisions' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'a decided budget decision cannot change'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'budget_decisions_frozen';
        END IF;
        IF NEW.id <> OLD.id OR NEW.unit_id <> OLD.unit_id OR NEW.drafted_login <> OLD.drafted_login
            OR NEW.drafted_by IS DISTINCT FROM OLD.drafted_by THEN
            RAISE EXCEPTION 'who drafted a decision, and for which unit, cannot change'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'budget_decisions_frozen';
        END IF;
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM budget_decisions d WHERE d.id = coalesce(NEW.decision_id, OLD.decision_id)
               AND d.status <> 'draft') THEN
        RAISE EXCEPTION 'the lines of a decided budget decision cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'budget_decisions_frozen';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
-- +goose StatementEnd
CREATE TRIGGER budget_decisions_frozen BEFORE UPDATE OR DELETE ON budget_decisions
    FOR EACH ROW EXECUTE FUNCTION budget_decisions_frozen();
CREATE TRIGGER budget_decision_lines_frozen BEFORE INSERT OR UPDATE OR DELETE ON budget_decision_lines
    FOR EACH ROW EXECUTE FUNCTION budget_decisions_frozen();

GRANT SELECT, INSERT ON budget_decisions, budget_decision_lines TO congquy_app;
GRANT DELETE ON budget_decision_lines TO congquy_app;
GRANT UPDATE (decision_no, decision_date, total, note, status, approved_by, approved_login, decided_at, reject_reason)
    ON budget_decisions TO congquy_app;

-- +goose Down
DROP TABLE budget_decision_lines;
DROP TABLE budget_decisions;
DROP FUNCTION budget_decisions_frozen;
