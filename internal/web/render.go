package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/i18n"
	"congquy/internal/money"
	"congquy/templates"
)

// renderer holds one parsed template set per page: the layout, the partials and the page.
type renderer struct {
	cat   *i18n.Catalog
	pages map[string]*template.Template
}

// newRenderer parses every page under templates/ now, so that a broken template stops
// congquy at start.
func newRenderer(cat *i18n.Catalog) (*renderer, error) {
	r := &renderer{cat: cat, pages: map[string]*template.Template{}}
	err := fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		if strings.HasPrefix(path, "layout/") || strings.HasPrefix(path, "partials/") {
			return nil
		}
		t, err := template.New(path).Funcs(funcs).ParseFS(templates.FS, "layout/*.html", "partials/*.html", path)
		if err != nil {
			return fmt.Errorf("parse template %s: %w", path, err)
		}
		r.pages[strings.TrimSuffix(path, ".html")] = t
		return nil
	})
	return r, err
}

// funcs are the few helpers templates need beyond the page's methods.
var funcs = template.FuncMap{
	"add":   func(a, b int) int { return a + b },
	"sub":   func(a, b int) int { return a - b },
	"asset": assetURL,
}

// page is the data every template gets: who is looking, in which language, the flash
// messages, the CSRF token, and the page's own Data.
type page struct {
	Lang      string
	Title     string
	Path      string
	Actor     *auth.Actor
	Flash     []flash
	CSRF      string
	RequestID string
	Version   string
	Nav       []navLink
	Data      any

	cat *i18n.Catalog
}

// T translates a message id; pairs of arguments fill its fields: .T "x" "Name" value.
func (p page) T(id string, kv ...any) string {
	if len(kv) == 0 {
		return p.cat.T(p.Lang, id)
	}
	data := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		data[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return p.cat.T(p.Lang, id, data)
}

// Money formats an amount in the page's language.
func (p page) Money(v money.VND) string { return v.Format(p.Lang) }

// Date formats a date in the page's language.
func (p page) Date(t time.Time) string { return i18n.Date(p.Lang, t) }

// DateTime formats an instant in congquy's zone and the page's language.
func (p page) DateTime(t time.Time) string { return i18n.DateTime(p.Lang, t) }

// Int formats a count with thousands separators.
func (p page) Int(n int) string { return i18n.Int(p.Lang, int64(n)) }

// Other is the language the switch offers.
func (p page) Other() string {
	if p.Lang == "en" {
		return "vi"
	}
	return "en"
}

// newPage fills the common page data from the request.
func (s *Server) newPage(c echo.Context, title string, data any) page {
	p := page{
		Lang: langOf(c), Title: title, Path: c.Request().URL.Path, Actor: actorOf(c),
		Flash: takeFlash(c), CSRF: csrfToken(c), RequestID: reqID(c), Version: s.version,
		Data: data, cat: s.cat,
	}
	p.Nav = s.nav(p)
	return p
}

// render executes a page (or, with block, one named template of it, for htmx fragments)
// into a buffer first, so that a template error yields a clean error page, not half a page.
func (s *Server) render(c echo.Context, status int, name, block string, data any) error {
	t, ok := s.pages.pages[name]
	if !ok {
		return fmt.Errorf("render: no template %q", name)
	}
	p, ok := data.(page)
	if !ok {
		p = s.newPage(c, "", data)
	}
	if block == "" {
		block = "base"
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		return fmt.Errorf("render %s/%s: %w", name, block, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// show renders a full page, or only its "main" block when htmx asks for a fragment.
func (s *Server) show(c echo.Context, name, title string, data any) error {
	p := s.newPage(c, title, data)
	block := ""
	if target := c.Request().Header.Get("HX-Target"); target != "" && c.Request().Header.Get("HX-Request") == "true" {
		block = target
	}
	return s.render(c, http.StatusOK, name, block, p)
}
