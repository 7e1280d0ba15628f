-- Vouchers post to the ledger (phase 2 of the budget area). Approving a voucher posts it
-- in the same transaction: it goes from submitted straight to posted, with the journal
-- entry's id. A posted voucher is corrected only by reversing it (a reversing entry; the
-- budget lines get back exactly what it spent); a reversed voucher never changes again.
-- Journal lines name the budget line they consume, now with a foreign key.
-- +goose Up
ALTER TABLE vouchers
    ADD COLUMN entry_id          bigint REFERENCES journal_entries (id),
    ADD COLUMN reversal_entry_id bigint REFERENCES journal_entries (id),
    ADD COLUMN reversed_by       bigint REFERENCES users (id),
    ADD COLUMN reversed_login    text,
    ADD COLUMN reversed_at       timestamptz,
    ADD COLUMN reverse_reason    text NOT NULL DEFAULT ''
        CONSTRAINT vouchers_reverse_reason_check CHECK (length(reverse_reason) <= 1000);

ALTER TABLE vouchers DROP CONSTRAINT vouchers_status_check;
ALTER TABLE vouchers
    ADD CONSTRAINT vouchers_status_check
        CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'posted', 'reversed')),
    -- Posted (or reversed after posting) exactly when there is a journal entry.
    ADD CONSTRAINT vouchers_posted_entry CHECK ((status IN ('posted', 'reversed')) = (entry_id IS NOT NULL)),
    ADD CONSTRAINT vouchers_reversal_complete CHECK ((status = 'reversed') = (reversal_entry_id IS NOT NULL)
        AND (status <> 'reversed' OR (reversed_at IS NOT NULL AND reversed_login IS NOT NULL AND length(reverse_reason) > 0))),
    -- Whoever drafted a voucher does not reverse it either.
    ADD CONSTRAINT vouchers_reverse_maker_checker CHECK (
        (reversed_by IS NULL OR drafted_by IS NULL OR reversed_by <> drafted_by)
        AND (reversed_login IS NULL OR reversed_login <> drafted_login));
CREATE UNIQUE INDEX vouchers_entry_idx ON vouchers (entry_id) WHERE entry_id IS NOT NULL;

-- The life cycle: draft → submitted → posted (approval and posting are one step) →
-- reversed; submitted → rejected → draft. Only a draft's content changes; afterwards only
-- the life-cycle columns of the step being taken move. ('approved' remains for rows of
-- the first version, which can only become posted.)
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION vouchers_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lifecycle constant text[] := ARRAY['status', 'norm_results', 'submitted_by', 'submitted_login', 'submitted_at',
        'approved_by', 'approved_login', 'decided_at', 'reject_reason', 'posted_at', 'entry_id',
        'reversed_by', 'reversed_login', 'reversed_at', 'reverse_reason', 'reversal_entry_id'];
    reversal constant text[] := ARRAY['status', 'reversed_by', 'reversed_login', 'reversed_at', 'reverse_reason',
        'reversal_entry_id'];
    posting constant text[] := ARRAY['status', 'posted_at', 'entry_id'];
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status = 'reversed'
        OR (OLD.status = 'posted' AND (NEW.status <> 'reversed' OR to_jsonb(NEW) - reversal <> to_jsonb(OLD) - reversal)) THEN
        RAISE EXCEPTION 'a posted voucher cannot change; reverse it instead'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vouchers_posted_immutable';
    END IF;
    IF OLD.status = 'approved' AND (NEW.status <> 'posted' OR to_jsonb(NEW) - posting <> to_jsonb(OLD) - posting) THEN
        RAISE EXCEPTION 'an approved voucher can only be posted'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vouchers_approved_immutable';
    END IF;
    IF NEW.status <> OLD.status AND (OLD.status, NEW.status) NOT IN (
        ('draft', 'submitted'), ('submitted', 'posted'), ('submitted', 'rejected'),
        ('rejected', 'draft'), ('approved', 'posted'), ('posted', 'reversed')) THEN
        RAISE EXCEPTION 'voucher cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'check_violation', CONSTRAINT = 'vouchers_transition';
    END IF;
    IF OLD.status <> 'draft' AND (NEW.status = OLD.status OR to_jsonb(NEW) - lifecycle <> to_jsonb(OLD) - lifecycle) THEN
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

GRANT UPDATE (entry_id, reversal_entry_id, reversed_by, reversed_login, reversed_at, reverse_reason) ON vouchers TO congquy_app;

-- The budget line a journal line consumes (ledger.Line.BudgetLineID).
ALTER TABLE journal_lines ADD CONSTRAINT journal_lines_budget_line_fk
    FOREIGN KEY (budget_line_id) REFERENCES budget_lines (id);

-- +goose Down
ALTER TABLE journal_lines DROP CONSTRAINT journal_lines_budget_line_fk;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION vouchers_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
DROP INDEX vouchers_entry_idx;
ALTER TABLE vouchers DROP CONSTRAINT vouchers_reverse_maker_checker, DROP CONSTRAINT vouchers_reversal_complete,
    DROP CONSTRAINT vouchers_posted_entry, DROP CONSTRAINT vouchers_status_check;
ALTER TABLE vouchers ADD CONSTRAINT vouchers_status_check
    CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'posted'));
ALTER TABLE vouchers DROP COLUMN reverse_reason, DROP COLUMN reversed_at, DROP COLUMN reversed_login,
    DROP COLUMN reversed_by, DROP COLUMN reversal_entry_id, DROP COLUMN entry_id;
