package pgserver

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
)

// errNotPrivate refuses to crash a server congquy did not start.
var errNotPrivate = errors.New("pgserver: only the private cluster can be stopped and restarted")

// StopImmediate stops the private cluster as a crash would: `pg_ctl stop -m immediate`
// ends every server process without a checkpoint, so the next start replays the WAL.
// For crash-durability tests (TESTING.md row 6); Restart starts it again.
func (s *Server) StopImmediate(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cluster == nil {
		return errNotPrivate
	}
	c := s.cluster
	pid, _, ok := c.running(ctx)
	if !ok {
		return nil
	}
	if err := c.run(ctx, "pg_ctl", "stop", "-D", c.dir, "-m", "immediate", "-w"); err != nil {
		return err
	}
	if pid > 0 {
		_, _ = syscall.Wait4(pid, nil, 0, nil) // collect it if it is our child (see stop)
	}
	return nil
}

// Restart starts the private cluster again on the port it had, after StopImmediate, so
// that clients holding its URL reconnect.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cluster == nil {
		return errNotPrivate
	}
	c := s.cluster
	if _, _, ok := c.running(ctx); ok {
		return nil
	}
	return c.start(ctx, filepath.Join(c.dir, "server.log"), s.ephemeral)
}
