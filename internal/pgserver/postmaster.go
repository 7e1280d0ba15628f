package pgserver

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The postmaster is the server process of the cluster. pg_ctl starts it
// detached, so it outlives this process; it runs as the server user.

// ensureRunning reuses the cluster if it runs already, else starts it on a
// free port, trying another port if the one picked was taken meanwhile.
func (c *cluster) ensureRunning(ctx context.Context, ephemeral bool) error {
	if port, err := c.waitAnswering(ctx); err != nil || port != 0 {
		c.port = port
		if err == nil {
			c.log.Info("reusing private PostgreSQL", "dir", c.dir, "addr", c.addr())
		}
		return err
	}
	logPath := filepath.Join(c.dir, "server.log")
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return err
		}
		c.port = port
		c.log.Info("starting private PostgreSQL", "dir", c.dir, "addr", c.addr(), "log", logPath)
		offset := fileSize(logPath)
		err = c.start(ctx, logPath, ephemeral)
		if err == nil {
			c.started = true
			return nil
		}
		tail := readTail(logPath, offset)
		if attempt == 3 || !strings.Contains(tail, "already in use") {
			return fmt.Errorf("%w\n%s", err, tail)
		}
	}
}

// waitAnswering returns the port of the running cluster, or 0 if it does not
// run. While postmaster.pid names a live process whose port does not answer
// (a server starting or stopping, or a dead one its parent has not yet
// collected) it waits up to 10 s, then gives up with an error.
func (c *cluster) waitAnswering(ctx context.Context) (int, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		pid, port, ok := c.running(ctx)
		if !ok {
			return 0, nil
		}
		conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err == nil {
			_ = conn.Close()
			return port, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("postmaster.pid names process %d, which is alive but does not answer on port %d: "+
				"stop it, or remove postmaster.pid if it is not PostgreSQL", pid, port)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// start runs pg_ctl start, which returns once the server accepts
// connections; the server then runs detached, in its own session, until Stop.
func (c *cluster) start(ctx context.Context, logPath string, ephemeral bool) error {
	sock := ""
	if len(c.dir) <= 90 { // a socket path must fit in 107 bytes
		sock = c.dir
	}
	opts := []string{"-p", strconv.Itoa(c.port), "-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=" + sock, "-c", "max_connections=200"}
	if ephemeral {
		opts = append(opts, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := c.command(ctx, "pg_ctl", "start", "-D", c.dir, "-w", "-l", logPath, "-o", shellQuote(opts))
	cmd.SysProcAttr.Setsid = true
	return runCmd(cmd)
}

// release ends this process's use of the cluster and stops the cluster if
// no other process uses it.
func (c *cluster) release() error {
	if c.use != nil {
		_ = c.use.Close()
		c.use = nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	setup, err := lock(ctx, c.dir+".lock", syscall.LOCK_EX)
	if err != nil {
		return err
	}
	defer setup.Close()
	last, err := tryLock(c.dir, syscall.LOCK_EX)
	if err != nil {
		return err
	}
	if last == nil {
		c.log.Info("leaving private PostgreSQL running for other processes", "dir", c.dir)
		return nil
	}
	defer last.Close()
	return c.stop(ctx)
}

// stop stops the cluster if it runs.
func (c *cluster) stop(ctx context.Context) error {
	pid, port, ok := c.running(ctx)
	if !ok {
		return nil
	}
	c.log.Info("stopping private PostgreSQL", "dir", c.dir, "port", port)
	if err := c.run(ctx, "pg_ctl", "stop", "-D", c.dir, "-m", "fast", "-w"); err != nil {
		return err
	}
	// The server is our child only if we are PID 1 or a subreaper; then
	// collect it, lest it stay a zombie. Otherwise Wait4 fails at once.
	if pid > 0 {
		_, _ = syscall.Wait4(pid, nil, 0, nil)
	}
	return nil
}

// running returns the postmaster's pid and port when the cluster runs,
// according to postmaster.pid and `pg_ctl status`, which sees stale pid files.
func (c *cluster) running(ctx context.Context) (pid, port int, ok bool) {
	b, err := os.ReadFile(filepath.Join(c.dir, "postmaster.pid"))
	if err != nil {
		return 0, 0, false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 || c.command(ctx, "pg_ctl", "status", "-D", c.dir).Run() != nil {
		return 0, 0, false
	}
	pid, _ = strconv.Atoi(strings.TrimSpace(lines[0]))
	port, err = strconv.Atoi(strings.TrimSpace(lines[3]))
	return pid, port, err == nil
}

// command prepares a PostgreSQL program to run as the server user.
func (c *cluster) command(ctx context.Context, prog string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, prog), args...) // #nosec G204 -- a PostgreSQL program (initdb, pg_ctl, postgres) from the binary directory found at start
	// The server user may not be able to enter our working directory.
	cmd.Dir = filepath.Dir(c.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

// run runs a PostgreSQL program as the server user.
func (c *cluster) run(ctx context.Context, prog string, args ...string) error {
	return runCmd(c.command(ctx, prog, args...))
}

// runCmd runs cmd and puts its output into the error, if any.
func runCmd(cmd *exec.Cmd) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// shellQuote quotes args for /bin/sh, through which pg_ctl passes -o to postgres.
func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// fileSize returns the size of path, 0 if it does not exist.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// readTail returns what was written to path after offset, at most its last 2 KB.
func readTail(path string, offset int64) string {
	f, err := os.Open(path) // #nosec G304 -- the private cluster's own log file
	if err != nil {
		return ""
	}
	defer f.Close()
	if size := fileSize(path); size-offset > 2048 {
		offset = size - 2048
	}
	b, _ := io.ReadAll(io.NewSectionReader(f, offset, 1<<20))
	return strings.TrimSpace(string(b))
}
