// Package auth holds who may do what: roles, permissions, and the Actor on whose behalf
// every request and every store write runs. It knows no SQL and no HTTP.
package auth

// Role is a job a user holds in a unit's subtree (DESIGN.md §1).
type Role string

// The roles of congquy.
const (
	RoleFinanceOfficer  Role = "finance_officer"  // kế toán: drafts, never approves its own
	RoleChiefAccountant Role = "chief_accountant" // kế toán trưởng / thủ trưởng: approves others' drafts
	RoleAssetManager    Role = "asset_manager"    // quản lý tài sản: assets and inventory
	RoleInspector       Role = "inspector"        // thanh tra / kiểm toán: reads everything in scope
	RoleAdmin           Role = "admin"            // quản trị: users, units, reference data
)

// Roles lists every role in display order.
var Roles = []Role{RoleFinanceOfficer, RoleChiefAccountant, RoleAssetManager, RoleInspector, RoleAdmin}

// Grant is one role held on one unit; it applies to that unit's whole subtree.
type Grant struct {
	Role   Role  `db:"role" json:"role"`
	UnitID int64 `db:"unit_id" json:"unit_id"`
}

// Actor is who is acting: the signed-in user (from the session, never from the request),
// its unit and grants, and where the request came from. Store methods that write take an
// Actor and record it in the audit event.
type Actor struct {
	UserID    int64 // 0 for the system itself (CLI, demo loader, scheduled jobs)
	Login     string
	UnitID    int64
	Grants    []Grant
	RequestID string
	IP        string
	Lang      string
	// Subtrees maps each granted unit to every unit in its subtree (itself included), as
	// loaded at sign-in, so that InScope needs no SQL.
	Subtrees map[int64][]int64
	// ReadOnly is set for requests made with a read-only API token.
	ReadOnly bool
}

// System returns the actor for work congquy does on its own (migrations, demo data,
// scheduled jobs), named by what it is doing, e.g. "system:demo".
func System(name string) Actor {
	return Actor{Login: "system:" + name}
}

// IsSystem reports whether the actor is congquy itself rather than a user.
func (a Actor) IsSystem() bool { return a.UserID == 0 }

// HasRole reports whether the actor holds the role on any unit.
func (a Actor) HasRole(r Role) bool {
	for _, g := range a.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}
