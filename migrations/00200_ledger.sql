-- The ledger (DESIGN.md §3): the chart of accounts (effective-dated reference data),
-- monthly periods per unit, journal entries and their lines, and running balances per
-- (unit, account, month). Entries balance (deferred constraint trigger), are immutable
-- (no UPDATE/DELETE/TRUNCATE grant, and triggers refuse them anyway), and cannot be dated
-- in a closed period (the posting takes the period row FOR SHARE, closing takes it with an
-- UPDATE, so a close waits for postings in flight and postings after it see it closed).
-- The chart's rows are loaded by the Go migration 00201 from data/accounts_tt24_2024.csv.
-- +goose Up
CREATE TABLE accounts (
    code        text NOT NULL CONSTRAINT accounts_code_shape CHECK (code ~ '^[0-9]{3,6}$'),
    valid_from  date NOT NULL,
    valid_to    date,
    parent_code text,
    kind        text NOT NULL CONSTRAINT accounts_kind_check CHECK (kind IN
                ('asset', 'contra_asset', 'liability', 'net_assets', 'revenue', 'expense', 'result', 'off_balance')),
    name_vi     text NOT NULL CONSTRAINT accounts_name_vi_check CHECK (length(name_vi) BETWEEN 1 AND 300),
    name_en     text NOT NULL CONSTRAINT accounts_name_en_check CHECK (length(name_en) BETWEEN 1 AND 300),
    source      text NOT NULL,
    verified    boolean NOT NULL,
    note        text NOT NULL DEFAULT '',
    PRIMARY KEY (code, valid_from),
    CONSTRAINT accounts_validity CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

-- +goose StatementBegin
-- Two versions of one account may not be valid on the same day.
CREATE FUNCTION accounts_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM accounts a
        WHERE a.code = NEW.code AND a.valid_from <> NEW.valid_from
          AND a.valid_from <= coalesce(NEW.valid_to, 'infinity'::date)
          AND NEW.valid_from <= coalesce(a.valid_to, 'infinity'::date)
    ) THEN
        RAISE EXCEPTION 'account % has another version valid in the same time', NEW.code
            USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'accounts_no_overlap';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER accounts_no_overlap BEFORE INSERT OR UPDATE ON accounts
    FOR EACH ROW EXECUTE FUNCTION accounts_no_overlap();

-- Periods: one row per unit and month, created on demand by the first posting.
CREATE TABLE periods (
    unit_id    bigint NOT NULL REFERENCES units (id),
    month      date NOT NULL CONSTRAINT periods_month_first_day CHECK (extract(day FROM month) = 1),
    opened_at  timestamptz NOT NULL DEFAULT now(),
    closed_at  timestamptz,
    closed_by  bigint REFERENCES users (id),
    PRIMARY KEY (unit_id, month)
);

-- Acts on a period: a close (one person with the right) or a reopening (proposed by one
-- person, approved by another: maker-checker).
CREATE TABLE period_acts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint NOT NULL,
    month       date NOT NULL,
    kind        text NOT NULL CONSTRAINT period_acts_kind_check CHECK (kind IN ('close', 'reopen')),
    status      text NOT NULL CONSTRAINT period_acts_status_check CHECK (status IN ('proposed', 'approved', 'rejected', 'done')),
    reason      text NOT NULL DEFAULT '' CONSTRAINT period_acts_reason_len CHECK (length(reason) <= 1000),
    proposed_by bigint REFERENCES users (id),
    proposed_login text NOT NULL,
    proposed_at timestamptz NOT NULL DEFAULT now(),
    decided_by  bigint REFERENCES users (id),
    decided_login text,
    decided_at  timestamptz,
    FOREIGN KEY (unit_id, month) REFERENCES periods (unit_id, month),
    CONSTRAINT period_acts_maker_checker CHECK (kind <> 'reopen' OR decided_by IS NULL OR decided_by <> proposed_by),
    CONSTRAINT period_acts_reopen_reason CHECK (kind <> 'reopen' OR length(trim(reason)) > 0)
);
CREATE UNIQUE INDEX period_acts_one_open_proposal ON period_acts (unit_id, month) WHERE status = 'proposed';

CREATE TABLE journal_entries (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id      bigint NOT NULL REFERENCES units (id),
    entry_date   date NOT NULL,
    period       date NOT NULL,
    memo         text NOT NULL CONSTRAINT journal_entries_memo_len CHECK (length(memo) BETWEEN 1 AND 500),
    source_type  text NOT NULL CONSTRAINT journal_entries_source_type_shape CHECK (source_type ~ '^[a-z][a-z0-9_]{0,39}$'),
    source_id    text NOT NULL DEFAULT '' CONSTRAINT journal_entries_source_id_len CHECK (length(source_id) <= 100),
    reverses_id  bigint REFERENCES journal_entries (id) CONSTRAINT journal_entries_reverses_once UNIQUE,
    drafted_by   bigint REFERENCES users (id),
    approved_by  bigint REFERENCES users (id),
    posted_by    text NOT NULL,
    posted_at    timestamptz NOT NULL DEFAULT now(),
    total        numeric(20,0) NOT NULL CONSTRAINT journal_entries_total_nonneg CHECK (total >= 0),
    created_txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    CONSTRAINT journal_entries_period_of_date CHECK (period = date_trunc('month', entry_date)::date),
    CONSTRAINT journal_entries_not_self_reversal CHECK (reverses_id <> id)
);
CREATE INDEX journal_entries_unit_date_idx ON journal_entries (unit_id, entry_date DESC, id DESC);
CREATE INDEX journal_entries_unit_period_idx ON journal_entries (unit_id, period);
CREATE INDEX journal_entries_source_idx ON journal_entries (source_type, source_id);

CREATE TABLE journal_lines (
    entry_id       bigint NOT NULL REFERENCES journal_entries (id),
    line_no        smallint NOT NULL,
    unit_id        bigint NOT NULL,
    period         date NOT NULL,
    account_code   text NOT NULL,
    off_balance    boolean NOT NULL,
    debit          numeric(20,0) NOT NULL DEFAULT 0,
    credit         numeric(20,0) NOT NULL DEFAULT 0,
    budget_line_id bigint, -- the budget area's migrations add the foreign key to budget_lines
    budget_code    text NOT NULL DEFAULT '' CONSTRAINT journal_lines_budget_code_len CHECK (length(budget_code) <= 100),
    memo           text NOT NULL DEFAULT '' CONSTRAINT journal_lines_memo_len CHECK (length(memo) <= 300),
    PRIMARY KEY (entry_id, line_no),
    CONSTRAINT journal_lines_one_side CHECK ((debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0))
);
CREATE INDEX journal_lines_account_idx ON journal_lines (unit_id, account_code, period, entry_id);
CREATE INDEX journal_lines_budget_line_idx ON journal_lines (budget_line_id) WHERE budget_line_id IS NOT NULL;

-- Running totals per (unit, account, month), spread over a few slots chosen by
-- transaction id so that concurrent postings to the same account do not queue on one row.
-- Only the posting trigger (SECURITY DEFINER, owned by the owner) writes them.
CREATE TABLE account_balances (
    unit_id      bigint NOT NULL,
    account_code text NOT NULL,
    period       date NOT NULL,
    slot         smallint NOT NULL,
    debit        numeric(20,0) NOT NULL DEFAULT 0,
    credit       numeric(20,0) NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, account_code, period, slot)
);

-- +goose StatementBegin
-- Before an entry is inserted: derive its period and refuse it if the period is closed.
-- The period row is taken FOR SHARE (created first if missing), so a concurrent close,
-- which UPDATEs that row, waits for this transaction; a posting that comes after the
-- close re-reads the row and sees it closed.
CREATE FUNCTION journal_entries_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    closed timestamptz;
    found_row boolean;
BEGIN
    NEW.period := date_trunc('month', NEW.entry_date)::date;
    SELECT p.closed_at, true INTO closed, found_row FROM periods p
    WHERE p.unit_id = NEW.unit_id AND p.month = NEW.period FOR SHARE;
    IF found_row IS NULL THEN
        INSERT INTO periods (unit_id, month) VALUES (NEW.unit_id, NEW.period) ON CONFLICT DO NOTHING;
        SELECT p.closed_at INTO closed FROM periods p
        WHERE p.unit_id = NEW.unit_id AND p.month = NEW.period FOR SHARE;
    END IF;
    IF closed IS NOT NULL THEN
        RAISE EXCEPTION 'period % of unit % is closed', to_char(NEW.period, 'MM/YYYY'), NEW.unit_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entries_period_open',
                  DETAIL = (SELECT json_build_object('month', to_char(NEW.period, 'YYYY-MM'),
                                'name_vi', u.name_vi, 'name_en', u.name_en)::text
                            FROM units u WHERE u.id = NEW.unit_id);
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER journal_entries_before_insert BEFORE INSERT ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION journal_entries_before_insert();

-- +goose StatementBegin
-- At commit: the entry has lines, its on-balance lines balance, and it has at least two
-- of them unless every line is off-balance (single-entry memorandum accounts, 0xx).
CREATE FUNCTION journal_entries_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n_on int; n_all int; dr numeric; cr numeric;
BEGIN
    SELECT count(*) FILTER (WHERE NOT off_balance), count(*),
           coalesce(sum(debit) FILTER (WHERE NOT off_balance), 0),
           coalesce(sum(credit) FILTER (WHERE NOT off_balance), 0)
    INTO n_on, n_all, dr, cr
    FROM journal_lines WHERE entry_id = NEW.id;
    IF n_all = 0 OR (n_on > 0 AND n_on < 2) OR dr <> cr THEN
        RAISE EXCEPTION 'journal entry % does not balance (% lines, debit %, credit %)', NEW.id, n_all, dr, cr
            USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entries_balanced';
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entries_balanced();

-- +goose StatementBegin
-- After lines are inserted: each belongs to an entry created in this same transaction
-- (a posted entry cannot gain lines later) with the same unit and period; then the
-- running totals are added to, in key order so that concurrent postings lock in one order.
CREATE FUNCTION journal_lines_after_insert() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_lines n LEFT JOIN journal_entries e ON e.id = n.entry_id
        WHERE e.id IS NULL OR e.created_txid <> pg_current_xact_id()
           OR e.unit_id <> n.unit_id OR e.period <> n.period
    ) THEN
        RAISE EXCEPTION 'journal lines may only be added to an entry created in the same transaction'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_lines_same_transaction';
    END IF;
    INSERT INTO account_balances AS b (unit_id, account_code, period, slot, debit, credit)
    SELECT unit_id, account_code, period, (pg_current_xact_id()::text::bigint % 8)::smallint, sum(debit), sum(credit)
    FROM new_lines GROUP BY unit_id, account_code, period ORDER BY unit_id, account_code, period
    ON CONFLICT (unit_id, account_code, period, slot)
    DO UPDATE SET debit = b.debit + EXCLUDED.debit, credit = b.credit + EXCLUDED.credit;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER journal_lines_after_insert AFTER INSERT ON journal_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION journal_lines_after_insert();

-- +goose StatementBegin
-- Ledger and audit rows are immutable: whoever tries, the statement fails.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'append_only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER journal_entries_immutable BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_lines_immutable BEFORE UPDATE OR DELETE ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER journal_lines_no_truncate BEFORE TRUNCATE ON journal_lines
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER account_balances_no_delete BEFORE DELETE ON account_balances
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER account_balances_no_truncate BEFORE TRUNCATE ON account_balances
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER period_acts_no_delete BEFORE DELETE ON period_acts
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER period_acts_no_truncate BEFORE TRUNCATE ON period_acts
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER periods_no_delete BEFORE DELETE ON periods
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER periods_no_truncate BEFORE TRUNCATE ON periods
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
-- The audit trail (00004) is append-only too.
CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

GRANT SELECT ON accounts, periods, period_acts, journal_entries, journal_lines, account_balances TO congquy_app;
GRANT INSERT ON periods, period_acts, journal_entries, journal_lines TO congquy_app;
GRANT UPDATE (closed_at, closed_by) ON periods TO congquy_app;
GRANT UPDATE (status, decided_by, decided_login, decided_at) ON period_acts TO congquy_app;

-- +goose Down
DROP TRIGGER audit_events_immutable ON audit_events;
DROP TRIGGER audit_events_no_truncate ON audit_events;
DROP TABLE account_balances, journal_lines, journal_entries, period_acts, periods, accounts;
DROP FUNCTION refuse_change, journal_lines_after_insert, journal_entries_balanced,
    journal_entries_before_insert, accounts_no_overlap;
