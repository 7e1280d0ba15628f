-- +goose Up
-- The journal page lists entries newest first across the units of the reader's scope.
-- With only the per-unit index, PostgreSQL read and sorted every entry of the scope for
-- each page (≈ 195 ms at 500,000 entries); walking this index stops after one page
-- (≈ 0.3 ms). See docs/benchmarks.md, page timings.
CREATE INDEX journal_entries_date_idx ON journal_entries (entry_date DESC, id DESC);

-- +goose Down
DROP INDEX journal_entries_date_idx;
