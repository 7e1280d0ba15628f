// Package templates holds congquy's HTML: a base layout, partials, and one folder of
// pages per area, embedded in the binary and parsed at start.
package templates

import "embed"

// FS holds the templates.
//
//go:embed layout partials */*.html
var FS embed.FS
