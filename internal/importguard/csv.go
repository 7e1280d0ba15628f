package importguard

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"congquy/internal/apperr"
)

// ReadCSV streams a CSV file's records to row, holding one record at a time. It refuses
// (at the first offending record, with its line number) a file over MaxBytes, more than
// MaxRows records, a record of more than MaxCells cells or a cell over MaxCellBytes, a
// NUL byte or a UTF-16 file, and text that is not UTF-8 — such as a line saved in
// Windows-1258 among UTF-8 ones. A UTF-8 byte-order mark is skipped; the delimiter is a
// comma, or a semicolon when the first line has more semicolons than commas (Excel in a
// Vietnamese locale saves with semicolons).
func ReadCSV(r io.Reader, l Limits, row RowFunc) (int, error) {
	l = l.orDefault()
	lim := &limitReader{r: r, left: l.MaxBytes}
	br := bufio.NewReaderSize(lim, 64<<10)
	if err := skipBOM(br); err != nil {
		return 0, err
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	cr.Comma = sniffComma(br)
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if lim.over {
			return rows, errTooLarge(l)
		}
		if err != nil {
			return rows, errCSV(err)
		}
		line, _ := cr.FieldPos(0)
		rows++
		if rows > l.MaxRows {
			return rows - 1, apperr.Newf(apperr.Invalid, "Tệp có quá %d dòng; hãy chia thành nhiều tệp nhỏ hơn. Không dòng nào đã được nhập.",
				"The file has more than %d rows; split it into smaller files. No row was imported.", l.MaxRows).OnField("file")
		}
		if err := checkRecord(rec, line, l); err != nil {
			return rows - 1, err
		}
		if err := row(rows, rec); err != nil {
			return rows, err
		}
	}
}

// checkRecord applies the per-row limits and the encoding rules to one record.
func checkRecord(rec []string, line int, l Limits) error {
	if len(rec) > l.MaxCells {
		return apperr.Newf(apperr.Invalid, "Dòng %d có quá %d ô.", "Line %d has more than %d cells.", line, l.MaxCells).OnField("file")
	}
	for _, c := range rec {
		switch {
		case len(c) > l.MaxCellBytes:
			return apperr.Newf(apperr.Invalid, "Dòng %d có một ô dài quá %d byte.", "Line %d has a cell longer than %d bytes.", line, l.MaxCellBytes).OnField("file")
		case strings.IndexByte(c, 0) >= 0:
			return errBinary()
		case !utf8.ValidString(c):
			return errNotUTF8(line)
		}
	}
	return nil
}

// skipBOM drops a UTF-8 byte-order mark and refuses a UTF-16 one.
func skipBOM(br *bufio.Reader) error {
	head, _ := br.Peek(3)
	switch {
	case bytes.HasPrefix(head, []byte("\xef\xbb\xbf")):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte("\xff\xfe")), bytes.HasPrefix(head, []byte("\xfe\xff")):
		_, err := Sniff(head)
		return err
	}
	return nil
}

// sniffComma picks the delimiter from the first line (or first 64 KiB).
func sniffComma(br *bufio.Reader) rune {
	head, _ := br.Peek(64 << 10)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		return ';'
	}
	return ','
}

// errCSV explains a malformed CSV record.
func errCSV(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return apperr.Newf(apperr.Invalid, "Dòng %d không đúng định dạng CSV (dấu ngoặc kép không khớp?).",
			"Line %d is not well-formed CSV (unbalanced quotes?).", pe.Line).OnField("file").Wrap(err)
	}
	return errUnreadable(err)
}

// limitReader reads at most left bytes and notes whether the source had more.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more than allowed tells an oversize file from one of exactly the limit.
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			l.over = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
