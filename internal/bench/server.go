package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Server is a congquy server the harness started, on its own port.
type Server struct {
	URL string
	// Output receives the server's standard output and error (default os.Stderr); set it
	// before a Restart.
	Output io.Writer
	cmd    *exec.Cmd

	bin, dbURL string
	env        []string
	port       int
}

// StartServer runs `bin serve` against the database and waits until /readyz answers.
func StartServer(ctx context.Context, bin, dbURL string, extraEnv ...string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin, dbURL: dbURL, env: extraEnv, port: port}
	return s, s.start(ctx)
}

// StartServerTo is StartServer with the server's output sent to out.
func StartServerTo(ctx context.Context, out io.Writer, bin, dbURL string, extraEnv ...string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Output: out, bin: bin, dbURL: dbURL, env: extraEnv, port: port}
	return s, s.start(ctx)
}

// Restart starts a stopped server again on the same port.
func (s *Server) Restart(ctx context.Context) error { return s.start(ctx) }

func (s *Server) start(ctx context.Context) error {
	bin, dbURL, extraEnv, port := s.bin, s.dbURL, s.env, s.port
	cmd := exec.Command(bin, "serve") // #nosec G204 -- the congquy binary the benchmark measures (-bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "CONGQUY_ADDR=127.0.0.1:"+strconv.Itoa(port),
		"CONGQUY_BASE_URL=http://localhost:"+strconv.Itoa(port), "CONGQUY_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if s.Output != nil {
		cmd.Stdout, cmd.Stderr = s.Output, s.Output
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start server: %w", err)
	}
	s.URL, s.cmd = fmt.Sprintf("http://127.0.0.1:%d", port), cmd
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.URL + "/readyz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			s.Stop()
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.Stop()
	return fmt.Errorf("server did not become ready in 60 s")
}

// PeakRSS returns the server process's peak resident set size in bytes (VmHWM).
func (s *Server) PeakRSS() (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM for pid %d", s.cmd.Process.Pid)
}

// Stop ends the server with SIGTERM (graceful) and waits for it.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(40 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

// Kill ends the server with SIGKILL (no shutdown at all, as a crash would) and waits
// for it; Restart starts it again.
func (s *Server) Kill() {
	if s.cmd == nil || s.cmd.Process == nil || s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// ResetPeakRSS resets the process's peak resident set size (Linux clear_refs 5), so that
// PeakRSS afterwards reports the peak of what follows.
func (s *Server) ResetPeakRSS() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.cmd.Process.Pid), []byte("5"), 0)
}

// Metric returns the text of /metrics.
func (s *Server) Metric(name string) ([]string, error) {
	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out []string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), name) {
			out = append(out, sc.Text())
		}
	}
	return out, sc.Err()
}

// Histogram is a Prometheus histogram's cumulative bucket counts by upper bound.
type Histogram map[float64]int64

// ParseHistogram reads the _bucket lines of one histogram.
func ParseHistogram(lines []string) Histogram {
	h := Histogram{}
	for _, l := range lines {
		i := strings.Index(l, `le="`)
		if i < 0 {
			continue
		}
		rest := l[i+4:]
		j := strings.Index(rest, `"`)
		le, err := strconv.ParseFloat(rest[:j], 64) // "+Inf" parses as +Inf
		fields := strings.Fields(l)
		n, err2 := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil || err2 != nil {
			continue
		}
		h[le] = int64(n)
	}
	return h
}

// Since returns the observations made after earlier was read.
func (h Histogram) Since(earlier Histogram) Histogram {
	d := Histogram{}
	for le, n := range h {
		d[le] = n - earlier[le]
	}
	return d
}

// Quantile returns the upper bound of the bucket holding quantile q, and the number of
// observations.
func (h Histogram) Quantile(q float64) (float64, int64) {
	les := make([]float64, 0, len(h))
	for le := range h {
		les = append(les, le)
	}
	sort.Float64s(les)
	if len(les) == 0 {
		return 0, 0
	}
	total := h[les[len(les)-1]]
	for _, le := range les {
		if float64(h[le]) >= q*float64(total) {
			return le, total
		}
	}
	return les[len(les)-1], total
}
