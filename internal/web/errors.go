package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/lib/pq"

	"congquy/internal/apperr"
)

// statusOf maps an error code to its HTTP status: the one place that does.
var statusOf = map[apperr.Code]int{
	apperr.Invalid:            http.StatusUnprocessableEntity,
	apperr.NotFound:           http.StatusNotFound,
	apperr.Conflict:           http.StatusConflict,
	apperr.Forbidden:          http.StatusForbidden,
	apperr.Unauthorized:       http.StatusUnauthorized,
	apperr.RateLimited:        http.StatusTooManyRequests,
	apperr.InsufficientBudget: http.StatusUnprocessableEntity,
	apperr.PeriodClosed:       http.StatusUnprocessableEntity,
	apperr.Unavailable:        http.StatusServiceUnavailable,
	apperr.Internal:           http.StatusInternalServerError,
}

// statusClientClosed is logged for requests the client abandoned (nginx's 499).
const statusClientClosed = 499

// errorBody is the JSON shape of every API error.
type errorBody struct {
	Error struct {
		Code      apperr.Code `json:"code"`
		Message   string      `json:"message"`
		Field     string      `json:"field,omitempty"`
		RequestID string      `json:"request_id"`
	} `json:"error"`
}

// canceled reports whether err is the end of a request its client abandoned: the
// context's own error, or the database's answer when the driver cancelled the running
// statement for that reason ("canceling statement due to user request", 57014; a
// statement timeout gives the same code with another message and stays an error).
func canceled(err error) bool {
	var pqErr *pq.Error
	return errors.Is(err, context.Canceled) ||
		errors.As(err, &pqErr) && pqErr.Code == "57014" && strings.Contains(pqErr.Message, "user request")
}

// handleError is echo's one error handler. It renders an HTML page, an htmx fragment or
// JSON by what the client accepts; internal errors are logged with the request id and
// shown to the user only as "internal error" and that id.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	if canceled(err) && c.Request().Context().Err() != nil {
		// The client went away: nobody reads the answer, and it is not our failure.
		s.log.Debug("request canceled by the client", "request_id", reqID(c), "path", clean(c.Request().URL.Path), "error", clean(err.Error()))
		c.Response().WriteHeader(statusClientClosed)
		return
	}
	e := s.classify(err)
	status := statusOf[e.Code]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status >= 500 && e.Code != apperr.Unavailable {
		s.log.Error("internal error", "request_id", reqID(c), "method", c.Request().Method,
			"path", clean(c.Request().URL.Path), "error", clean(err.Error()))
	}
	lang := langOf(c)
	var rerr error
	switch {
	case c.Request().Method == http.MethodHead:
		rerr = c.NoContent(status)
	case wantsJSON(c):
		var body errorBody
		body.Error.Code, body.Error.Message, body.Error.Field, body.Error.RequestID = e.Code, e.Message(lang), e.Field, reqID(c)
		rerr = c.JSON(status, body)
	case c.Request().Header.Get("HX-Request") == "true":
		c.Response().Header().Set("HX-Retarget", "#alerts")
		c.Response().Header().Set("HX-Reswap", "innerHTML")
		rerr = s.render(c, status, "errors/error", "alert", s.newPage(c, "error.title", e))
	default:
		rerr = s.render(c, status, "errors/error", "", s.newPage(c, "error.title", e))
	}
	if rerr != nil {
		s.log.Error("render error page", "request_id", reqID(c), "error", rerr.Error())
		_ = c.String(status, http.StatusText(status)+" — request "+reqID(c))
	}
}

// classify turns any error into an *apperr.Error a user may see: domain errors as they
// are, echo's own (404 route, 405 method, 413 body) with a message, everything else as a
// generic internal error.
func (s *Server) classify(err error) *apperr.Error {
	if e, ok := apperr.As(err); ok {
		if e.Code == apperr.Internal || e.VI == "" {
			return internalError
		}
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return apperr.New(apperr.NotFound, "Không tìm thấy trang này.", "This page does not exist.")
		case http.StatusMethodNotAllowed:
			return apperr.New(apperr.Invalid, "Phương thức không được hỗ trợ.", "Method not allowed.")
		case http.StatusRequestEntityTooLarge:
			return apperr.New(apperr.Invalid, "Dữ liệu gửi lên quá lớn.", "The request is too large.")
		case http.StatusUnauthorized:
			return apperr.New(apperr.Unauthorized, "Vui lòng đăng nhập.", "Please sign in.")
		case http.StatusForbidden:
			return apperr.New(apperr.Forbidden, "Bạn không có quyền thực hiện thao tác này.", "You may not do this.")
		case http.StatusBadRequest:
			return apperr.New(apperr.Invalid, "Yêu cầu không hợp lệ.", "Bad request.")
		case http.StatusServiceUnavailable:
			return apperr.New(apperr.Unavailable, "Dịch vụ tạm thời không sẵn sàng.", "Service temporarily unavailable.")
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.New(apperr.Invalid, "Dữ liệu gửi lên quá lớn.", "The request is too large.")
	}
	return internalError
}

var internalError = apperr.New(apperr.Internal,
	"Đã xảy ra lỗi hệ thống. Vui lòng thử lại hoặc báo cho quản trị viên kèm mã yêu cầu.",
	"Something went wrong on our side. Please try again or tell the administrator the request id.")

// wantsJSON reports whether the client asked for JSON: API paths always, else by Accept.
func wantsJSON(c echo.Context) bool {
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		return true
	}
	accept := c.Request().Header.Get(echo.HeaderAccept)
	return strings.Contains(accept, echo.MIMEApplicationJSON) && !strings.Contains(accept, echo.MIMETextHTML)
}
