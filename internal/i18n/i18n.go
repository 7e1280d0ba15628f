// Package i18n holds congquy's message catalogs (Vietnamese by default, English by a
// switch) and the formats of numbers, money and dates in each language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Langs are the languages congquy speaks; the first is the default.
var Langs = []string{"vi", "en"}

//go:embed locales/*.json
var locales embed.FS

// Catalog translates message ids into text.
type Catalog struct {
	bundle *goi18n.Bundle
	locs   map[string]*goi18n.Localizer
	ids    map[string][]string // message ids per language, for completeness checks
}

// Load reads the embedded catalogs; it fails if a file is malformed.
func Load() (*Catalog, error) {
	b := goi18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{bundle: b, locs: map[string]*goi18n.Localizer{}, ids: map[string][]string{}}
	entries, err := fs.ReadDir(locales, "locales")
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		// Files are named <area>.<lang>.json, one per area and language, so that areas
		// keep their messages apart.
		parts := strings.Split(e.Name(), ".")
		if len(parts) != 3 || parts[2] != "json" || Supported(parts[1]) != parts[1] {
			return nil, fmt.Errorf("i18n: %s is not named <area>.<lang>.json", e.Name())
		}
		lang := parts[1]
		data, err := fs.ReadFile(locales, "locales/"+e.Name())
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", e.Name(), err)
		}
		if _, err := b.ParseMessageFileBytes(data, e.Name()); err != nil {
			return nil, fmt.Errorf("i18n: parse %s: %w", e.Name(), err)
		}
		var flat map[string]any
		if err := json.Unmarshal(data, &flat); err != nil {
			return nil, fmt.Errorf("i18n: parse %s: %w", e.Name(), err)
		}
		for id := range flat {
			if seen[lang+" "+id] {
				return nil, fmt.Errorf("i18n: message %q defined twice for %s", id, lang)
			}
			seen[lang+" "+id] = true
			c.ids[lang] = append(c.ids[lang], id)
		}
	}
	for _, lang := range Langs {
		sort.Strings(c.ids[lang])
		c.locs[lang] = goi18n.NewLocalizer(b, lang)
	}
	return c, nil
}

// T returns the message id in lang, with data filled into its {{.Name}} fields. A missing
// message returns the id itself, so a gap shows on the page instead of breaking it; the
// catalog test makes sure there are none.
func (c *Catalog) T(lang, id string, data ...map[string]any) string {
	loc, ok := c.locs[lang]
	if !ok {
		loc = c.locs[Langs[0]]
	}
	cfg := &goi18n.LocalizeConfig{MessageID: id}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	s, err := loc.Localize(cfg)
	if err != nil {
		return id
	}
	return s
}

// Has reports whether lang's catalog has the message id.
func (c *Catalog) Has(lang, id string) bool {
	ids := c.ids[lang]
	i := sort.SearchStrings(ids, id)
	return i < len(ids) && ids[i] == id
}

// IDs returns the message ids of lang, sorted.
func (c *Catalog) IDs(lang string) []string { return append([]string(nil), c.ids[lang]...) }

// Supported returns lang if congquy speaks it, else the default language.
func Supported(lang string) string {
	for _, l := range Langs {
		if l == lang {
			return l
		}
	}
	return Langs[0]
}
