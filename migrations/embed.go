// Package migrations holds congquy's schema as numbered goose SQL files, embedded in the
// binary so that `congquy migrate up` needs nothing beside it.
//
// Numbering leaves room per area so that areas can grow independently:
// 00001–00099 foundation (units, users, roles, audit events), 00100 identity,
// 00200 ledger and audit trail, 00300 budget and expenditure, 00400 revenue,
// 00500 assets, 00600 inventory, 00700 inspection.
package migrations

import "embed"

// FS holds the migration files.
//
//go:embed *.sql
var FS embed.FS
