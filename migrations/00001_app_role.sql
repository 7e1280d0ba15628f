-- The application serves as the role congquy_app, which owns nothing: it gets exactly the
-- privileges each migration grants it (DESIGN.md §12). Migrations run as the owner.
-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'congquy_app') THEN
        CREATE ROLE congquy_app NOLOGIN;
    END IF;
END
$$;
-- +goose StatementEnd
GRANT USAGE ON SCHEMA public TO congquy_app;
GRANT SELECT ON goose_db_version TO congquy_app;

-- +goose Down
REVOKE ALL ON goose_db_version FROM congquy_app;
REVOKE USAGE ON SCHEMA public FROM congquy_app;
