package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"congquy/internal/auth"
	"congquy/internal/i18n"
	"congquy/internal/store"
)

// homeData is what the dashboard shows; later areas add their tiles.
type homeData struct {
	Units int
}

// home shows the dashboard.
func (s *Server) home(c echo.Context) error {
	f := store.UnitFilter{Within: mustActor(c).Scope(auth.PermUnitsView), Page: store.Page{Size: 1}}
	_, n, err := s.store.ListUnits(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return s.show(c, "home/index", "home.title", homeData{Units: n})
}

const langCookie = "congquy_lang"

// switchLang remembers the chosen language and goes back to the page the user was on.
func (s *Server) switchLang(c echo.Context) error {
	lang := i18n.Supported(c.FormValue("lang"))
	if a := actorOf(c); a != nil && a.Lang != lang {
		if err := s.store.SetOwnLang(c.Request().Context(), *a, lang); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{ // #nosec G124 -- HttpOnly and SameSite set; Secure follows the configuration (an https base URL), so plain-HTTP development on localhost works
		Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure(),
	})
	return c.Redirect(http.StatusSeeOther, localPath(c.FormValue("next")))
}

// localPath returns next if it is a path on this site, else "/": redirects never leave
// congquy.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return u.RequestURI()
}
