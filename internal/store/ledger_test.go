package store_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/ledger"
	"congquy/internal/money"
	"congquy/internal/store"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func ln(acct string, dr, cr int64) ledger.Line {
	return ledger.Line{Account: acct, Debit: money.FromInt64(dr), Credit: money.FromInt64(cr)}
}

// mustUser inserts a user with a role on unitID (as the owner: the identity area owns
// user management) and returns the actor.
func mustPost(t *testing.T, st *store.Store, unit int64, date time.Time, lines ...ledger.Line) ledger.Posted {
	t.Helper()
	p, err := st.PostManualEntry(context.Background(), auth.System("test"), ledger.Entry{UnitID: unit, Date: date, Memo: "test", Lines: lines})
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	return p
}

func TestPostAndTrialBalance(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	dept := mustUnit(t, st, nil, "D")
	office := mustUnit(t, st, &dept.ID, "O1")
	mustPost(t, st, office.ID, day(2026, 2, 10), ln("112", 1_000_000, 0), ln("3371", 0, 1_000_000))
	mustPost(t, st, office.ID, day(2026, 3, 5), ln("611", 250_000, 0), ln("112", 0, 250_000), ln("008", 0, 250_000))
	mustPost(t, st, dept.ID, day(2026, 3, 6), ln("611", 1, 0), ln("111", 0, 1))

	tb, err := st.TrialBalanceOf(ctx, nil, dept.ID, day(2026, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range tb.Rows {
		got[r.Account] = r.Opening.String() + "/" + r.Debit.String() + "/" + r.Credit.String() + "/" + r.Closing().String()
	}
	want := map[string]string{"112": "1000000/0/250000/750000", "3371": "-1000000/0/0/-1000000",
		"611": "0/250001/0/250001", "111": "0/0/1/-1", "008": "0/0/250000/-250000"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("account %s: %s, want %s", k, got[k], v)
		}
	}
	openDr, openCr, dr, cr, closeDr, closeCr := tb.Totals()
	if !openDr.Equal(openCr) || !dr.Equal(cr) || !closeDr.Equal(closeCr) {
		t.Errorf("totals do not balance: %s %s %s %s %s %s", openDr, openCr, dr, cr, closeDr, closeCr)
	}
	al, err := st.AccountLedgerOf(ctx, nil, office.ID, "112", day(2026, 3, 1), store.Page{})
	if err != nil || al.Total != 1 || !al.Opening.Equal(money.FromInt64(1_000_000)) || !al.Lines[0].Balance.Equal(money.FromInt64(750_000)) {
		t.Fatalf("account ledger %+v, %v", al, err)
	}
	rows, n, err := st.ListJournal(ctx, store.JournalFilter{Within: []int64{office.ID}, Account: "611"})
	if err != nil || n != 1 || rows[0].UnitCode != "O1" {
		t.Fatalf("journal %+v %d %v", rows, n, err)
	}
	mustNoViolations(t, st)
}

func TestPostRefusals(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	u := mustUnit(t, st, nil, "D")
	sys := auth.System("test")
	post := func(date time.Time, lines ...ledger.Line) error {
		_, err := st.PostManualEntry(ctx, sys, ledger.Entry{UnitID: u.ID, Date: date, Memo: "x", Lines: lines})
		return err
	}
	if err := post(day(2026, 3, 1), ln("611", 100, 0), ln("112", 0, 99)); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("unbalanced: %v", err)
	}
	err := post(day(2026, 3, 1), ln("619", 100, 0), ln("112", 0, 100))
	if !apperr.Is(err, apperr.Invalid) || !strings.Contains(err.Error(), "619") {
		t.Errorf("unknown account: %v", err)
	}
	if err := post(day(2024, 3, 1), ln("611", 100, 0), ln("112", 0, 100)); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("account not yet valid (chart from 2025): %v", err)
	}
	if _, err := st.ClosePeriod(ctx, sys, u.ID, day(2026, 3, 1)); err != nil {
		t.Fatal(err)
	}
	err = post(day(2026, 3, 31), ln("611", 100, 0), ln("112", 0, 100))
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.PeriodClosed || !strings.Contains(e.VI, "03/2026") || !strings.Contains(e.VI, "Đơn vị D") || !strings.Contains(e.EN, "Unit D") {
		t.Fatalf("closed period: %#v", err)
	}
	if _, err := st.ClosePeriod(ctx, sys, u.ID, day(2026, 3, 1)); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("close twice: %v", err)
	}
	if err := post(day(2026, 4, 1), ln("611", 100, 0), ln("112", 0, 100)); err != nil {
		t.Errorf("open period: %v", err)
	}
	mustNoViolations(t, st)
}

// The database holds the rules even when Go is bypassed: an unbalanced entry, a line
// with both sides, lines added to an entry of another transaction.
func TestDatabaseHoldsTheRules(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	u := mustUnit(t, st, nil, "D")
	p := mustPost(t, st, u.ID, day(2026, 3, 1), ln("611", 100, 0), ln("112", 0, 100))
	db := st.DB()
	exec := func(stmts ...string) error {
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return tx.Commit()
	}
	uid := itoa(u.ID)
	entry := func(lines string) string {
		return `WITH e AS (INSERT INTO journal_entries (unit_id, entry_date, period, memo, source_type, posted_by, total)
			VALUES (` + uid + `, '2026-03-02', '2026-03-01', 'x', 'manual', 'x', 100) RETURNING id)
			INSERT INTO journal_lines (entry_id, line_no, unit_id, period, account_code, off_balance, debit, credit)
			SELECT e.id, l.* FROM e, (VALUES ` + lines + `) l`
	}
	l := func(no int, acct string, dr, cr int) string {
		return "(" + itoa(int64(no)) + "::smallint, " + uid + "::bigint, '2026-03-01'::date, '" + acct + "', false, " + itoa(int64(dr)) + "::numeric, " + itoa(int64(cr)) + "::numeric)"
	}
	cases := map[string][]string{
		"journal_entries_balanced":       {entry(l(1, "611", 100, 0) + ", " + l(2, "112", 0, 99))},
		"journal_lines_one_side":         {entry(l(1, "611", 100, 100) + ", " + l(2, "112", 0, 0))},
		"journal_lines_same_transaction": {`INSERT INTO journal_lines (entry_id, line_no, unit_id, period, account_code, off_balance, debit, credit) VALUES (` + itoa(p.ID) + `, 9, ` + uid + `, '2026-03-01', '611', false, 5, 0)`},
		"journal_entries_balanced ":      {`INSERT INTO journal_entries (unit_id, entry_date, period, memo, source_type, posted_by, total) VALUES (` + uid + `, '2026-03-02', '2026-03-01', 'x', 'manual', 'x', 0)`},
	}
	for name, stmts := range cases {
		err := exec(stmts...)
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) {
			t.Errorf("%s: accepted (%v)", name, err)
			continue
		}
		if pqErr.Constraint != strings.TrimSpace(name) {
			t.Errorf("%s: refused by %q: %v", name, pqErr.Constraint, err)
		}
	}
	mustNoViolations(t, st)
}

func TestReverseOnce(t *testing.T) {
	st, owner := mustStore(t)
	ctx := context.Background()
	u := mustUnit(t, st, nil, "D")
	chief := mustUser(t, owner, u.ID, "chief", auth.RoleChiefAccountant)
	p := mustPost(t, st, u.ID, day(2026, 3, 1), ln("611", 100, 0), ln("112", 0, 100))
	var wg sync.WaitGroup
	var ok, conflicts atomic.Int32
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := st.ReverseEntry(ctx, chief, p.ID, day(2026, 3, 2), "sai tài khoản")
			switch {
			case err == nil:
				ok.Add(1)
			case apperr.Is(err, apperr.Conflict):
				conflicts.Add(1)
			default:
				t.Errorf("reverse: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 || conflicts.Load() != 7 {
		t.Fatalf("reversals accepted %d, conflicts %d", ok.Load(), conflicts.Load())
	}
	d, err := st.EntryByID(ctx, nil, p.ID)
	if err != nil || d.ReversedBy == nil {
		t.Fatalf("original %+v %v", d, err)
	}
	if _, err := st.ReverseEntry(ctx, chief, *d.ReversedBy, day(2026, 3, 2), ""); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("reversing a reversal: %v", err)
	}
	other := mustUnit(t, st, nil, "E")
	q := mustPost(t, st, other.ID, day(2026, 3, 1), ln("611", 100, 0), ln("112", 0, 100))
	if _, err := st.ReverseEntry(ctx, chief, q.ID, day(2026, 3, 2), ""); !apperr.Is(err, apperr.NotFound) {
		t.Errorf("reversing another unit's entry: %v", err)
	}
	mustNoViolations(t, st)
}

// TESTING.md row 11: the application role cannot change or remove ledger or audit rows.
func TestImmutability(t *testing.T) {
	st, owner := mustStore(t)
	ctx := context.Background()
	u := mustUnit(t, st, nil, "D")
	mustPost(t, st, u.ID, day(2026, 3, 1), ln("611", 100, 0), ln("112", 0, 100))
	if _, err := st.ClosePeriod(ctx, auth.System("test"), u.ID, day(2026, 3, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SealAudit(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	mustCheckpoint(t, st)
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO audit_verifications (started_at, actor_login, ok, events, chains, checkpoints, unsealed_old)
		VALUES (now(), 'x', true, 0, 0, 0, 0)`); err != nil {
		t.Fatal(err)
	}
	tables := []string{"journal_entries", "journal_lines", "account_balances", "audit_events", "audit_seals",
		"audit_checkpoints", "audit_verifications", "period_acts"}
	ownerDB := mustOwner(t, owner)
	// The owner may move running totals (the posting trigger runs as it) and decide acts.
	ownerMayUpdate := map[string]bool{"account_balances": true, "period_acts": true}
	for _, tbl := range tables {
		for _, stmt := range []string{
			"UPDATE " + tbl + " SET " + columnOf[tbl] + " = " + columnOf[tbl],
			"DELETE FROM " + tbl,
			"TRUNCATE " + tbl + " CASCADE",
		} {
			if _, err := st.DB().ExecContext(ctx, stmt); err == nil {
				t.Errorf("app role: %s succeeded", stmt)
			}
			if strings.HasPrefix(stmt, "UPDATE") && ownerMayUpdate[tbl] {
				continue
			}
			if _, err := ownerDB.ExecContext(ctx, stmt); err == nil {
				t.Errorf("owner: %s succeeded", stmt)
			}
		}
	}
}

// columnOf names a column of each table for the UPDATE attempts.
var columnOf = map[string]string{
	"journal_entries": "memo", "journal_lines": "memo", "account_balances": "debit", "audit_events": "action",
	"audit_seals": "chain", "audit_checkpoints": "reason", "audit_verifications": "ok", "period_acts": "reason",
}

// TESTING.md row 12: 64 posters while the period closes: nothing is accepted into the
// closed period after the close commits.
func TestPeriodCloseRace(t *testing.T) {
	st, _ := mustStore(t)
	ctx := context.Background()
	u := mustUnit(t, st, nil, "D")
	sys := auth.System("test")
	march := day(2026, 3, 1)
	var closed atomic.Bool
	var accepted, refused, bad atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := st.PostManualEntry(ctx, sys, ledger.Entry{UnitID: u.ID, Date: day(2026, 3, 15), Memo: "race",
					Lines: []ledger.Line{ln("611", 1, 0), ln("112", 0, 1)}})
				switch {
				case err == nil:
					accepted.Add(1)
				case apperr.Is(err, apperr.PeriodClosed):
					refused.Add(1)
				default:
					bad.Add(1)
					t.Errorf("post: %v", err)
					return
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	if _, err := st.ClosePeriod(ctx, sys, u.ID, march); err != nil {
		t.Fatal(err)
	}
	closed.Store(true)
	countAt := countEntries(t, st, u.ID, march)
	for refused.Load() < 500 && bad.Load() == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	after := countEntries(t, st, u.ID, march)
	t.Logf("accepted %d before the close, %d refused after it", accepted.Load(), refused.Load())
	if after != countAt {
		t.Fatalf("%d postings accepted into the closed period", after-countAt)
	}
	if int64(after) != accepted.Load() {
		t.Fatalf("entries %d, accepted %d", after, accepted.Load())
	}
	mustNoViolations(t, st)
}

func countEntries(t *testing.T, st *store.Store, unit int64, month time.Time) int {
	t.Helper()
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM journal_entries WHERE unit_id = $1 AND period = $2`, unit, month); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReopenMakerChecker(t *testing.T) {
	st, owner := mustStore(t)
	ctx := context.Background()
	u := mustUnit(t, st, nil, "D")
	a := mustUser(t, owner, u.ID, "chief.a", auth.RoleChiefAccountant)
	b := mustUser(t, owner, u.ID, "chief.b", auth.RoleChiefAccountant)
	march := day(2026, 3, 1)
	if _, err := st.ClosePeriod(ctx, a, u.ID, march); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ProposeReopen(ctx, a, u.ID, march, ""); !apperr.Is(err, apperr.Invalid) {
		t.Errorf("reopen without a reason: %v", err)
	}
	act, err := st.ProposeReopen(ctx, a, u.ID, march, "quên hạch toán hóa đơn điện")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ProposeReopen(ctx, b, u.ID, march, "again"); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("second proposal: %v", err)
	}
	if _, err := st.DecideReopen(ctx, a, act.ID, true); !apperr.Is(err, apperr.Forbidden) {
		t.Errorf("self-approval: %v", err)
	}
	if _, err := st.DecideReopen(ctx, b, act.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DecideReopen(ctx, b, act.ID, true); !apperr.Is(err, apperr.Conflict) {
		t.Errorf("decide twice: %v", err)
	}
	mustPost(t, st, u.ID, day(2026, 3, 20), ln("611", 5, 0), ln("112", 0, 5))
	months, err := st.ListPeriods(ctx, nil, u.ID, 2026)
	if err != nil || len(months) != 12 || months[2].Closed() || months[2].Entries != 1 {
		t.Fatalf("periods %+v %v", months, err)
	}
	// The database refuses a self-approval even if Go did not.
	db := mustOwner(t, owner)
	act2, err := st.ClosePeriod(ctx, a, u.ID, march)
	if err != nil {
		t.Fatal(err)
	}
	_ = act2
	p2, err := st.ProposeReopen(ctx, a, u.ID, march, "lần hai")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`UPDATE period_acts SET status = 'approved', decided_by = proposed_by WHERE id = $1`, p2.ID)
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Constraint != "period_acts_maker_checker" {
		t.Errorf("database self-approval: %v", err)
	}
	mustNoViolations(t, st)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The journal's count stops at CountCap + 1, and its pages come newest first from the
// date index whatever the size of the journal.
func TestJournalCountIsCapped(t *testing.T) {
	st, owner := mustStore(t)
	ctx := context.Background()
	office := mustUnit(t, st, nil, "J")
	mustPost(t, st, office.ID, day(2026, 3, 5), ln("611", 7, 0), ln("112", 0, 7))
	db := sqlx.MustOpen("postgres", owner)
	defer db.Close()
	tx := db.MustBegin()
	tx.MustExec(`SET LOCAL session_replication_role = replica`) // bulk rows without the posting triggers
	tx.MustExec(`INSERT INTO journal_entries (unit_id, entry_date, period, memo, source_type, posted_by, total)
		SELECT $1, date '2026-01-01' + g % 60, date_trunc('month', date '2026-01-01' + g % 60), 'bulk', 'manual', 'test', 1
		FROM generate_series(1, $2) g`, office.ID, store.CountCap+500)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	rows, n, err := st.ListJournal(ctx, store.JournalFilter{Within: []int64{office.ID}, Page: store.Page{Number: 1, Size: 20}})
	if err != nil {
		t.Fatal(err)
	}
	if n != store.CountCap+1 {
		t.Errorf("count %d, want the cap + 1 (%d)", n, store.CountCap+1)
	}
	if len(rows) != 20 || rows[0].Memo == "bulk" || !rows[0].EntryDate.Equal(day(2026, 3, 5)) {
		t.Errorf("first page does not start with the newest entry: %+v", rows[0])
	}
	if _, n, err = st.ListJournal(ctx, store.JournalFilter{Within: []int64{office.ID}, Page: store.Page{Size: 20}, Account: "611"}); err != nil || n != 1 {
		t.Errorf("filtered count %d, %v", n, err)
	}
}
