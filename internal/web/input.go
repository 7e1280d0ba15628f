package web

import (
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
)

// errBadText refuses text that PostgreSQL cannot store and no person types: invalid UTF-8
// and NUL characters. Without it such a query parameter or form field reached a query and
// came back as a server error (found by TestHostileFiltersOnEveryPage).
var errBadText = apperr.New(apperr.Invalid,
	"Yêu cầu có ký tự không hợp lệ (không phải UTF-8 hoặc ký tự NUL).",
	"The request holds characters that are not valid text (not UTF-8, or NUL).")

// refuseBadText checks the query string and, on a form post, the form fields. It runs on
// every route after the body limit, so parsing the form here costs no more than the
// handler's own reading of it.
func refuseBadText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if badValues(c.QueryParams()) {
			return errBadText
		}
		ct := c.Request().Header.Get(echo.HeaderContentType)
		if strings.HasPrefix(ct, echo.MIMEApplicationForm) || strings.HasPrefix(ct, echo.MIMEMultipartForm) {
			form, err := c.FormParams()
			if err != nil {
				return err
			}
			if badValues(form) {
				return errBadText
			}
		}
		return next(c)
	}
}

// badValues reports whether any name or value is invalid UTF-8 or holds a NUL.
func badValues(v url.Values) bool {
	for k, vs := range v {
		if badText(k) {
			return true
		}
		for _, s := range vs {
			if badText(s) {
				return true
			}
		}
	}
	return false
}

func badText(s string) bool { return !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 }

// jsonHasNUL reports whether a JSON text escapes a NUL character (\u0000) in a string:
// an odd number of backslashes before "u0000".
func jsonHasNUL(body []byte) bool {
	s := string(body)
	for i := strings.Index(s, `u0000`); i >= 0; {
		n := 0
		for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		next := strings.Index(s[i+1:], `u0000`)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}
