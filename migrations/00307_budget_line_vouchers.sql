-- Budget-vs-actual shows, per budget line, how many approved and posted vouchers spent on
-- it. It counted them with a subquery over voucher_lines and vouchers, whose cost grew
-- with every voucher ever posted (issue 6, G4). The count is now a running figure on the
-- line, like its spent, moved in the same statement as spent: +1 on each distinct line of
-- a voucher when it is approved (and posted), −1 when it is reversed. `congquy check`
-- recounts it (budget.line_vouchers); it can never go below zero.
-- +goose Up
ALTER TABLE budget_lines ADD COLUMN vouchers integer NOT NULL DEFAULT 0
    CONSTRAINT budget_lines_vouchers_nonnegative CHECK (vouchers >= 0);

UPDATE budget_lines l SET vouchers = c.n
FROM (SELECT vl.budget_line_id AS id, count(DISTINCT vl.voucher_id) AS n
      FROM voucher_lines vl JOIN vouchers v ON v.id = vl.voucher_id
      WHERE v.status IN ('approved', 'posted') GROUP BY vl.budget_line_id) c
WHERE l.id = c.id;

GRANT UPDATE (vouchers) ON budget_lines TO congquy_app;

-- +goose Down
ALTER TABLE budget_lines DROP COLUMN vouchers;
