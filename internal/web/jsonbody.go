package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
)

// jsonSerializer is echo's JSON encoder with a decoder that reads a request body once,
// into a buffer of exactly its declared length, then decodes it. echo's default decoder
// streams through a buffer that doubles as it fills, so a body of a megabyte of digits
// cost two megabytes to refuse; this one costs the body and nothing more (TESTING.md
// row 9). A body is one JSON value: trailing data is an error, not ignored.
type jsonSerializer struct{ echo.DefaultJSONSerializer }

// Deserialize reads the request body and decodes it into i.
func (jsonSerializer) Deserialize(c echo.Context, i any) error {
	body, err := readExact(c.Request())
	if err != nil {
		return err
	}
	if jsonHasNUL(body) {
		return errBadText
	}
	err = json.Unmarshal(body, i)
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &ute):
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("type error: expected=%v, got=%v, field=%v", ute.Type, ute.Value, ute.Field)).SetInternal(err)
	case errors.As(err, &se):
		return echo.NewHTTPError(http.StatusBadRequest, "syntax error: "+se.Error()).SetInternal(err)
	}
	return err
}

// readExact reads the whole body. With a Content-Length (already bounded by the route's
// body limit) it allocates exactly that; without one it grows as io.ReadAll does, up to
// the limit MaxBytesReader enforces.
func readExact(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength < 0 || r.ContentLength > defaultBodyLimit*64 {
		return io.ReadAll(r.Body)
	}
	buf := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(r.Body, buf); err != nil {
		return nil, err
	}
	var one [1]byte
	if n, _ := r.Body.Read(one[:]); n > 0 {
		return nil, echo.NewHTTPError(http.StatusBadRequest, "body longer than its Content-Length")
	}
	return buf, nil
}
