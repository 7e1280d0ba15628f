package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
	"congquy/internal/auth"
	"congquy/internal/store"
)

// tokensData is the page of one's own API tokens.
type tokensData struct {
	Tokens  []store.APIToken
	Created *store.APIToken
	Plain   string // the new token, shown once
	Now     time.Time
	Error   *apperr.Error
	Name    string
	Days    int
}

// tokenDays are the lifetimes offered for a new token.
var tokenDays = []int{30, 90, 180, 365}

// TokenDays lists the lifetimes the form offers.
func (tokensData) TokenDays() []int { return tokenDays }

// tokensPage lists the user's API tokens and offers to create one.
func (s *Server) tokensPage(c echo.Context) error {
	return s.showTokens(c, http.StatusOK, tokensData{Days: 90})
}

func (s *Server) showTokens(c echo.Context, status int, d tokensData) error {
	list, err := s.store.APITokens(c.Request().Context(), mustActor(c))
	if err != nil {
		return err
	}
	d.Tokens, d.Now = list, s.now()
	return s.render(c, status, "account/tokens", "", s.newPage(c, "tokens.title", d))
}

// createToken makes a token for the signed-in user and shows it once. Only the name,
// lifetime and read-only flag come from the form; the owner is always the session's user.
func (s *Server) createToken(c echo.Context) error {
	a := mustActor(c)
	days, _ := strconv.Atoi(c.FormValue("days"))
	n := store.NewAPIToken{Name: c.FormValue("name"), Days: days, ReadOnly: c.FormValue("read_only") != ""}
	plain, hash, prefix := auth.NewAPIToken()
	tok, err := s.store.CreateAPIToken(c.Request().Context(), a, n, hash, prefix)
	if ae, ok := apperr.As(err); ok && ae.Code == apperr.Invalid {
		return s.showTokens(c, http.StatusUnprocessableEntity, tokensData{Error: ae, Name: n.Name, Days: days})
	}
	if err != nil {
		return err
	}
	s.securityLog(c, "token_create", &a, "token_id", tok.ID, "read_only", tok.ReadOnly)
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.showTokens(c, http.StatusOK, tokensData{Created: &tok, Plain: plain, Days: 90})
}

// revokeToken revokes one of the user's own tokens; another user's token id is not found.
func (s *Server) revokeToken(c echo.Context) error {
	a := mustActor(c)
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if err := s.store.RevokeAPIToken(c.Request().Context(), a, id); err != nil {
		return err
	}
	s.securityLog(c, "token_revoke", &a, "token_id", id)
	setFlash(c, "success", s.msg(c, "tokens.revoked"))
	return redirect(c, "/account/tokens")
}

// idParam reads the :id of a route; anything but a positive integer is not found.
func idParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "Không tìm thấy bản ghi.", "No such record.")
	}
	return id, nil
}
