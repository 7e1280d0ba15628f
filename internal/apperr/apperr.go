// Package apperr is congquy's one error type: a machine-readable code plus a message a
// finance officer understands, in Vietnamese and English. Domain and store code return
// *Error for everything a user can act on; anything else is an internal error, logged
// with the request id and shown to the user only as "internal error".
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error; the web layer maps each code to one HTTP status.
type Code string

// The codes congquy uses. Add one only when a client must tell it apart from the others.
const (
	Invalid            Code = "invalid"             // the input is wrong; nothing was changed
	NotFound           Code = "not_found"           // no such record, or not in the caller's scope
	Conflict           Code = "conflict"            // the record changed, exists already, or is in the wrong state
	Forbidden          Code = "forbidden"           // the caller may not do this
	Unauthorized       Code = "unauthorized"        // the caller is not signed in
	RateLimited        Code = "rate_limited"        // too many attempts; try later
	InsufficientBudget Code = "insufficient_budget" // a posting would overspend a budget line
	PeriodClosed       Code = "period_closed"       // the accounting period is closed
	Unavailable        Code = "unavailable"         // a dependency (the database) is not reachable
	Internal           Code = "internal"            // a bug or an unexpected failure
)

// Error is a domain error with a bilingual message. Field names the form field at fault,
// when there is one. Err is the underlying cause, kept for logs and errors.Is/As.
type Error struct {
	Code  Code
	VI    string
	EN    string
	Field string
	Err   error
}

// New returns an error with the given code and messages.
func New(code Code, vi, en string) *Error {
	return &Error{Code: code, VI: vi, EN: en}
}

// Newf is New with the same arguments formatted into both messages.
func Newf(code Code, viFormat, enFormat string, args ...any) *Error {
	return &Error{Code: code, VI: fmt.Sprintf(viFormat, args...), EN: fmt.Sprintf(enFormat, args...)}
}

// Error returns the English message and, if any, the cause; for logs, not for users.
func (e *Error) Error() string {
	msg := string(e.Code)
	if e.EN != "" {
		msg += ": " + e.EN
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Message returns the message in the language ("vi" or "en"); Vietnamese by default.
func (e *Error) Message(lang string) string {
	if lang == "en" && e.EN != "" {
		return e.EN
	}
	if e.VI != "" {
		return e.VI
	}
	return e.EN
}

// OnField returns a copy of e that names the form field at fault.
func (e *Error) OnField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// Wrap returns a copy of e that carries cause.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// As returns the *Error in err's chain, if there is one.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// CodeOf returns the code of the *Error in err's chain, or Internal; nil gives "".
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the code.
func Is(err error, code Code) bool { return CodeOf(err) == code }

// NotFoundf is the usual "no such record" error; the same for a record that exists in
// another unit, so that ids from other units reveal nothing.
func NotFoundf(whatVI, whatEN string) *Error {
	return New(NotFound, "Không tìm thấy "+whatVI+".", "No such "+whatEN+".")
}
