package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"congquy/internal/i18n"
	"congquy/internal/org"
	"congquy/templates"
)

// Every message a template or the navigation asks for exists in every language, and the
// catalogs hold the same ids.
func TestCatalogsAreComplete(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	literal := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	err = fs.WalkDir(templates.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(templates.FS, path)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			ids[m[1]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range navItems {
		ids[it.label] = true
	}
	for code := range statusOf {
		ids["error."+string(code)] = true
	}
	for _, k := range org.Kinds {
		ids["unit.kind."+string(k)] = true
	}
	for id := range ids {
		for _, lang := range i18n.Langs {
			if !cat.Has(lang, id) {
				t.Errorf("message %q missing in %s", id, lang)
			}
		}
	}
	vi, en := cat.IDs("vi"), cat.IDs("en")
	if strings.Join(vi, ",") != strings.Join(en, ",") {
		t.Errorf("catalogs differ: vi has %d ids, en has %d", len(vi), len(en))
	}
}
