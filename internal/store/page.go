package store

import (
	"strings"

	"github.com/lib/pq"
)

// Page selects one page of a long list. Number counts from 1.
type Page struct {
	Number int
	Size   int
}

// MaxPageSize bounds how many rows one request may ask for.
const MaxPageSize = 200

// CountCap is where the counts of the longest lists (the journal) stop: a total above it
// is shown as "more than CountCap", so that counting never costs more than the page.
const CountCap = 10_000

// MaxPageNumber bounds the page a request may ask for, so that the offset cannot
// overflow (?page=9223372036854775807 was a server error); no list is that long.
const MaxPageNumber = 10_000_000

// limits returns LIMIT and OFFSET for the page, with defaults and bounds applied.
func (p Page) limits() (int, int) {
	size := p.Size
	if size <= 0 {
		size = 50
	}
	if size > MaxPageSize {
		size = MaxPageSize
	}
	n := min(p.Number, MaxPageNumber)
	if n < 1 {
		n = 1
	}
	return size, (n - 1) * size
}

// escapeLike escapes the LIKE wildcards in a user's search text.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func pqInt64s(ids []int64) any { return pq.Array(ids) }
