-- Tamper evidence for the audit trail (DESIGN.md §7, docs/audit.md). Events are inserted
-- unsealed (no lock, so postings are not serialised); a trigger queues each new event in
-- audit_pending; the sealer (one at a time) chains committed events into one SHA-256 chain
-- per unit by inserting rows into audit_seals, and deletes them from the queue. Signed
-- checkpoints of the chain heads and the results of verification runs are append-only.
-- +goose Up
CREATE TABLE audit_pending (
    event_id bigint PRIMARY KEY
);

-- +goose StatementBegin
CREATE FUNCTION audit_events_queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_pending (event_id) SELECT id FROM new_events;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_queue AFTER INSERT ON audit_events
    REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_queue();

CREATE TABLE audit_seals (
    event_id  bigint NOT NULL CONSTRAINT audit_seals_event_once UNIQUE,
    chain     text NOT NULL,
    seq       bigint NOT NULL CONSTRAINT audit_seals_seq_positive CHECK (seq > 0),
    prev_hash bytea NOT NULL CONSTRAINT audit_seals_prev_len CHECK (length(prev_hash) = 32),
    hash      bytea NOT NULL CONSTRAINT audit_seals_hash_len CHECK (length(hash) = 32),
    sealed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, seq)
);

CREATE TABLE audit_checkpoints (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    reason      text NOT NULL CONSTRAINT audit_checkpoints_reason_check CHECK (reason IN ('manual', 'schedule', 'period_close')),
    created_by  text NOT NULL,
    key_id      text NOT NULL,
    public_key  bytea NOT NULL,
    payload     text NOT NULL, -- the exact bytes that were signed (canonical JSON)
    signature   bytea NOT NULL
);

CREATE TABLE audit_verifications (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz NOT NULL DEFAULT now(),
    actor_id       bigint REFERENCES users (id),
    actor_login    text NOT NULL,
    ok             boolean NOT NULL,
    events         bigint NOT NULL,
    chains         integer NOT NULL,
    checkpoints    integer NOT NULL,
    unsealed_old   bigint NOT NULL,
    problems       jsonb NOT NULL DEFAULT '[]'
);

CREATE TRIGGER audit_seals_immutable BEFORE UPDATE OR DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
-- Events written before this migration are queued for sealing too.
INSERT INTO audit_pending (event_id) SELECT id FROM audit_events;
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_checkpoints_immutable BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_verifications_immutable BEFORE UPDATE OR DELETE ON audit_verifications
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_verifications_no_truncate BEFORE TRUNCATE ON audit_verifications
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

GRANT SELECT, INSERT ON audit_seals, audit_checkpoints, audit_verifications TO congquy_app;
-- The queue is not evidence: the sealer removes what it has sealed. An event removed
-- from the queue without a seal is reported by `audit verify` once it is old.
GRANT SELECT, INSERT, DELETE ON audit_pending TO congquy_app;

-- +goose Down
DROP TABLE audit_verifications, audit_checkpoints, audit_seals;
DROP TRIGGER audit_events_queue ON audit_events;
DROP TABLE audit_pending;
DROP FUNCTION audit_events_queue;
