-- Units form a tree (a department with its regional offices; deeper trees are allowed).
-- unit_closure holds every (ancestor, descendant) pair, so "this unit's subtree" is one
-- indexed lookup. parent_id cannot change and must exist first, so the tree has no cycles.
-- +goose Up
CREATE TABLE units (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id   bigint REFERENCES units (id),
    code        text NOT NULL CONSTRAINT units_code_key UNIQUE
                CONSTRAINT units_code_shape CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{0,31}$'),
    kind        text NOT NULL CONSTRAINT units_kind_check
                CHECK (kind IN ('ministry', 'department', 'office', 'division')),
    name_vi     text NOT NULL CONSTRAINT units_name_vi_check CHECK (length(name_vi) BETWEEN 1 AND 200),
    name_en     text NOT NULL CONSTRAINT units_name_en_check CHECK (length(name_en) BETWEEN 1 AND 200),
    address     text NOT NULL DEFAULT '',
    depth       smallint NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_parent_idx ON units (parent_id);

CREATE TABLE unit_closure (
    ancestor_id   bigint NOT NULL REFERENCES units (id),
    descendant_id bigint NOT NULL REFERENCES units (id),
    distance      smallint NOT NULL,
    PRIMARY KEY (ancestor_id, descendant_id)
);
CREATE INDEX unit_closure_descendant_idx ON unit_closure (descendant_id, ancestor_id);

-- +goose StatementBegin
CREATE FUNCTION units_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NULL THEN
        NEW.depth := 0;
    ELSE
        SELECT depth + 1 INTO NEW.depth FROM units WHERE id = NEW.parent_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'parent unit % does not exist', NEW.parent_id
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'units_parent_id_fkey';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER units_before_insert BEFORE INSERT ON units
    FOR EACH ROW EXECUTE FUNCTION units_before_insert();

-- +goose StatementBegin
CREATE FUNCTION units_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_closure (ancestor_id, descendant_id, distance)
    SELECT ancestor_id, NEW.id, distance + 1 FROM unit_closure WHERE descendant_id = NEW.parent_id
    UNION ALL SELECT NEW.id, NEW.id, 0;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER units_after_insert AFTER INSERT ON units
    FOR EACH ROW EXECUTE FUNCTION units_after_insert();

-- +goose StatementBegin
CREATE FUNCTION units_refuse_reparent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS DISTINCT FROM OLD.parent_id OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'a unit cannot move in the tree' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'units_parent_fixed';
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER units_refuse_reparent BEFORE UPDATE ON units
    FOR EACH ROW EXECUTE FUNCTION units_refuse_reparent();

GRANT SELECT ON units, unit_closure TO congquy_app;
GRANT INSERT ON units, unit_closure TO congquy_app;
GRANT UPDATE (name_vi, name_en, address) ON units TO congquy_app;

-- +goose Down
DROP TABLE unit_closure;
DROP TABLE units;
DROP FUNCTION units_before_insert, units_after_insert, units_refuse_reparent;
