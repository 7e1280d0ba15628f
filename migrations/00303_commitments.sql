-- Commitments (cam kết chi) for contracts: drafted, approved by another user (then the
-- amount counts against the line's `committed`), consumed by payments, released when
-- the contract ends below its amount. consumed + released never exceeds the amount.
-- +goose Up
CREATE TABLE commitments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id        bigint NOT NULL REFERENCES units (id),
    fiscal_year    smallint NOT NULL REFERENCES fiscal_years (year),
    budget_line_id bigint NOT NULL REFERENCES budget_lines (id),
    contract_no    text NOT NULL CONSTRAINT commitments_contract_no_check CHECK (length(contract_no) BETWEEN 1 AND 64),
    contract_date  date NOT NULL,
    supplier       text NOT NULL CONSTRAINT commitments_supplier_check CHECK (length(supplier) BETWEEN 1 AND 300),
    description    text NOT NULL DEFAULT '' CONSTRAINT commitments_description_check CHECK (length(description) <= 1000),
    amount         numeric(20,0) NOT NULL CONSTRAINT commitments_amount_sign CHECK (amount > 0),
    consumed       numeric(20,0) NOT NULL DEFAULT 0 CONSTRAINT commitments_consumed_sign CHECK (consumed >= 0),
    released       numeric(20,0) NOT NULL DEFAULT 0 CONSTRAINT commitments_released_sign CHECK (released >= 0),
    status         text NOT NULL DEFAULT 'draft' CONSTRAINT commitments_status_check
                   CHECK (status IN ('draft', 'approved', 'rejected', 'closed')),
    drafted_by     bigint REFERENCES users (id),
    drafted_login  text NOT NULL,
    drafted_at     timestamptz NOT NULL DEFAULT now(),
    approved_by    bigint REFERENCES users (id),
    approved_login text,
    decided_at     timestamptz,
    reject_reason  text NOT NULL DEFAULT '',
    CONSTRAINT commitments_within_amount CHECK (consumed + released <= amount),
    CONSTRAINT commitments_maker_checker CHECK (
        (approved_by IS NULL OR drafted_by IS NULL OR approved_by <> drafted_by)
        AND (approved_login IS NULL OR approved_login <> drafted_login)),
    CONSTRAINT commitments_draft_untouched CHECK (status IN ('approved', 'closed') OR (consumed = 0 AND released = 0))
);
CREATE INDEX commitments_line_idx ON commitments (budget_line_id);
CREATE INDEX commitments_unit_year_idx ON commitments (unit_id, fiscal_year, id);

GRANT SELECT, INSERT ON commitments TO congquy_app;
GRANT UPDATE (consumed, released, status, approved_by, approved_login, decided_at, reject_reason) ON commitments TO congquy_app;

-- +goose Down
DROP TABLE commitments;
