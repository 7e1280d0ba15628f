package importguard

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"congquy/internal/apperr"
)

// mustRefuse fails unless err is a bilingual Invalid error whose English message
// contains want.
func mustRefuse(t *testing.T, what string, err error, want string) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != apperr.Invalid || e.VI == "" || !strings.Contains(e.EN, want) {
		t.Errorf("%s: %v, want a bilingual refusal containing %q", what, err, want)
	}
}

func TestSniff(t *testing.T) {
	cut := strings.Repeat("a", 511) + "đ" // a two-byte character cut by the 512-byte window
	cases := []struct {
		name, head string
		kind       Kind
		refusal    string
	}{
		{"xlsx", "PK\x03\x04rest", XLSX, ""},
		{"utf-8 csv", "Mã,Tên\nKV1,Phòng khu vực 1\n", CSV, ""},
		{"utf-8 with bom", "\ufeffMã,Tên\n", CSV, ""},
		{"cut character", cut, CSV, ""},
		{"empty", "", "", "empty"},
		{"old xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "", "Excel 97–2003"},
		{"pdf", "%PDF-1.7\n", "", "PDF"},
		{"utf-16le bom", "\xff\xfeM\x00", "", "UTF-16"},
		{"utf-16be bom", "\xfe\xff\x00M", "", "UTF-16"},
		{"utf-16 without bom", "M\x00\xe3\x00,\x00", "", "binary data or is UTF-16"},
		{"executable", "MZ\x90\x00\x03\x00", "", "binary"},
		{"png", "\x89PNG\r\n\x1a\n", "", "not UTF-8"},
		{"windows-1258", "Chi ti\xd2n \xf0i\xd2n\n", "", "Windows-1258"},
		{"empty zip", "PK\x05\x06", "", "not an .xlsx"},
	}
	for _, c := range cases {
		kind, err := Sniff([]byte(c.head))
		if c.refusal == "" {
			if err != nil || kind != c.kind {
				t.Errorf("%s: %q, %v; want %q", c.name, kind, err, c.kind)
			}
			continue
		}
		mustRefuse(t, c.name, err, c.refusal)
	}
}

// memWatch samples the heap while f runs and reports the peak above where it started,
// and the bytes f allocated in all.
func memWatch(f func()) (peak, allocated uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	startAlloc := ms.TotalAlloc
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > base && v-base > peak {
				peak = v - base
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	return peak, ms.TotalAlloc - startAlloc
}

// rowsReader generates a CSV of n data rows (and a header) as it is read, so the test
// never holds the file.
type rowsReader struct {
	n, i int
	buf  []byte
	size int64
}

func (r *rowsReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.i > r.n {
			return 0, io.EOF
		}
		if r.i == 0 {
			r.buf = []byte("stt,mã,diễn giải,số tiền\r\n")
		} else {
			b := strconv.AppendInt(r.buf, int64(r.i), 10)
			b = append(b, ",KV"...)
			b = strconv.AppendInt(b, int64(r.i%97), 10)
			b = append(b, `,"Chi tiền điện, tháng `...)
			b = strconv.AppendInt(b, int64(r.i%12+1), 10)
			b = append(b, `",`...)
			b = strconv.AppendInt(b, int64(r.i)*1000, 10)
			r.buf = append(b, "\r\n"...)
		}
		r.i++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	r.size += int64(n)
	return n, nil
}

// TESTING.md row 24: a 1,000,000-row CSV streams through in bounded memory; one row more
// is refused.
func TestMillionRowCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000,000 rows")
	}
	src := &rowsReader{n: DefaultLimits.MaxRows - 1}
	var rows int
	var err error
	peak, alloc := memWatch(func() {
		rows, err = ReadCSV(src, Limits{}, func(int, []string) error { return nil })
	})
	if err != nil || rows != DefaultLimits.MaxRows {
		t.Fatalf("%d rows, %v", rows, err)
	}
	t.Logf("1,000,000-row CSV (%d MB): peak heap growth %.1f MB, allocated %d MB in all", src.size>>20, float64(peak)/(1<<20), alloc>>20)
	if peak > 16<<20 {
		t.Errorf("peak heap grew by %d MB for a streamed file", peak>>20)
	}
	rows, err = ReadCSV(&rowsReader{n: DefaultLimits.MaxRows}, Limits{}, func(int, []string) error { return nil })
	mustRefuse(t, "1,000,001 rows", err, "more than 1000000 rows")
	if rows != DefaultLimits.MaxRows {
		t.Errorf("refused after %d rows", rows)
	}
}

func TestCSVRefusals(t *testing.T) {
	utf8Lines := strings.Repeat("KV1,Chi tiền điện,1250000\n", 499)
	cases := []struct {
		name, file string
		l          Limits
		refusal    string
	}{
		{"mixed encodings", utf8Lines + "KV2,Chi ti\xd2n \xf0i\xd2n,5\n" + utf8Lines, Limits{}, "Line 500 is not UTF-8"},
		{"utf-16 bom", "\xff\xfeK\x00V\x00", Limits{}, "UTF-16"},
		{"nul byte", "a,b\nc,\x00\n", Limits{}, "binary"},
		{"oversize", strings.Repeat("a,b\n", 1000), Limits{MaxBytes: 1000}, "larger than 1000 B"},
		{"too many cells", strings.Repeat("a,", 300) + "a\n", Limits{}, "more than 200 cells"},
		{"long cell", "a," + strings.Repeat("x", 40<<10) + "\n", Limits{}, "longer than 32768 bytes"},
		{"bad quotes", "a,\"b\n", Limits{}, "not well-formed"},
		{"row cap", strings.Repeat("a\n", 11), Limits{MaxRows: 10}, "more than 10 rows"},
	}
	for _, c := range cases {
		var got int
		_, err := ReadCSV(strings.NewReader(c.file), c.l, func(int, []string) error { got++; return nil })
		mustRefuse(t, c.name, err, c.refusal)
	}
	// Exactly at the limits is accepted; a semicolon file is read with semicolons.
	var cells []string
	rows, err := ReadCSV(strings.NewReader("\ufeffMã;Tên;Số tiền\nKV1;Phòng 1;\"1.250.000\"\n"), Limits{}, func(_ int, c []string) error {
		cells = append(cells, c...)
		return nil
	})
	if err != nil || rows != 2 || strings.Join(cells, "|") != "Mã|Tên|Số tiền|KV1|Phòng 1|1.250.000" {
		t.Errorf("semicolon file: %d rows %q %v", rows, cells, err)
	}
	if _, err := ReadCSV(strings.NewReader(strings.Repeat("a,b\n", 250)), Limits{MaxBytes: 1000, MaxRows: 250}, func(int, []string) error { return nil }); err != nil {
		t.Errorf("file of exactly the limits: %v", err)
	}
}

// zipEntry is one file of a hand-made zip archive.
type zipEntry struct {
	name     string
	data     string // stored compressed as is
	zeros    uint64 // or: this many zero bytes, deflated
	declared uint64 // the uncompressed size the central directory claims (0: the true one)
}

// makeZip builds an archive. Zero-filled entries are deflated by repeating one flushed
// deflate block of 1 MiB of zeros, so a 1 GiB entry costs the test about 1 MB and no
// gigabyte is ever held or compressed: a real zip bomb.
func makeZip(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var chunk bytes.Buffer
	fw, _ := flate.NewWriter(&chunk, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	_, _ = fw.Write(zeros)
	_ = fw.Flush()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if e.zeros == 0 {
			w, err := zw.Create(e.name)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.WriteString(w, e.data)
			continue
		}
		n := e.zeros >> 20
		var body bytes.Buffer
		crc := uint32(0)
		for range n {
			body.Write(chunk.Bytes())
			crc = crc32.Update(crc, crc32.IEEETable, zeros)
		}
		body.WriteString("\x03\x00") // the final, empty block
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, CRC32: crc, CompressedSize64: uint64(body.Len()), UncompressedSize64: n << 20}
		if e.declared > 0 {
			h.UncompressedSize64 = e.declared
		}
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(body.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// workbookParts are the parts that make a zip look like a workbook.
var workbookParts = []zipEntry{
	{name: "[Content_Types].xml", data: `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
	{name: "xl/workbook.xml", data: `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="S" sheetId="1"/></sheets></workbook>`},
}

// TESTING.md row 24: zip bombs and false workbooks are refused from the central
// directory, before anything is inflated; memory stays bounded.
func TestXLSXBombs(t *testing.T) {
	many := append([]zipEntry{}, workbookParts...)
	for i := range 1500 {
		many = append(many, zipEntry{name: fmt.Sprintf("xl/media/%d.bin", i), data: "x"})
	}
	cases := []struct {
		name    string
		file    []byte
		refusal string
	}{
		{"1 GiB sheet", makeZip(t, append(workbookParts, zipEntry{name: "xl/worksheets/sheet1.xml", zeros: 1 << 30})...), "unpack to too much"},
		{"ten 100 MiB sheets", makeZip(t, append(workbookParts, zipEntry{name: "xl/worksheets/sheet1.xml", zeros: 100 << 20},
			zipEntry{name: "a", zeros: 100 << 20}, zipEntry{name: "b", zeros: 100 << 20}, zipEntry{name: "c", zeros: 100 << 20},
			zipEntry{name: "d", zeros: 100 << 20}, zipEntry{name: "e", zeros: 100 << 20}, zipEntry{name: "f", zeros: 100 << 20})...), "unpack to too much"},
		{"2 MiB at 1000:1", makeZip(t, append(workbookParts, zipEntry{name: "xl/worksheets/sheet1.xml", zeros: 2 << 20})...), "unpack to too much"},
		{"1,500 parts", makeZip(t, many...), "too many parts"},
		{"zip without workbook", makeZip(t, zipEntry{name: "readme.txt", data: "hello"}), "not a valid .xlsx"},
		{"truncated zip", makeZip(t, workbookParts...)[:60], "not a valid .xlsx"},
	}
	for _, c := range cases {
		var err error
		peak, alloc := memWatch(func() {
			_, _, err = Read(bytes.NewReader(c.file), int64(len(c.file)), Limits{}, func(int, []string) error {
				t.Errorf("%s: a row was read", c.name)
				return nil
			})
		})
		mustRefuse(t, c.name, err, c.refusal)
		t.Logf("%-22s %8d bytes: refused, peak heap growth %d KB, allocated %d KB", c.name, len(c.file), peak>>10, alloc>>10)
		if alloc > 4<<20 {
			t.Errorf("%s: refusing it allocated %d KB", c.name, alloc>>10)
		}
	}
}

// A bomb that lies about its sizes passes the directory check, but Go's zip reader stops
// inflating at the declared size, so opening it fails with bounded memory.
func TestXLSXBombThatLies(t *testing.T) {
	file := makeZip(t, append(workbookParts, zipEntry{name: "xl/worksheets/sheet1.xml", zeros: 1 << 30, declared: 10_000})...)
	if err := CheckXLSX(bytes.NewReader(file), int64(len(file)), Limits{}); err != nil {
		t.Fatalf("the lie was not believed: %v", err)
	}
	var err error
	peak, alloc := memWatch(func() {
		_, err = ReadXLSX(bytes.NewReader(file), int64(len(file)), Limits{}, func(int, []string) error { return nil })
	})
	t.Logf("lying 1 GiB bomb (%d bytes): %v; peak heap growth %d KB, allocated %d KB", len(file), err, peak>>10, alloc>>10)
	if err == nil {
		t.Error("a sheet that inflates past its declared size was read")
	}
	if alloc > 64<<20 {
		t.Errorf("allocated %d MB", alloc>>20)
	}
}

func TestOversizeAndWrongMagic(t *testing.T) {
	pdf := []byte("%PDF-1.7\n...")
	cases := []struct {
		name    string
		file    []byte
		size    int64
		refusal string
	}{
		{"oversize", []byte("a,b\n"), DefaultLimits.MaxBytes + 1, "larger than 64 MB"},
		{"pdf named .xlsx", pdf, int64(len(pdf)), "PDF"},
		{"old xls", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), 10, "Excel 97–2003"},
		{"gzip", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"), 8, "binary"},
	}
	for _, c := range cases {
		_, _, err := Read(bytes.NewReader(c.file), c.size, Limits{}, func(int, []string) error { return nil })
		mustRefuse(t, c.name, err, c.refusal)
	}
	if err := CheckXLSX(bytes.NewReader(pdf), DefaultLimits.MaxBytes+1, Limits{}); err == nil {
		t.Error("CheckXLSX accepted an oversize file")
	}
}
