// Package refdata holds legal reference data as CSV files, each with its source: the
// budget classification code lists and the spending norms. They are embedded in the
// binary and loaded into the database by the store (idempotently) at start and by the
// demo loader; an administrator imports newer sets through the admin pages.
package refdata

import "embed"

// Budget holds the budget classification sets (one folder per set: set.csv describing
// it, codes.csv with its codes) and norms.csv.
//
//go:embed budget
var Budget embed.FS
