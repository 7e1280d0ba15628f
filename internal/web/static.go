package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"mime"
	"net/http"
	"path"
	"sync"

	"github.com/labstack/echo/v4"

	"congquy/internal/apperr"
)

// staticFiles are the stylesheet and the vendored scripts (htmx, Chart.js): no CDN.
//
//go:embed static
var staticFiles embed.FS

// static serves an embedded file. File names carry their version, so they may be cached
// for a long time.
func (s *Server) static(c echo.Context) error {
	name := path.Clean("/" + c.Param("*"))
	b, err := staticFiles.ReadFile("static" + name)
	if err != nil {
		return apperr.New(apperr.NotFound, "Không tìm thấy tệp.", "No such file.")
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	return c.Blob(http.StatusOK, ctype, b)
}

var (
	assetOnce   sync.Once
	assetHashes map[string]string
)

// assetURL returns the URL of a static file with a hash of its content, so that a changed
// file is fetched again despite the long cache lifetime.
func assetURL(name string) string {
	assetOnce.Do(func() {
		assetHashes = map[string]string{}
		entries, _ := staticFiles.ReadDir("static")
		for _, e := range entries {
			b, _ := staticFiles.ReadFile("static/" + e.Name())
			sum := sha256.Sum256(b)
			assetHashes[e.Name()] = hex.EncodeToString(sum[:4])
		}
	})
	return "/static/" + name + "?h=" + assetHashes[name]
}
