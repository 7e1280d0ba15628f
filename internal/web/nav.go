package web

import (
	"strings"

	"congquy/internal/auth"
)

// navLink is one entry of the main navigation.
type navLink struct {
	Label  string // message id
	Href   string
	Active bool
}

// navItems is the main navigation; an entry shows only to actors holding its permission.
var navItems = []struct {
	label, href string
	perm        auth.Permission
}{
	{"nav.home", "/", auth.PermSignedIn},
	{"nav.units", "/units", auth.PermUnitsView},
	{"nav.users", "/users", auth.PermUsersManage},
	{"nav.ledger", "/ledger/journal", auth.PermLedgerView},
	{"nav.accounts", "/reference/accounts", auth.PermReferenceView},
	{"nav.audit", "/audit", auth.PermAuditView},
	{"nav.budget", "/budget/execution", auth.PermBudgetView},
	{"nav.vouchers", "/vouchers", auth.PermSpendView},
	{"nav.budget_codes", "/budget/codes", auth.PermReferenceView},
}

// nav returns the links the page's actor may follow, the current one marked.
func (s *Server) nav(p page) []navLink {
	var out []navLink
	for _, it := range navItems {
		if it.perm != auth.PermPublic && (p.Actor == nil || !p.Actor.Can(it.perm)) {
			continue
		}
		active := p.Path == it.href || (it.href != "/" && strings.HasPrefix(p.Path, it.href+"/"))
		out = append(out, navLink{Label: it.label, Href: it.href, Active: active})
	}
	return out
}
