-- Every state change writes one audit event in the same transaction as the change
-- (DESIGN.md §7). The table is append-only for the application. Sealing into hash
-- chains, checkpoints and the immutability triggers come with the audit migrations (00200…).
-- +goose Up
CREATE TABLE audit_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    unit_id     bigint REFERENCES units (id),
    actor_id    bigint REFERENCES users (id),
    actor_login text NOT NULL,
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   text NOT NULL,
    before      jsonb,
    after       jsonb,
    request_id  text NOT NULL DEFAULT '',
    ip          text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, id);
CREATE INDEX audit_events_unit_at_idx ON audit_events (unit_id, at);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, at);

GRANT SELECT, INSERT ON audit_events TO congquy_app;

-- +goose Down
DROP TABLE audit_events;
