package pgserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// cluster is a private PostgreSQL cluster under DataDir, run from the
// locally installed binaries.
type cluster struct {
	dir  string              // absolute DataDir
	bin  string              // directory of initdb, pg_ctl and postgres
	cred *syscall.Credential // OS user the server runs as when we are root; nil otherwise
	user string              // that user's name, for messages
	port int
	log  *slog.Logger
	use  *os.File // shared lock on dir, held while this process uses the cluster

	started bool // this Start started the postmaster
}

// startPrivate makes sure the private cluster exists, runs and holds the database.
func startPrivate(ctx context.Context, o Options) (*Server, error) {
	c, err := newCluster(ctx, o)
	if errors.Is(err, errNoBinaries) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("private PostgreSQL: %w", err)
	}
	if err := c.acquire(ctx, o); err != nil {
		if c.started {
			_ = c.release()
		} else if c.use != nil {
			_ = c.use.Close()
		}
		return nil, fmt.Errorf("private PostgreSQL in %s: %w", c.dir, err)
	}
	return &Server{URL: c.url(o.Database), AdminURL: c.url("postgres"), Private: true, cluster: c, ephemeral: o.Ephemeral}, nil
}

// newCluster finds the binaries and the server user, and checks that user
// can reach DataDir, before anything is created.
func newCluster(ctx context.Context, o Options) (*cluster, error) {
	dir, err := filepath.Abs(o.DataDir)
	if err != nil {
		return nil, err
	}
	c := &cluster{dir: dir, log: o.Logger}
	if c.bin, err = findBinaries(ctx, readVersion(dir)); err != nil {
		return nil, err
	}
	if c.cred, c.user, err = serverUser(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil { // #nosec G301 -- the parent of the data directory (.data/): the cluster's OS user must traverse it; the data directory itself is 0700
		return nil, err
	}
	if c.cred != nil {
		return c, checkTraversal(filepath.Dir(dir), c.cred, c.user)
	}
	return c, nil
}

// acquire creates and starts the cluster unless another process did, creates
// the database, and registers this process as a user of the cluster.
func (c *cluster) acquire(ctx context.Context, o Options) error {
	setup, err := lock(ctx, c.dir+".lock", syscall.LOCK_EX)
	if err != nil {
		return err
	}
	defer setup.Close()
	if err := c.prepareDir(ctx); err != nil {
		return err
	}
	if c.use, err = lock(ctx, c.dir, syscall.LOCK_SH); err != nil {
		return err
	}
	if readVersion(c.dir) == "" {
		if err := c.initdb(ctx, o.Ephemeral); err != nil {
			return err
		}
	}
	if err := c.ensureRunning(ctx, o.Ephemeral); err != nil {
		return err
	}
	return ensureDatabase(ctx, c.url("postgres"), o.Database)
}

// prepareDir creates DataDir, gives it to the server user, and checks the
// binaries again in case another process created the cluster meanwhile.
func (c *cluster) prepareDir(ctx context.Context) error {
	if err := os.Mkdir(c.dir, 0o700); err != nil && !os.IsExist(err) {
		return err
	}
	if c.cred != nil {
		if err := chownTree(c.dir, c.cred); err != nil {
			return fmt.Errorf("give %s to OS user %s: %w", c.dir, c.user, err)
		}
	}
	if v := readVersion(c.dir); v != "" {
		var err error
		c.bin, err = findBinaries(ctx, v)
		return err
	}
	return nil
}

// initdb creates the cluster: superuser postgres, trusted on 127.0.0.1 only.
func (c *cluster) initdb(ctx context.Context, ephemeral bool) error {
	c.log.Info("creating private PostgreSQL cluster", "dir", c.dir, "bin", c.bin)
	args := []string{"-D", c.dir, "-U", "postgres", "--auth=trust", "-E", "UTF8"}
	if ephemeral {
		args = append(args, "--no-sync")
	}
	// C.UTF-8 is missing on some systems; initdb fails before writing anything then.
	if err := c.run(ctx, "initdb", append(args, "--locale=C.UTF-8")...); err == nil {
		return nil
	}
	return c.run(ctx, "initdb", append(args, "--no-locale")...)
}

// url returns the URL of database db as superuser postgres.
func (c *cluster) url(db string) string {
	return pgURL("postgres", "127.0.0.1", strconv.Itoa(c.port), db, "disable")
}

// addr returns the server's address, for messages.
func (c *cluster) addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port))
}

// readVersion returns the major version in dir/PG_VERSION, or "" if there is no cluster.
func readVersion(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "PG_VERSION")) // #nosec G304 -- PG_VERSION of the private cluster's data directory
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
