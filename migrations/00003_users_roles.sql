-- Users belong to one unit and hold roles; a role acts on the subtree of the unit it is
-- granted on, which must lie within the user's own subtree (DESIGN.md §1, §12).
-- Login, second factor and sessions are added by the identity migrations (00100…).
-- +goose Up
CREATE TABLE roles (
    code    text PRIMARY KEY,
    name_vi text NOT NULL,
    name_en text NOT NULL,
    ord     smallint NOT NULL
);
INSERT INTO roles (code, name_vi, name_en, ord) VALUES
    ('finance_officer',  'Kế toán',                       'Finance officer',                1),
    ('chief_accountant', 'Kế toán trưởng / Thủ trưởng',   'Chief accountant / unit head',   2),
    ('asset_manager',    'Quản lý tài sản',               'Asset manager',                  3),
    ('inspector',        'Thanh tra / Kiểm toán',         'Inspector / auditor',            4),
    ('admin',            'Quản trị hệ thống',             'Administrator',                  5);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id       bigint NOT NULL REFERENCES units (id),
    login         text NOT NULL CONSTRAINT users_login_shape CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    full_name     text NOT NULL CONSTRAINT users_full_name_check CHECK (length(full_name) BETWEEN 1 AND 200),
    email         text NOT NULL DEFAULT '',
    lang          text NOT NULL DEFAULT 'vi' CONSTRAINT users_lang_check CHECK (lang IN ('vi', 'en')),
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_login_key ON users (login);
CREATE INDEX users_unit_idx ON users (unit_id);

CREATE TABLE user_roles (
    user_id    bigint NOT NULL REFERENCES users (id),
    role       text NOT NULL REFERENCES roles (code),
    unit_id    bigint NOT NULL REFERENCES units (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role, unit_id)
);

-- +goose StatementBegin
CREATE FUNCTION user_roles_in_subtree() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM users u JOIN unit_closure c ON c.ancestor_id = u.unit_id
        WHERE u.id = NEW.user_id AND c.descendant_id = NEW.unit_id
    ) THEN
        RAISE EXCEPTION 'a role must be granted within the user''s own unit subtree'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'user_roles_in_subtree';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER user_roles_in_subtree BEFORE INSERT OR UPDATE ON user_roles
    FOR EACH ROW EXECUTE FUNCTION user_roles_in_subtree();

GRANT SELECT ON roles, users, user_roles TO congquy_app;
GRANT INSERT ON users, user_roles TO congquy_app;
GRANT DELETE ON user_roles TO congquy_app;
GRANT UPDATE (unit_id, full_name, email, lang, disabled_at, updated_at) ON users TO congquy_app;

-- +goose Down
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE roles;
DROP FUNCTION user_roles_in_subtree;
