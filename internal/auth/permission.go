package auth

// Permission names one thing a route or use case needs. Every route is registered with
// exactly one (internal/web/routes.go); deny by default.
type Permission string

// Permissions that are not held through roles.
const (
	// PermPublic is for pages anyone may see: sign-in, health checks, static files.
	PermPublic Permission = "public"
	// PermSignedIn is for pages any signed-in user may see (home, own profile).
	PermSignedIn Permission = "signed_in"
)

// Permissions held through roles. Each is exercised within the subtree of the unit the
// role is granted on. The list covers every area; an area adds its routes against these.
const (
	PermUnitsView       Permission = "units.view"       // see units
	PermUnitsManage     Permission = "units.manage"     // create and rename units
	PermUsersManage     Permission = "users.manage"     // create, edit, disable users; assign roles
	PermReferenceView   Permission = "reference.view"   // see codes, charts, norms, rate tables
	PermReferenceManage Permission = "reference.manage" // import and edit reference data
	PermLedgerView      Permission = "ledger.view"      // journal, trial balance, account ledger
	PermLedgerPost      Permission = "ledger.post"      // post manual journal entries and reversals
	PermPeriodsClose    Permission = "periods.close"    // close a month; propose or approve a reopening
	PermAuditView       Permission = "audit.view"       // the audit log and an entity's history
	PermAuditVerify     Permission = "audit.verify"     // run chain verification, take checkpoints
	PermBudgetView      Permission = "budget.view"      // estimates, lines, budget-vs-actual
	PermBudgetDraft     Permission = "budget.draft"     // draft estimates, allotments, adjustments, commitments
	PermBudgetApprove   Permission = "budget.approve"   // approve or reject others' budget drafts
	PermSpendView       Permission = "spend.view"       // expenditure vouchers
	PermSpendDraft      Permission = "spend.draft"      // draft and submit vouchers
	PermSpendApprove    Permission = "spend.approve"    // approve or reject others' vouchers (then posted)
	PermRevenueView     Permission = "revenue.view"     // receipts, case files, remittances
	PermRevenueDraft    Permission = "revenue.draft"    // draft receipts, deposits, payouts, remittances
	PermRevenueApprove  Permission = "revenue.approve"  // approve them
	PermAssetsView      Permission = "assets.view"      // the asset register
	PermAssetsManage    Permission = "assets.manage"    // register, move, revalue assets; propose disposals
	PermAssetsApprove   Permission = "assets.approve"   // approve asset events that move money
	PermInventoryRun    Permission = "inventory.run"    // run inventory campaigns and count
	PermInspectRun      Permission = "inspect.run"      // run inspection checks, re-evaluate norms
	PermFindingsManage  Permission = "findings.manage"  // record and follow findings
	PermFindingsRespond Permission = "findings.respond" // respond to findings on one's unit
)

// rolePermissions says what each role may do (DESIGN.md §1): a finance officer drafts, a
// chief accountant approves, an asset manager keeps assets, an inspector reads everything
// and records findings, an admin keeps users and reference data but never moves money.
var rolePermissions = map[Role][]Permission{
	RoleFinanceOfficer: {PermUnitsView, PermReferenceView, PermLedgerView,
		PermBudgetView, PermBudgetDraft, PermSpendView, PermSpendDraft,
		PermRevenueView, PermRevenueDraft, PermAssetsView, PermFindingsRespond},
	RoleChiefAccountant: {PermUnitsView, PermReferenceView, PermLedgerView, PermLedgerPost, PermPeriodsClose,
		PermBudgetView, PermBudgetApprove, PermSpendView, PermSpendApprove,
		PermRevenueView, PermRevenueApprove, PermAssetsView, PermAssetsApprove, PermFindingsRespond},
	RoleAssetManager: {PermUnitsView, PermReferenceView, PermAssetsView, PermAssetsManage,
		PermInventoryRun, PermFindingsRespond},
	RoleInspector: {PermUnitsView, PermReferenceView, PermLedgerView, PermAuditView, PermAuditVerify,
		PermBudgetView, PermSpendView, PermRevenueView, PermAssetsView,
		PermInspectRun, PermFindingsManage},
	RoleAdmin: {PermUnitsView, PermUnitsManage, PermUsersManage, PermReferenceView,
		PermReferenceManage, PermAuditView},
}

// RoleHas reports whether the role carries the permission.
func RoleHas(r Role, p Permission) bool {
	for _, x := range rolePermissions[r] {
		if x == p {
			return true
		}
	}
	return false
}

// Can reports whether the actor holds the permission on at least one unit. Public and
// signed-in permissions hold for every signed-in actor.
func (a Actor) Can(p Permission) bool {
	if p == PermPublic || p == PermSignedIn {
		return true
	}
	return len(a.Scope(p)) > 0
}

// Scope returns the units on whose subtrees the actor holds the permission: the roots
// that store queries filter by. The acting unit always comes from here, never from the
// request.
func (a Actor) Scope(p Permission) []int64 {
	roots := []int64{} // never nil: nil means "no filter" to store filters
	for _, g := range a.Grants {
		if RoleHas(g.Role, p) {
			roots = append(roots, g.UnitID)
		}
	}
	return roots
}
