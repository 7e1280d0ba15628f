package pgserver

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// programs are the PostgreSQL programs the private cluster needs, all from one directory.
var programs = []string{"initdb", "pg_ctl", "postgres"}

// findBinaries returns the directory holding the PostgreSQL programs. When
// the cluster already exists (want is its PG_VERSION), only binaries of that
// major version will do: a cluster is never upgraded or deleted here.
func findBinaries(ctx context.Context, want string) (string, error) {
	var found []string
	for _, dir := range candidateDirs(ctx) {
		if hasPrograms(dir) && !slices.Contains(found, dir) {
			found = append(found, dir)
		}
	}
	if len(found) == 0 {
		return "", errNoBinaries
	}
	if want == "" {
		return found[0], nil
	}
	var seen []string
	for _, dir := range found {
		v, err := majorVersion(ctx, dir)
		if err != nil {
			return "", err
		}
		if v == want {
			return dir, nil
		}
		seen = append(seen, v+" in "+dir)
	}
	return "", fmt.Errorf("the private cluster is PostgreSQL %s but only PostgreSQL %s is installed; "+
		"install PostgreSQL %s, or move the cluster directory away to start afresh (it is never deleted automatically)",
		want, strings.Join(seen, ", "), want)
}

// candidateDirs lists where PostgreSQL programs may be, best first: PATH,
// `pg_config --bindir`, then /usr/lib/postgresql/*/bin, newest version first.
func candidateDirs(ctx context.Context) []string {
	var dirs []string
	for _, p := range programs {
		if path, err := exec.LookPath(p); err == nil {
			dirs = append(dirs, realDir(path))
		}
	}
	if out, err := exec.CommandContext(ctx, "pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	debian, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(debian, func(a, b string) int {
		return compareVersions(filepath.Base(filepath.Dir(b)), filepath.Base(filepath.Dir(a)))
	})
	return append(dirs, debian...)
}

// realDir is the directory of path after following symbolic links, so that
// /usr/local/bin/pg_ctl -> /usr/lib/postgresql/15/bin/pg_ctl gives the latter's directory.
func realDir(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return filepath.Dir(path)
}

// hasPrograms reports whether dir holds all the programs, executable.
func hasPrograms(dir string) bool {
	for _, p := range programs {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// versionRE matches the output of `postgres --version`.
var versionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)(?:\.(\d+))?`)

// majorVersion returns the major version of the binaries in dir, written as
// in PG_VERSION: "15", or "9.6" before version 10.
func majorVersion(ctx context.Context, dir string) (string, error) {
	out, err := exec.CommandContext(ctx, filepath.Join(dir, "postgres"), "--version").Output() // #nosec G204 -- `postgres --version` of a candidate binary directory
	if err != nil {
		return "", fmt.Errorf("%s --version: %w", filepath.Join(dir, "postgres"), err)
	}
	m := versionRE.FindStringSubmatch(string(out))
	if m == nil {
		return "", fmt.Errorf("%s --version: unexpected output %q", filepath.Join(dir, "postgres"), out)
	}
	if n, _ := strconv.Atoi(m[1]); n < 10 && m[2] != "" {
		return m[1] + "." + m[2], nil
	}
	return m[1], nil
}

// compareVersions compares dotted version numbers numerically ("9.6" < "15").
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}
