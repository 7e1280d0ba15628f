package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

// flash is a one-time message shown on the next page (after a redirect).
type flash struct {
	Kind string `json:"k"` // success, info, warning, error
	Text string `json:"t"`
}

const flashCookie = "congquy_flash"

// setFlash queues a message for the next page the user sees.
//
//lint:ignore U1000 the form handlers of the identity and budget areas use it
func setFlash(c echo.Context, kind, text string) {
	b, _ := json.Marshal([]flash{{Kind: kind, Text: text}})
	c.SetCookie(&http.Cookie{ // #nosec G124 -- HttpOnly and SameSite set; Secure on https requests
		Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Scheme() == "https", MaxAge: 60,
	})
}

// takeFlash returns the queued messages and clears them.
func takeFlash(c echo.Context) []flash {
	ck, err := c.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return nil
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Scheme() == "https"}) // #nosec G124 -- clears the flash cookie; HttpOnly and SameSite set; Secure on https requests
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil || len(b) > 2048 {
		return nil
	}
	var out []flash
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	for i := range out {
		switch out[i].Kind {
		case "success", "info", "warning", "error":
		default:
			out[i].Kind = "info"
		}
	}
	return out
}
