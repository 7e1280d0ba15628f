package web

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPIDoc documents the JSON API (/api/v1); each area adds its paths.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI serves the OpenAPI document.
func (s *Server) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/json", openAPIDoc)
}
