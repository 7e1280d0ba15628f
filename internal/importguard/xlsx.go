package importguard

import (
	"archive/zip"
	"io"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"

	"congquy/internal/apperr"
)

// CheckXLSX reads only the zip central directory of an XLSX file and refuses it, before
// anything is decompressed, when it has more than MaxZipEntries files, a file that
// inflates beyond MaxEntryBytes or MaxRatio times its compressed size, more than
// MaxZipBytes in all, or lacks the parts every workbook has. The declared sizes it checks
// are binding: Go's zip reader fails an entry that inflates beyond its declared size.
func CheckXLSX(r io.ReaderAt, size int64, l Limits) error {
	l = l.orDefault()
	if err := checkSize(size, l); err != nil {
		return err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return errNotXLSX().Wrap(err)
	}
	if len(zr.File) > l.MaxZipEntries {
		return errBomb()
	}
	var total uint64
	parts := map[string]bool{}
	for _, f := range zr.File {
		u, c := f.UncompressedSize64, f.CompressedSize64
		total += u
		if u > l.MaxEntryBytes || total > l.MaxZipBytes || total < u || (u > 1<<20 && u/max(c, 1) > l.MaxRatio) {
			return errBomb()
		}
		if f.Flags&0x1 != 0 {
			return apperr.New(apperr.Invalid, "Bảng tính được mã hóa; hãy bỏ mật khẩu rồi nhập lại.",
				"The workbook is encrypted; remove the password and import it again.").OnField("file")
		}
		parts[strings.ToLower(f.Name)] = true
	}
	if !parts["[content_types].xml"] || !parts["xl/workbook.xml"] {
		return errNotXLSX()
	}
	return nil
}

// ReadXLSX checks the file with CheckXLSX, then streams the rows of its first worksheet
// to row as raw cell values (an amount comes as the digits the file holds, never through
// a float), refusing more than MaxRows rows, MaxCells cells in a row or MaxCellBytes in
// a cell.
func ReadXLSX(r io.ReaderAt, size int64, l Limits, row RowFunc) (int, error) {
	l = l.orDefault()
	if err := CheckXLSX(r, size, l); err != nil {
		return 0, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    int64(min(l.MaxZipBytes, math.MaxInt64)),
		UnzipXMLSizeLimit: int64(min(l.MaxEntryBytes, 16<<20)), // larger parts go to a temporary file, not memory
	})
	if err != nil {
		return 0, errNotXLSX().Wrap(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return 0, errNotXLSX()
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return 0, errNotXLSX().Wrap(err)
	}
	defer it.Close()
	rows := 0
	for it.Next() {
		rows++
		if rows > l.MaxRows {
			return rows - 1, apperr.Newf(apperr.Invalid, "Bảng tính có quá %d dòng; hãy chia thành nhiều tệp nhỏ hơn. Không dòng nào đã được nhập.",
				"The worksheet has more than %d rows; split it into smaller files. No row was imported.", l.MaxRows).OnField("file")
		}
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return rows - 1, errNotXLSX().Wrap(err)
		}
		if err := checkRecord(cells, rows, l); err != nil {
			return rows - 1, err
		}
		if err := row(rows, cells); err != nil {
			return rows, err
		}
	}
	if err := it.Error(); err != nil {
		return rows, errNotXLSX().Wrap(err)
	}
	return rows, nil
}

func errNotXLSX() *apperr.Error {
	return apperr.New(apperr.Invalid, "Tệp không phải bảng tính .xlsx hợp lệ. Hãy mở bằng Excel và lưu lại thành .xlsx.",
		"The file is not a valid .xlsx workbook. Open it in Excel and save it again as .xlsx.").OnField("file")
}

func errBomb() *apperr.Error {
	return apperr.New(apperr.Invalid, "Bảng tính giải nén ra quá lớn hoặc có quá nhiều phần; congquy không mở tệp này.",
		"The workbook would unpack to too much data or has too many parts; congquy does not open it.").OnField("file")
}
