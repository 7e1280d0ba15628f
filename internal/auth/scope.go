package auth

import "slices"

// InScope reports whether the actor holds perm on a unit whose subtree contains unit.
// It uses Subtrees, which the sign-in middleware fills from unit_closure; without them
// (an Actor built by hand) only the granted units themselves count.
func (a Actor) InScope(p Permission, unit int64) bool {
	for _, root := range a.Scope(p) {
		if root == unit || slices.Contains(a.Subtrees[root], unit) {
			return true
		}
	}
	return false
}
