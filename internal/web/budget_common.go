package web

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/budget"
	"congquy/internal/i18n"
	"congquy/internal/money"
	"congquy/internal/org"
	"congquy/internal/store"
)

// actorFor returns the signed-in actor; the guard has already refused anonymous requests
// on every route that needs one.
func actorFor(c echo.Context) auth.Actor {
	if a := actorOf(c); a != nil {
		return *a
	}
	return auth.Actor{}
}

// withRequest returns the actor with the request's id and client address, for the audit
// trail.
func withRequest(c echo.Context) auth.Actor {
	a := actorFor(c)
	a.RequestID, a.IP, a.Lang = reqID(c), c.RealIP(), langOf(c)
	return a
}

// pathID reads the positive id in the path parameter name.
func pathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "Không tìm thấy.", "Not found.")
	}
	return id, nil
}

// intValue reads an optional integer form or query value; "" gives def.
func intValue(s string, def int) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return def
	}
	return n
}

// int64Value reads an optional id; "" or garbage gives 0.
func int64Value(s string) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// dateValue reads a date typed as yyyy-mm-dd (the date input) or dd/mm/yyyy.
func dateValue(s, field string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, apperr.New(apperr.Invalid, "Ngày không hợp lệ (dd/mm/yyyy).", "The date is not valid (yyyy-mm-dd).").OnField(field)
}

// optionalDate reads a date that may be left empty.
func optionalDate(s, field string) (*time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	t, err := dateValue(s, field)
	return &t, err
}

// amountValue reads an amount in đồng; field names the form field in the error.
func amountValue(s, field string) (money.VND, error) {
	v, err := money.Parse(s)
	if err != nil {
		if e, ok := apperr.As(err); ok {
			return v, e.OnField(field)
		}
	}
	return v, err
}

// decimalValue reads a small decimal quantity (days, coefficient); "" is 0.
func decimalValue(s, field string) (decimal.Decimal, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	if s == "" {
		return decimal.Zero, nil
	}
	if len(s) > 16 {
		return decimal.Zero, apperr.New(apperr.Invalid, "Số quá dài.", "The number is too long.").OnField(field)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Zero, apperr.New(apperr.Invalid, "Số không hợp lệ.", "Not a valid number.").OnField(field)
	}
	return d, nil
}

// yearParam reads ?year=, defaulting to the current year.
func (s *Server) yearParam(c echo.Context) int {
	y := intValue(c.QueryParam("year"), s.now().Year())
	if y < 2000 || y > 2200 {
		y = s.now().Year()
	}
	return y
}

// scopeUnits returns the units the actor may act on with the permission, in tree order.
func (s *Server) scopeUnits(ctx context.Context, a auth.Actor, p auth.Permission) ([]org.Unit, error) {
	scope := a.Scope(p)
	if len(scope) == 0 {
		return nil, nil
	}
	units, _, err := s.store.ListUnits(ctx, store.UnitFilter{Within: scope, Page: store.Page{Size: store.MaxPageSize}})
	return units, err
}

// formProblem is a validation error shown on the form it came from, with the input kept.
type formProblem struct {
	Message string
	Field   string
}

// asFormProblem turns an error a user can fix into a form problem; other errors are
// returned for the error handler.
func asFormProblem(err error, lang string) (*formProblem, error) {
	e, ok := apperr.As(err)
	if !ok || (e.Code != apperr.Invalid && e.Code != apperr.InsufficientBudget && e.Code != apperr.Conflict && e.Code != apperr.Forbidden) {
		return nil, err
	}
	return &formProblem{Message: e.Message(lang), Field: e.Field}, nil
}

// redirectWith redirects after a successful POST with a flash message.
func redirectWith(c echo.Context, to, kind, text string) error {
	setFlash(c, kind, text)
	return c.Redirect(http.StatusSeeOther, to)
}

// statusFor maps a form problem to the status of the page that shows it.
func statusFor(err error) int {
	if e, ok := apperr.As(err); ok {
		if st, ok := statusOf[e.Code]; ok {
			return st
		}
	}
	return http.StatusUnprocessableEntity
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// The template helpers of the budget pages.
func init() {
	funcs["list4"] = func() []int { return []int{1, 2, 3, 4} }
	funcs["seq"] = func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
}

func init() {
	funcs["statuses3"] = func() []string { return []string{"draft", "approved", "rejected"} }
	funcs["voucherStatuses"] = func() []string { return []string{"draft", "submitted", "rejected", "posted", "reversed"} }
}

// maxAttachment is the largest scan accepted, and the body limit of its route (with room
// for the multipart envelope).
const maxAttachment = budget.MaxAttachmentSize

// uploadedFile reads one uploaded file of at most limit bytes.
func uploadedFile(c echo.Context, field string, limit int64) ([]byte, string, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return nil, "", apperr.New(apperr.Invalid, "Hãy chọn tệp.", "Choose a file.").OnField(field)
	}
	if fh.Size > limit {
		return nil, "", apperr.New(apperr.Invalid, "Tệp quá lớn (tối đa 10 MB).", "The file is too large (at most 10 MB).").OnField(field)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(b)) > limit {
		return nil, "", apperr.New(apperr.Invalid, "Tệp quá lớn (tối đa 10 MB).", "The file is too large (at most 10 MB).").OnField(field)
	}
	return b, fh.Filename, nil
}

// contentDisposition names a download safely for every browser (RFC 6266, 5987).
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + url.PathEscape(name)
}

func hexString(b []byte) string { return hex.EncodeToString(b) }

// zone is the time zone the budget pages count days in.
func zone() *time.Location { return i18n.Zone }
