package auth

import "congquy/internal/apperr"

// CheckMakerChecker enforces maker-checker (DESIGN.md §4) for one approval: approver may
// approve a draft of recordUnit with perm only if it did not draft the record itself and
// holds perm on a unit whose subtree contains recordUnit (Actor.InScope).
//
// The database holds the first half as a constraint (CHECK (approved_by <> drafted_by));
// see docs/architecture.md, "Maker-checker".
func CheckMakerChecker(approver Actor, draftedBy int64, recordUnit int64, perm Permission) error {
	if approver.UserID == 0 || approver.UserID == draftedBy {
		return apperr.New(apperr.Forbidden,
			"Người lập không được tự phê duyệt; cần một người khác có thẩm quyền phê duyệt.",
			"The author of a draft cannot approve it; another user with approval rights must.")
	}
	if !approver.InScope(perm, recordUnit) {
		return apperr.New(apperr.Forbidden,
			"Bạn không có quyền phê duyệt hồ sơ của đơn vị này.",
			"You may not approve drafts of this unit.")
	}
	return nil
}
