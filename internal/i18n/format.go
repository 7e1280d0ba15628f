package i18n

import (
	"strconv"
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh must be known even where the OS has no tz database
)

// Zone is the time zone in which congquy shows dates and times; it stores UTC.
var Zone = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

// Date formats a date as Vietnamese documents write it (dd/mm/yyyy) or ISO for English.
func Date(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if lang == "en" {
		return t.Format("2006-01-02")
	}
	return t.Format("02/01/2006")
}

// DateTime formats an instant in congquy's zone.
func DateTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(Zone)
	if lang == "en" {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("15:04 02/01/2006")
}

// Int formats an integer with the language's thousands separator.
func Int(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	sep := byte('.')
	if lang == "en" {
		sep = ','
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, sep)
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
