-- Norms (định mức) as data: a legal basis, what they apply to, a limit and an action
-- (block, or warn and require a written justification). Evaluated when a voucher is
-- submitted and again by inspectors (budget.Evaluate).
-- +goose Up
CREATE TABLE norms (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            text NOT NULL CONSTRAINT norms_code_key UNIQUE
                    CONSTRAINT norms_code_shape CHECK (code ~ '^[A-Z0-9][A-Z0-9._-]{1,63}$'),
    name_vi         text NOT NULL CONSTRAINT norms_name_vi_check CHECK (length(name_vi) BETWEEN 1 AND 300),
    name_en         text NOT NULL CONSTRAINT norms_name_en_check CHECK (length(name_en) BETWEEN 1 AND 300),
    legal_document  text NOT NULL CONSTRAINT norms_legal_document_check CHECK (length(legal_document) BETWEEN 1 AND 200),
    legal_article   text NOT NULL CONSTRAINT norms_legal_article_check CHECK (length(legal_article) BETWEEN 1 AND 200),
    norm_group      text NOT NULL CONSTRAINT norms_group_shape CHECK (norm_group ~ '^[a-z0-9_]{1,40}$'),
    priority        smallint NOT NULL DEFAULT 100,
    items           text[] NOT NULL DEFAULT '{}',
    expense_kind    text NOT NULL CONSTRAINT norms_kind_shape CHECK (expense_kind ~ '^[a-z0-9_]{1,40}$'),
    place_class     text NOT NULL DEFAULT '' CONSTRAINT norms_place_shape CHECK (place_class ~ '^[a-z0-9_]{0,40}$'),
    item_kind       text NOT NULL DEFAULT '' CONSTRAINT norms_item_kind_shape CHECK (item_kind ~ '^[a-z0-9_]{0,40}$'),
    min_position_coef numeric(4,2),
    basis           text NOT NULL CONSTRAINT norms_basis_check
                    CHECK (basis IN ('per_day', 'per_person', 'per_person_day', 'per_item', 'per_year', 'per_voucher', 'quantity')),
    limit_amount    numeric(20,0) CONSTRAINT norms_limit_amount_sign CHECK (limit_amount >= 0),
    limit_quantity  numeric(12,3) CONSTRAINT norms_limit_quantity_sign CHECK (limit_quantity >= 0),
    action          text NOT NULL CONSTRAINT norms_action_check CHECK (action IN ('block', 'warn')),
    valid_from      date NOT NULL,
    valid_to        date,
    source          text NOT NULL CONSTRAINT norms_source_check CHECK (length(source) BETWEEN 1 AND 500),
    verified        boolean NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL,
    CONSTRAINT norms_limit_given CHECK ((basis = 'quantity') = (limit_quantity IS NOT NULL)
                                        AND (basis = 'quantity' OR limit_amount IS NOT NULL)),
    CONSTRAINT norms_range CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

GRANT SELECT, INSERT ON norms TO congquy_app;
GRANT UPDATE (valid_to) ON norms TO congquy_app;

-- Idempotency keys of JSON API posts: the same key and body give the stored reply; the
-- same key with another body is a 409. The row is inserted inside the use case's own
-- transaction, so a concurrent duplicate waits on the unique key and never posts twice.
CREATE TABLE idempotency_keys (
    user_id       bigint NOT NULL REFERENCES users (id),
    key           text NOT NULL CONSTRAINT idempotency_keys_key_shape CHECK (key ~ '^[A-Za-z0-9._:-]{8,128}$'),
    request_hash  bytea NOT NULL CONSTRAINT idempotency_keys_hash_check CHECK (length(request_hash) = 32),
    entity        text NOT NULL DEFAULT '',
    entity_id     text NOT NULL DEFAULT '',
    status        smallint,
    response      bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

GRANT SELECT, INSERT ON idempotency_keys TO congquy_app;
GRANT UPDATE (entity, entity_id, status, response) ON idempotency_keys TO congquy_app;

-- +goose Down
DROP TABLE idempotency_keys;
DROP TABLE norms;
