// Package importguard is the gate every file a user uploads for import passes before
// congquy reads a row of it (TESTING.md row 24): a size limit, a check of what the bytes
// are (not what the name says), a zip-bomb defence for XLSX that reads the central
// directory before anything is decompressed, a row limit on a streaming reader that never
// holds the file's rows in memory, and text that must be UTF-8. Every refusal is an
// *apperr.Error with code Invalid and a message in Vietnamese and English.
//
// An importer reads with Read (or ReadCSV, ReadXLSX) and does its work inside one
// database transaction, rolling back on any error: rows handed to it before a refusal
// are not an import, so a hostile file never leaves a partial one.
package importguard

import (
	"bytes"
	"io"
	"strconv"
	"unicode/utf8"

	"congquy/internal/apperr"
)

// Kind is what a file is, judged by its bytes.
type Kind string

// The kinds congquy imports.
const (
	CSV  Kind = "csv"
	XLSX Kind = "xlsx"
)

// Limits bound what one import may cost. The zero value of a field means its default.
type Limits struct {
	MaxBytes      int64  // size of the uploaded file
	MaxRows       int    // rows, the header included
	MaxCells      int    // cells in one row
	MaxCellBytes  int    // bytes in one cell
	MaxZipEntries int    // files inside an XLSX
	MaxEntryBytes uint64 // uncompressed bytes of one file inside an XLSX
	MaxZipBytes   uint64 // uncompressed bytes of all files inside an XLSX
	MaxRatio      uint64 // uncompressed ÷ compressed size of one entry over 1 MiB
}

// DefaultLimits are generous for the reference data and statements an agency imports
// (a year's bank statement, a code list) and small for the machine: a 1,000,000-row CSV
// passes, a zip bomb does not.
var DefaultLimits = Limits{
	MaxBytes:      64 << 20,
	MaxRows:       1_000_000,
	MaxCells:      200,
	MaxCellBytes:  32 << 10,
	MaxZipEntries: 1_000,
	MaxEntryBytes: 256 << 20,
	MaxZipBytes:   512 << 20,
	MaxRatio:      200,
}

// orDefault fills the zero fields of l from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxRows > 0 {
		d.MaxRows = l.MaxRows
	}
	if l.MaxCells > 0 {
		d.MaxCells = l.MaxCells
	}
	if l.MaxCellBytes > 0 {
		d.MaxCellBytes = l.MaxCellBytes
	}
	if l.MaxZipEntries > 0 {
		d.MaxZipEntries = l.MaxZipEntries
	}
	if l.MaxEntryBytes > 0 {
		d.MaxEntryBytes = l.MaxEntryBytes
	}
	if l.MaxZipBytes > 0 {
		d.MaxZipBytes = l.MaxZipBytes
	}
	if l.MaxRatio > 0 {
		d.MaxRatio = l.MaxRatio
	}
	return d
}

// RowFunc receives each row: its 1-based number in the file and its cells. The slice is
// reused for the next row; copy what must be kept.
type RowFunc func(n int, cells []string) error

// Read checks the file's size and kind and hands its rows to row: the first worksheet
// of an XLSX, or every record of a CSV. It returns the kind and the number of rows read.
func Read(r io.ReaderAt, size int64, l Limits, row RowFunc) (Kind, int, error) {
	l = l.orDefault()
	if err := checkSize(size, l); err != nil {
		return "", 0, err
	}
	head := make([]byte, 512)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return "", 0, errUnreadable(err)
	}
	kind, err := Sniff(head[:n])
	if err != nil {
		return "", 0, err
	}
	var rows int
	if kind == XLSX {
		rows, err = ReadXLSX(r, size, l, row)
	} else {
		rows, err = ReadCSV(io.NewSectionReader(r, 0, size), l, row)
	}
	return kind, rows, err
}

// magic numbers of files that are neither CSV nor XLSX, with what to tell the user.
var magics = []struct {
	prefix []byte
	vi, en string
}{
	{[]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), "Đây là tệp Excel 97–2003 (.xls) hoặc tệp có mật khẩu. Hãy mở bằng Excel, bỏ mật khẩu và lưu thành .xlsx hoặc CSV UTF-8.",
		"This is an Excel 97–2003 (.xls) or a password-protected file. Open it in Excel, remove the password and save it as .xlsx or CSV UTF-8."},
	{[]byte("%PDF"), "Đây là tệp PDF, không phải bảng tính. Hãy nhập tệp .xlsx hoặc CSV.", "This is a PDF, not a spreadsheet. Import an .xlsx or CSV file."},
	{[]byte("\xff\xfe"), "Tệp được mã hóa UTF-16. Hãy lưu lại thành CSV UTF-8.", "The file is encoded as UTF-16. Save it again as CSV UTF-8."},
	{[]byte("\xfe\xff"), "Tệp được mã hóa UTF-16. Hãy lưu lại thành CSV UTF-8.", "The file is encoded as UTF-16. Save it again as CSV UTF-8."},
	{[]byte("PK"), "Tệp nén này không phải bảng tính .xlsx.", "This archive is not an .xlsx workbook."},
}

// Sniff says what a file is from its first bytes (up to 512 are looked at): XLSX if it
// is a zip archive, CSV if it is UTF-8 text. Anything else is refused with a message that
// says what the file seems to be.
func Sniff(head []byte) (Kind, error) {
	if len(head) > 512 {
		head = head[:512]
	}
	if len(head) == 0 {
		return "", apperr.New(apperr.Invalid, "Tệp trống.", "The file is empty.").OnField("file")
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return XLSX, nil
	}
	for _, m := range magics {
		if bytes.HasPrefix(head, m.prefix) {
			return "", apperr.New(apperr.Invalid, m.vi, m.en).OnField("file")
		}
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "", errBinary()
	}
	// A multi-byte character may be cut at the end of head: only what precedes it counts.
	if cut := lastRuneStart(head); !utf8.Valid(head[:cut]) {
		return "", errNotUTF8(1)
	}
	return CSV, nil
}

// lastRuneStart returns where the last, possibly incomplete, UTF-8 sequence of b starts.
func lastRuneStart(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return i
			}
			break
		}
	}
	return len(b)
}

func checkSize(size int64, l Limits) error {
	if size > l.MaxBytes {
		return errTooLarge(l)
	}
	return nil
}

func errTooLarge(l Limits) error {
	return apperr.Newf(apperr.Invalid, "Tệp lớn hơn %s, mức tối đa của một lần nhập.",
		"The file is larger than %s, the most one import takes.", sizeText(l.MaxBytes)).OnField("file")
}

// sizeText writes a byte count for people: "64 MB", "512 KB", "100 B".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

func errUnreadable(err error) error {
	return apperr.New(apperr.Invalid, "Không đọc được tệp.", "The file cannot be read.").OnField("file").Wrap(err)
}

func errBinary() *apperr.Error {
	return apperr.New(apperr.Invalid, "Tệp không phải văn bản CSV (có ký tự nhị phân hoặc mã hóa UTF-16). Hãy lưu thành CSV UTF-8.",
		"The file is not CSV text (it holds binary data or is UTF-16). Save it as CSV UTF-8.").OnField("file")
}

func errNotUTF8(line int) *apperr.Error {
	return apperr.Newf(apperr.Invalid,
		"Dòng %d không phải văn bản UTF-8 (có thể là Windows-1258, TCVN3 hoặc VNI). Hãy lưu tệp thành “CSV UTF-8” rồi nhập lại; không dòng nào đã được nhập.",
		"Line %d is not UTF-8 text (it may be Windows-1258, TCVN3 or VNI). Save the file as “CSV UTF-8” and import it again; no row was imported.", line).OnField("file")
}
