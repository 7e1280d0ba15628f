-- Expenditure vouchers (chứng từ chi): lines by tiểu mục on budget lines, payee, invoice,
-- document date, scanned attachments. States: draft → submitted → approved (by another
-- user; the budget lines' `spent` moves in that transaction) → posted (to the ledger);
-- submitted → rejected (with a reason) → draft again. The database enforces the
-- transitions, maker-checker, and that approved and posted vouchers do not change.
-- +goose Up
CREATE TABLE vouchers (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id        bigint NOT NULL REFERENCES units (id),
    fiscal_year    smallint NOT NULL REFERENCES fiscal_years (year),
    doc_no         text NOT NULL DEFAULT '' CONSTRAINT vouchers_doc_no_check CHECK (length(doc_no) <= 64),
    doc_date       date NOT NULL,
    payee          text NOT NULL CONSTRAINT vouchers_payee_check CHECK (length(payee) BETWEEN 1 AND 300),
    invoice_no     text NOT NULL DEFAULT '' CONSTRAINT vouchers_invoice_no_check CHECK (length(invoice_no) <= 64),
    invoice_date   date,
    description    text NOT NULL DEFAULT '' CONSTRAINT vouchers_description_check CHECK (length(description) <= 1000),
    total          numeric(20,0) NOT NULL DEFAULT 0 CONSTRAINT vouchers_total_sign CHECK (total >= 0),
    status         text NOT NULL DEFAULT 'draft' CONSTRAINT vouchers_status_check
                   CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'posted')),
    norm_results   jsonb NOT NULL DEFAULT '[]',
    drafted_by     bigint REFERENCES users (id),
    drafted_login  text NOT NULL,
    drafted_at     timestamptz NOT NULL DEFAULT now(),
    submitted_by   bigint REFERENCES users (id),
    submitted_login text,
    submitted_at   timestamptz,
    approved_by    bigint REFERENCES users (id),
    approved_login text,
    decided_at     timestamptz,
    reject_reason  text NOT NULL DEFAULT '' CONSTRAINT vouchers_reject_reason_check CHECK (length(reject_reason) <= 1000),
    posted_at      timestamptz,
    CONSTRAINT vouchers_maker_checker CHECK (
        (approved_by IS NULL OR drafted_by IS NULL OR approved_by <> drafted_by)
        AND (approved_login IS NULL OR approved_login <> drafted_login)),
    CONSTRAINT vouchers_invoice_date_check CHECK (invoice_date IS NULL OR invoice_no <> ''),
    CONSTRAINT vouchers_rejected_reason CHECK (status <> 'rejected' OR length(reject_reason) > 0),
    CONSTRAINT vouchers_approved_by CHECK (status NOT IN ('approved', 'posted') OR approved_login IS NOT NULL)
);
CREATE INDEX vouchers_unit_year_idx ON vouchers (unit_id, fiscal_year, id);
CREATE INDEX vouchers_status_idx ON vouchers (status, unit_id);

CREATE TABLE voucher_lines (
    voucher_id     bigint NOT NULL REFERENCES vouchers (id),
    line_no        smallint NOT NULL CONSTRAINT voucher_lines_no_check CHECK (line_no BETWEEN 1 AND 200),
    budget_line_id bigint NOT NULL REFERENCES budget_lines (id),
    commitment_id  bigint REFERENCES commitments (id),
    amount         numeric(20,0) NOT NULL CONSTRAINT voucher_lines_amount_sign CHECK (amount > 0),
    description    text NOT NULL DEFAULT '' CONSTRAINT voucher_lines_description_check CHECK (length(description) <= 500),
    -- What the norms need to know about the line (budget.Facts).
    expense_kind   text NOT NULL DEFAULT '' CONSTRAINT voucher_lines_kind_check CHECK (expense_kind ~ '^[a-z0-9_]{0,40}$'),
    days           smallint NOT NULL DEFAULT 0 CONSTRAINT voucher_lines_days_check CHECK (days BETWEEN 0 AND 366),
    persons        smallint NOT NULL DEFAULT 0 CONSTRAINT voucher_lines_persons_check CHECK (persons BETWEEN 0 AND 10000),
    place_class    text NOT NULL DEFAULT '' CONSTRAINT voucher_lines_place_check CHECK (place_class ~ '^[a-z0-9_]{0,40}$'),
    position_coef  numeric(4,2) NOT NULL DEFAULT 0 CONSTRAINT voucher_lines_coef_check CHECK (position_coef BETWEEN 0 AND 99),
    item_kind      text NOT NULL DEFAULT '' CONSTRAINT voucher_lines_item_kind_check CHECK (item_kind ~ '^[a-z0-9_]{0,40}$'),
    quantity       numeric(12,3) NOT NULL DEFAULT 0 CONSTRAINT voucher_lines_quantity_check CHECK (quantity >= 0),
    justification  text NOT NULL DEFAULT '' CONSTRAINT voucher_lines_justification_check CHECK (length(justification) <= 2000),
    PRIMARY KEY (voucher_id, line_no)
);
CREATE INDEX voucher_lines_budget_line_idx ON voucher_lines (budget_line_id);
CREATE INDEX voucher_lines_commitment_idx ON voucher_lines (commitment_id) WHERE commitment_id IS NOT NULL;

CREATE TABLE voucher_attachments (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    voucher_id     bigint NOT NULL REFERENCES vouchers (id),
    file_name      text NOT NULL CONSTRAINT voucher_attachments_name_check CHECK (length(file_name) BETWEEN 1 AND 200),
    content_type   text NOT NULL CONSTRAINT voucher_attachments_type_check
                   CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size           integer NOT NULL CONSTRAINT voucher_attachments_size_check CHECK (size BETWEEN 1 AND 10485760),
    sha256         bytea NOT NULL CONSTRAINT voucher_attachments_hash_check CHECK (length(sha256) = 32),
    content        bytea NOT NULL,
    uploaded_by    bigint REFERENCES users (id),
    uploaded_login text NOT NULL,
    uploaded_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT voucher_attachments_size_matches CHECK (octet_length(content) = size),
    CONSTRAINT voucher_attachments_once UNIQUE (voucher_id, sha256)
);
ALTER TABLE voucher_attachments ALTER COLUMN content SET STORAGE EXTERNAL; -- scans are already compressed

-- The life cycle, held by the database: allowed transitions only; an approved voucher
-- may only become posted; a posted voucher never changes (a reversal is a new voucher).
-- +goose StatementBegin
CREATE FUNCTION vouchers_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    frozen constant text[] := ARRAY['status', 'posted_at'];
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status = 'posted' THEN
        RAISE EXCEPTION 'a posted voucher cannot change; reverse it instead'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vouchers_posted_immutable';
    END IF;
    IF OLD.status = 'approved' AND (NEW.status <> 'posted' OR to_jsonb(NEW) - frozen <> to_jsonb(OLD) - frozen) THEN
        RAISE EXCEPTION 'an approved voucher can only be posted'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vouchers_approved_immutable';
    END IF;
    IF NEW.status <> OLD.status AND (OLD.status, NEW.status) NOT IN (
        ('draft', 'submitted'), ('submitted', 'approved'), ('submitted', 'rejected'),
        ('rejected', 'draft'), ('approved', 'posted')) THEN
        RAISE EXCEPTION 'voucher cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vouchers_transition';
    END IF;
    IF OLD.status <> 'draft' AND NEW.status = OLD.status THEN
        RAISE EXCEPTION 'only a draft voucher can be edited'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vouchers_not_draft';
    END IF;
    IF NEW.id <> OLD.id OR NEW.unit_id <> OLD.unit_id OR NEW.drafted_login <> OLD.drafted_login
        OR NEW.drafted_by IS DISTINCT FROM OLD.drafted_by THEN
        RAISE EXCEPTION 'who drafted a voucher, and for which unit, cannot change'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vouchers_not_draft';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER vouchers_guard BEFORE UPDATE OR DELETE ON vouchers
    FOR EACH ROW EXECUTE FUNCTION vouchers_guard();

-- Lines and attachments change only while their voucher is a draft.
-- +goose StatementBegin
CREATE FUNCTION voucher_parts_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR EXISTS (SELECT 1 FROM vouchers v
            WHERE v.id = coalesce(NEW.voucher_id, OLD.voucher_id) AND v.status <> 'draft') THEN
        RAISE EXCEPTION 'only a draft voucher can be edited'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vouchers_not_draft';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
-- +goose StatementEnd
CREATE TRIGGER voucher_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON voucher_lines
    FOR EACH ROW EXECUTE FUNCTION voucher_parts_guard();
CREATE TRIGGER voucher_attachments_guard BEFORE INSERT OR UPDATE OR DELETE ON voucher_attachments
    FOR EACH ROW EXECUTE FUNCTION voucher_parts_guard();

GRANT SELECT, INSERT ON vouchers, voucher_lines, voucher_attachments TO congquy_app;
GRANT DELETE ON voucher_lines, voucher_attachments TO congquy_app;
GRANT UPDATE (doc_no, doc_date, payee, invoice_no, invoice_date, description, total, status, norm_results,
              submitted_by, submitted_login, submitted_at, approved_by, approved_login, decided_at,
              reject_reason, posted_at) ON vouchers TO congquy_app;

-- +goose Down
DROP TABLE voucher_attachments;
DROP TABLE voucher_lines;
DROP TABLE vouchers;
DROP FUNCTION vouchers_guard, voucher_parts_guard;
