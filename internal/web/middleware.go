package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"congquy/internal/apperr"
	"congquy/internal/i18n"
)

// Context keys set by the middleware.
const (
	ctxRequestID = "congquy.request_id"
	ctxLang      = "congquy.lang"
)

// defaultBodyLimit bounds request bodies on routes that do not declare their own limit.
const defaultBodyLimit = 1 << 20

func (s *Server) middleware() {
	s.e.Pre(requestID)
	s.e.Use(s.recoverPanics)
	s.e.Use(s.accessLog())
	s.e.Use(securityHeaders(s.cfg.Secure()))
	s.e.Use(s.metrics.middleware)
	s.e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: s.cfg.RequestTimeout}))
	s.e.Use(detectLang)
	s.e.Use(s.loadSession, s.authenticate, s.provideCSRF)
}

// requestID gives every request a fresh random id, in the X-Request-ID response header
// and every log line. An incoming X-Request-ID is ignored: clients cannot choose ids that
// appear in the audit trail.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		var b [12]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		c.Set(ctxRequestID, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

// reqID returns the request's id.
func reqID(c echo.Context) string {
	id, _ := c.Get(ctxRequestID).(string)
	return id
}

// recoverPanics turns a panic into an internal error, logged with its stack and request
// id, so that one bad request never takes the server down.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			r := recover()
			if r == nil || r == http.ErrAbortHandler {
				if r != nil {
					panic(r)
				}
				return
			}
			stack := make([]byte, 8<<10)
			stack = stack[:runtime.Stack(stack, false)]
			s.log.Error("panic", "request_id", reqID(c), "panic", fmt.Sprint(r), "stack", string(stack))
			err = apperr.New(apperr.Internal, "", "").Wrap(fmt.Errorf("panic: %v", r))
		}()
		return next(c)
	}
}

// accessLog writes one JSON line per request.
func (s *Server) accessLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogLatency: true, LogMethod: true, LogURIPath: true, LogRoutePath: true,
		LogRemoteIP: true, LogResponseSize: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("request_id", reqID(c)),
				slog.String("method", v.Method),
				slog.String("path", clean(v.URIPath)),
				slog.String("route", v.RoutePath),
				slog.Int("status", v.Status),
				slog.Float64("ms", float64(v.Latency.Microseconds())/1000),
				slog.Int64("bytes", v.ResponseSize),
				slog.String("ip", v.RemoteIP),
			}
			if a := actorOf(c); a != nil {
				attrs = append(attrs, slog.Int64("user_id", a.UserID), slog.Int64("unit_id", a.UnitID))
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// clean neutralises CR and LF (and other control characters) in text written to logs, so
// that a request cannot forge log lines.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, s)
}

// securityHeaders sets the headers every response carries, error pages included.
func securityHeaders(secure bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()")
			if secure {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			return next(c)
		}
	}
}

// contentSecurityPolicy allows only congquy's own scripts, styles and images: no inline
// script, no CDN, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; media-src 'self' blob:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// ipExtractor believes X-Forwarded-For only from the configured trusted proxies, so that
// the client address in the audit trail cannot be forged.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(prefixToIPNet(p)))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// detectLang picks the page language: the lang cookie, else Vietnamese.
func detectLang(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		lang := i18n.Langs[0]
		if ck, err := c.Cookie(langCookie); err == nil {
			lang = i18n.Supported(ck.Value)
		}
		c.Set(ctxLang, lang)
		return next(c)
	}
}

// langOf returns the request's language.
func langOf(c echo.Context) string {
	if l, ok := c.Get(ctxLang).(string); ok {
		return l
	}
	return i18n.Langs[0]
}

// bodyLimit caps the request body at n bytes.
func bodyLimit(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > n {
				return apperr.Newf(apperr.Invalid, "Dữ liệu gửi lên quá lớn (tối đa %d byte).", "The request is too large (at most %d bytes).", n)
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, n)
			return next(c)
		}
	}
}
