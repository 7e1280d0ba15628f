package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
)

// healthz says the process is alive.
func (s *Server) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok")
}

// readyz says whether congquy can serve: the database answers and its schema is current.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	err := s.store.Ping(ctx)
	if err == nil {
		err = s.store.CheckSchema(ctx)
	}
	if err != nil {
		msg := "database unavailable"
		if e, ok := apperr.As(err); ok && e.EN != "" {
			msg = e.EN
		}
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": msg})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
