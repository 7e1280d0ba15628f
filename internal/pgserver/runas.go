package pgserver

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// serverUser returns the OS user the private cluster runs as when this
// process is root, since PostgreSQL refuses to run as root: postgres if it
// exists, else nobody. It returns nil when not root: the cluster then runs
// as the current user.
func serverUser() (*syscall.Credential, string, error) {
	if os.Geteuid() != 0 {
		return nil, "", nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		// An empty Groups drops root's supplementary groups.
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, name, nil
	}
	return nil, "", fmt.Errorf("PostgreSQL refuses to run as root and neither a postgres nor a nobody OS user exists: " +
		"install Debian's postgresql package (apt-get install -y postgresql), run as a normal user, or set DATABASE_URL")
}

// checkTraversal makes sure the server user can reach dir: every directory
// from / down to dir must be searchable by it.
func checkTraversal(dir string, cred *syscall.Credential, name string) error {
	for p := dir; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		bit := fs.FileMode(0o001)
		switch {
		case st.Uid == cred.Uid:
			bit = 0o100
		case st.Gid == cred.Gid:
			bit = 0o010
		}
		if fi.Mode().Perm()&bit == 0 {
			return fmt.Errorf("PostgreSQL refuses to run as root, so the private cluster runs as OS user %s, "+
				"which cannot enter %s (owner uid %d, mode %#o); move the checkout (or the data directory) "+
				"somewhere that user can reach, e.g. not under /root, or run `chmod o+x %s`, or set DATABASE_URL",
				name, p, st.Uid, fi.Mode().Perm(), p)
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

// chownTree gives dir and everything in it to the server user.
func chownTree(dir string, cred *syscall.Credential) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if st := fi.Sys().(*syscall.Stat_t); st.Uid == cred.Uid && st.Gid == cred.Gid {
			return nil
		}
		return os.Lchown(path, int(cred.Uid), int(cred.Gid)) // #nosec G122 -- walks the private cluster's directory that congquy itself created, as root, before the cluster starts; Lchown does not follow symlinks
	})
}
