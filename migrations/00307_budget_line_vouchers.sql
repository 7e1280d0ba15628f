-- Budget-vs-actual shows, per budget line, how many approved and posted vouchers spent on
-- it. It counted them with a subquery over voucher_lines and vouchers, whose cost grew
-- with every voucher ever posted (issue 6, G4). The count is now a running figure on the
-- line, kept by a trigger in the transaction that changes a voucher's status, like the
-- line's spent: +1 on each distinct line of a voucher that becomes approved or posted, −1
-- when it leaves them (a reversal). The application cannot write it; `congquy check`
-- recounts it (budget.line_vouchers).
-- +goose Up
ALTER TABLE budget_lines ADD COLUMN vouchers integer NOT NULL DEFAULT 0
    CONSTRAINT budget_lines_vouchers_nonnegative CHECK (vouchers >= 0);

UPDATE budget_lines l SET vouchers = c.n
FROM (SELECT vl.budget_line_id AS id, count(DISTINCT vl.voucher_id) AS n
      FROM voucher_lines vl JOIN vouchers v ON v.id = vl.voucher_id
      WHERE v.status IN ('approved', 'posted') GROUP BY vl.budget_line_id) c
WHERE l.id = c.id;

-- +goose StatementBegin
-- After a voucher's status changes: the lines it spends on count it, or stop counting it.
-- The approval and the reversal have locked these lines already (in id order), so the
-- update waits for no one.
CREATE FUNCTION vouchers_count_on_lines() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    d integer := (NEW.status IN ('approved', 'posted'))::integer - (OLD.status IN ('approved', 'posted'))::integer;
BEGIN
    IF d <> 0 THEN
        UPDATE budget_lines l SET vouchers = l.vouchers + d
        WHERE l.id IN (SELECT vl.budget_line_id FROM voucher_lines vl WHERE vl.voucher_id = NEW.id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER vouchers_count_on_lines AFTER UPDATE OF status ON vouchers
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION vouchers_count_on_lines();

-- +goose Down
DROP TRIGGER vouchers_count_on_lines ON vouchers;
DROP FUNCTION vouchers_count_on_lines;
ALTER TABLE budget_lines DROP COLUMN vouchers;
