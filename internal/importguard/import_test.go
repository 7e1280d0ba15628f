package importguard

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"congquy/internal/export"
	"congquy/internal/money"
	"congquy/internal/testdb"
)

// importer is the shape every congquy import takes: one transaction, every row checked
// and inserted, any refusal rolls everything back.
func importer(db *sql.DB, l Limits) func(file []byte) (int, error) {
	return func(file []byte) (int, error) {
		ctx := context.Background()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		defer tx.Rollback()
		_, rows, err := Read(bytes.NewReader(file), int64(len(file)), l, func(n int, cells []string) error {
			if n == 1 {
				return nil // the header
			}
			if len(cells) < 2 {
				return fmt.Errorf("row %d: %d cells", n, len(cells))
			}
			amount, err := money.Parse(cells[1])
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO imported (code, amount) VALUES ($1, $2)`, cells[0], amount)
			return err
		})
		if err != nil {
			return rows, err
		}
		return rows, tx.Commit()
	}
}

// TESTING.md row 24: no hostile file leaves a partial import; files congquy exports
// import back exactly.
func TestNoPartialImports(t *testing.T) {
	db, err := sql.Open("postgres", testdb.New(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE imported (code text NOT NULL, amount numeric(20,0) NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	count := func() (n int, sum string) {
		if err := db.QueryRow(`SELECT count(*), coalesce(sum(amount), 0)::text FROM imported`).Scan(&n, &sum); err != nil {
			t.Fatal(err)
		}
		return n, sum
	}
	run := importer(db, Limits{MaxRows: 1000})

	lines := func(n int, bad int, badLine string) []byte {
		var b strings.Builder
		b.WriteString("mã,số tiền\n")
		for i := 2; i <= n; i++ {
			if i == bad {
				b.WriteString(badLine)
				continue
			}
			fmt.Fprintf(&b, "KV%d,%d\n", i, i*1000)
		}
		return []byte(b.String())
	}
	hostile := map[string][]byte{
		"mixed encodings at line 500": lines(900, 500, "KV500,Chi ti\xd2n \xf0i\xd2n\n"),
		"1,001 rows, cap 1,000":       lines(1001, 0, ""),
		"fractional đồng at line 700": lines(900, 700, "KV700,12.5\n"),
		"NUL at line 800":             lines(900, 800, "KV\x00,1\n"),
		"lying zip bomb":              makeZip(t, append(workbookParts, zipEntry{name: "xl/worksheets/sheet1.xml", zeros: 1 << 30, declared: 10_000})...),
		"utf-16":                      append([]byte("\xff\xfe"), bytes.Repeat([]byte("a\x00,\x001\x00\n\x00"), 100)...),
	}
	partial := 0
	for name, file := range hostile {
		rows, err := run(file)
		if err == nil {
			t.Errorf("%s: imported %d rows", name, rows)
		}
		if n, _ := count(); n != 0 {
			partial++
			t.Errorf("%s: %d rows stayed after the refusal (%v)", name, n, err)
		}
		t.Logf("%-28s refused after %4d rows read: %v", name, rows, err)
	}
	t.Logf("hostile files: %d, partial imports: %d", len(hostile), partial)

	// What congquy exports, congquy imports, amounts exact.
	var want money.VND
	var csvBuf, xlsxBuf bytes.Buffer
	w := export.NewCSV(&csvBuf)
	sh, err := export.NewSheet("Nhập")
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	_ = w.AddHeader("mã", "số tiền")
	_ = sh.AddHeader("mã", "số tiền")
	for i, s := range []string{"99999999999999999999", "-99999999999999999999", "9007199254740993", "0", "-1", "1234567"} {
		v := money.MustParse(s)
		want = want.Add(v)
		cells := []export.Cell{export.Text(fmt.Sprintf("=KV%d", i)), export.Money(v)}
		_ = w.AddRow(cells...)
		_ = sh.AddRow(cells...)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := sh.WriteTo(&xlsxBuf); err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string][]byte{"csv": csvBuf.Bytes(), "xlsx": xlsxBuf.Bytes()} {
		if _, err := db.Exec(`TRUNCATE imported`); err != nil {
			t.Fatal(err)
		}
		if _, err := run(file); err != nil {
			t.Fatalf("%s export does not import back: %v", name, err)
		}
		if n, sum := count(); n != 6 || sum != want.String() {
			t.Errorf("%s: %d rows summing to %s, want 6 summing to %s", name, n, sum, want)
		}
		var code string
		_ = db.QueryRow(`SELECT min(code) FROM imported`).Scan(&code)
		if code != "'=KV0" {
			t.Errorf("%s: neutralised text read back as %q", name, code)
		}
	}
}
