package web

import (
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"
)

type echoContext = echo.Context

func httptestRequest(method, target string) *http.Request {
	return httptest.NewRequest(method, target, nil)
}

func record(s *testServer, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}
