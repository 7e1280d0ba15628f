package export

import (
	"encoding/csv"
	"io"
)

// utf8BOM starts every CSV file, so that Excel reads Vietnamese text as UTF-8.
const utf8BOM = "\ufeff"

// CSV writes rows of cells as comma-separated values: UTF-8 with a byte-order mark,
// CRLF line ends, quoted where needed (RFC 4180), text neutralised, amounts as plain
// digits with a leading "-" when negative.
type CSV struct {
	w       io.Writer
	cw      *csv.Writer
	started bool
	cells   []string
}

// NewCSV returns a CSV writer on w. Call Flush at the end.
func NewCSV(w io.Writer) *CSV {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &CSV{w: w, cw: cw}
}

// AddHeader writes a row of column titles (text cells).
func (c *CSV) AddHeader(titles ...string) error {
	cells := make([]Cell, len(titles))
	for i, t := range titles {
		cells[i] = Text(t)
	}
	return c.AddRow(cells...)
}

// AddRow writes one row.
func (c *CSV) AddRow(cells ...Cell) error {
	if !c.started {
		c.started = true
		if _, err := io.WriteString(c.w, utf8BOM); err != nil {
			return err
		}
	}
	c.cells = c.cells[:0]
	for _, cell := range cells {
		c.cells = append(c.cells, cell.String())
	}
	return c.cw.Write(c.cells)
}

// Flush writes what is buffered and reports any error of the writes so far.
func (c *CSV) Flush() error {
	c.cw.Flush()
	return c.cw.Error()
}
