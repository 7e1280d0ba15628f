-- Identity: passwords (argon2id), the TOTP second factor with one-time recovery codes,
-- API tokens, the failed-login record that throttling reads, and the sessions table of
-- scs/postgresstore. DESIGN.md §1; TESTING.md rows 19–20.
-- +goose Up

-- password_hash is an argon2id PHC string; '' means the user cannot sign in with a
-- password (yet). totp_secret is the base32 TOTP secret, NULL until enrolment is
-- confirmed; totp_last_step is the last 30-second time step whose code was accepted, so a
-- code is never accepted twice. session_epoch grows whenever the user's sessions must end
-- (disabled, roles changed, credentials reset, password changed): a session remembers the
-- epoch it was opened in and dies when it no longer matches.
ALTER TABLE users
    ADD COLUMN password_hash        text NOT NULL DEFAULT '',
    ADD COLUMN password_changed_at  timestamptz,
    ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
    ADD COLUMN first_login_at       timestamptz,
    ADD COLUMN last_login_at        timestamptz,
    ADD COLUMN totp_secret          text,
    ADD COLUMN totp_enabled_at      timestamptz,
    ADD COLUMN totp_last_step       bigint NOT NULL DEFAULT 0,
    ADD COLUMN session_epoch        bigint NOT NULL DEFAULT 1,
    ADD CONSTRAINT users_totp_consistent CHECK ((totp_secret IS NULL) = (totp_enabled_at IS NULL)),
    ADD CONSTRAINT users_password_hash_shape CHECK (password_hash = '' OR password_hash ~ '^[$]argon2id[$]');

GRANT UPDATE (password_hash, password_changed_at, must_change_password, first_login_at, last_login_at,
              totp_secret, totp_enabled_at, totp_last_step, session_epoch) ON users TO congquy_app;

-- Recovery codes: SHA-256 of each code (they are random, 50 bits each), usable once.
CREATE TABLE mfa_recovery_codes (
    user_id    bigint NOT NULL REFERENCES users (id),
    code_hash  bytea NOT NULL CONSTRAINT mfa_recovery_codes_hash_len CHECK (length(code_hash) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    used_at    timestamptz,
    PRIMARY KEY (user_id, code_hash)
);
GRANT SELECT, INSERT, DELETE ON mfa_recovery_codes TO congquy_app;
GRANT UPDATE (used_at) ON mfa_recovery_codes TO congquy_app;

-- API tokens for /api/v1: a user creates them for itself; only the SHA-256 of the token is
-- kept; they expire and can be revoked, never edited otherwise.
CREATE TABLE api_tokens (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    name       text NOT NULL CONSTRAINT api_tokens_name_check CHECK (length(name) BETWEEN 1 AND 100),
    token_hash bytea NOT NULL CONSTRAINT api_tokens_hash_len CHECK (length(token_hash) = 32),
    prefix     text NOT NULL,
    read_only  boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CONSTRAINT api_tokens_hash_key UNIQUE (token_hash),
    CONSTRAINT api_tokens_expiry_check CHECK (expires_at > created_at)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, id);
GRANT SELECT, INSERT ON api_tokens TO congquy_app;
GRANT UPDATE (revoked_at) ON api_tokens TO congquy_app;

-- Failed sign-in attempts, read by the throttle (per account and per address, in a
-- sliding window: no permanent lockout). Old rows are purged; the audit trail keeps the
-- lasting record of each failure.
CREATE TABLE login_failures (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at    timestamptz NOT NULL,
    login text NOT NULL,
    ip    text NOT NULL
);
CREATE INDEX login_failures_login_idx ON login_failures (login, at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, at);
GRANT SELECT, INSERT, DELETE ON login_failures TO congquy_app;

-- Sessions of scs/postgresstore (token is the SHA-256 of the cookie value: HashTokenInStore).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO congquy_app;

-- +goose Down
DROP TABLE sessions;
DROP TABLE login_failures;
DROP TABLE api_tokens;
DROP TABLE mfa_recovery_codes;
ALTER TABLE users
    DROP CONSTRAINT users_password_hash_shape,
    DROP CONSTRAINT users_totp_consistent,
    DROP COLUMN session_epoch,
    DROP COLUMN totp_last_step,
    DROP COLUMN totp_enabled_at,
    DROP COLUMN totp_secret,
    DROP COLUMN last_login_at,
    DROP COLUMN first_login_at,
    DROP COLUMN must_change_password,
    DROP COLUMN password_changed_at,
    DROP COLUMN password_hash;
