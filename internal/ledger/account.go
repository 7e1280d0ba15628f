package ledger

import "time"

// Account is one version of an account of the chart (hệ thống tài khoản), valid from
// ValidFrom to ValidTo inclusive (nil: still valid). Verified is false where its number or
// name could not be checked against the circular's text; the chart page says so.
type Account struct {
	Code       string     `db:"code" json:"code"`
	ValidFrom  time.Time  `db:"valid_from" json:"valid_from"`
	ValidTo    *time.Time `db:"valid_to" json:"valid_to"`
	ParentCode *string    `db:"parent_code" json:"parent_code"`
	Kind       string     `db:"kind" json:"kind"`
	NameVI     string     `db:"name_vi" json:"name_vi"`
	NameEN     string     `db:"name_en" json:"name_en"`
	Source     string     `db:"source" json:"source"`
	Verified   bool       `db:"verified" json:"verified"`
	Note       string     `db:"note" json:"note"`
}

// Name returns the account's name in the language.
func (a Account) Name(lang string) string {
	if lang == "en" && a.NameEN != "" {
		return a.NameEN
	}
	return a.NameVI
}

// Level is 1 for a first-level account (three digits), 2 for its sub-accounts, and so on.
func (a Account) Level() int {
	if n := len(a.Code) - 2; n > 0 {
		return n
	}
	return 1
}

// ValidOn reports whether this version is in force on the date.
func (a Account) ValidOn(d time.Time) bool {
	return !d.Before(a.ValidFrom) && (a.ValidTo == nil || !d.After(*a.ValidTo))
}

// AccountKinds lists the kinds of account in the chart's order.
var AccountKinds = []string{"asset", "contra_asset", "liability", "net_assets", "revenue", "expense", "result", "off_balance"}
