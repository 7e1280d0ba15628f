package web

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/store"
)

// replayWait is how long a duplicate waits for the reply of the request it duplicates.
const replayWait = 5 * time.Second

// readBody reads the request body (already bounded by the route's body limit) and
// refuses a JSON body that carries NUL, which PostgreSQL text cannot hold.
func readBody(c echo.Context) ([]byte, error) {
	b, err := readExact(c.Request())
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, apperr.New(apperr.Invalid, "Dữ liệu gửi lên quá lớn.", "The request is too large.")
		}
		return nil, err
	}
	if jsonHasNUL(b) {
		return nil, errBadText
	}
	return b, nil
}

// decodeJSON reads a JSON body into v; unknown fields (status, approved_by, unit of
// another actor…) are ignored: they never reach a store call.
func decodeJSON(body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		if e, ok := apperr.As(err); ok {
			return e
		}
		return apperr.New(apperr.Invalid, "Dữ liệu JSON không hợp lệ.", "The JSON body is not valid.").Wrap(err)
	}
	return nil
}

// idempotent runs a JSON API POST at most once per Idempotency-Key (DESIGN.md §4): the
// key is claimed inside the use case's own transaction (store.WithIdempotency), and the
// reply — view of the use case's result, as JSON — is stored with it in that same
// transaction (one commit per request). The same key with the same request gets the
// stored reply, marked Idempotent-Replayed; with another request, 409. rebuild gives the
// current representation of the record a request created, for the rare duplicate whose
// reply was not stored. view nil shows the result as it is.
func (s *Server) idempotent(c echo.Context, body []byte, status int, view func(any) any, act func(ctx context.Context) (any, error), rebuild func(entityID string) (any, error)) error {
	if err := requireKey(c); err != nil {
		return err
	}
	key, a := c.Request().Header.Get("Idempotency-Key"), actorFor(c)
	if view == nil {
		view = func(v any) any { return v }
	}
	h := sha256.New()
	h.Write([]byte(c.Request().Method + " " + c.Request().URL.Path + "\n"))
	h.Write(body)
	k := store.Idempotency{UserID: a.UserID, Key: key, Render: func(result any) (int, []byte, error) {
		b, err := json.Marshal(view(result))
		return status, b, err
	}}
	copy(k.RequestHash[:], h.Sum(nil))
	ctx := store.WithIdempotency(c.Request().Context(), k)
	resp, err := act(ctx)
	if errors.Is(err, store.ErrReplay) {
		r, _, err := s.store.LookupIdempotent(c.Request().Context(), k, replayWait)
		if err != nil {
			return err
		}
		return s.replay(c, k, r, rebuild)
	}
	if err != nil {
		return err
	}
	if st, b, ok := store.StoredReply(ctx); ok {
		return c.JSONBlob(st, b) // rendered once, in the use case's transaction
	}
	b, err := json.Marshal(view(resp))
	if err != nil {
		return err
	}
	if err := s.store.SaveIdempotentReply(c.Request().Context(), k, status, b); err != nil {
		s.log.Warn("store idempotent reply", "request_id", reqID(c), "error", err.Error())
	}
	return c.JSONBlob(status, b)
}

// requireKey refuses an API POST without a well-formed Idempotency-Key, before its body
// is read.
func requireKey(c echo.Context) error {
	key := c.Request().Header.Get("Idempotency-Key")
	switch {
	case key == "":
		return apperr.New(apperr.Invalid, "Cần tiêu đề Idempotency-Key cho mọi yêu cầu POST của API.", "Every API POST needs an Idempotency-Key header.")
	case len(key) < 8 || len(key) > 128:
		return apperr.New(apperr.Invalid, "Idempotency-Key dài 8–128 ký tự.", "An Idempotency-Key is 8–128 characters.")
	case actorFor(c).UserID == 0:
		return apperr.New(apperr.Unauthorized, "Vui lòng đăng nhập.", "Please sign in.")
	}
	return nil
}

// replay sends what a key's first request got, waiting briefly for a reply still being
// written and rebuilding it from the record when it is not there.
func (s *Server) replay(c echo.Context, k store.Idempotency, r store.IdempotentReply, rebuild func(string) (any, error)) error {
	if r.Status == 0 {
		var err error
		if r, _, err = s.store.LookupIdempotent(c.Request().Context(), k, replayWait); err != nil {
			return err
		}
	}
	c.Response().Header().Set("Idempotent-Replayed", "true")
	if r.Status != 0 {
		return c.JSONBlob(r.Status, r.Body)
	}
	v, err := rebuild(r.EntityID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
