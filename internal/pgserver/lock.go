package pgserver

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// Processes sharing a private cluster coordinate with two flock(2) locks,
// which the kernel drops when a process dies:
//   - DataDir+".lock", held exclusively while a process creates, starts or
//     stops the cluster;
//   - DataDir itself, held shared by every process using the cluster. Whoever
//     leaves last, and so gets it exclusively, stops the cluster.

// lock opens path and takes a flock on it (syscall.LOCK_SH or LOCK_EX),
// waiting for it until ctx is done. Closing the file releases the lock.
func lock(ctx context.Context, path string, how int) (*os.File, error) {
	for {
		f, err := tryLock(path, how)
		if f != nil || err != nil {
			return f, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// tryLock is lock without waiting: it returns nil, nil when the lock is taken.
func tryLock(path string, how int) (*os.File, error) {
	// A directory cannot be opened with O_CREATE, hence Open first.
	f, err := os.Open(path) // #nosec G304 -- the private cluster's lock file under its data directory
	if errors.Is(err, fs.ErrNotExist) {
		f, err = os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o644) // #nosec G302 G304 -- an empty lock file (flock only) that the root process and the cluster's OS user both open
	}
	if err != nil {
		return nil, err
	}
	err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if err == nil {
		return f, nil
	}
	_ = f.Close()
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, nil
	}
	return nil, err
}
