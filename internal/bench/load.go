package bench

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// LoadResult is what a load run measured.
type LoadResult struct {
	Clients  int
	Requests int
	Errors   int
	Elapsed  time.Duration
	PerSec   float64
	P50      time.Duration
	P95      time.Duration
	P99      time.Duration
	Mean     time.Duration
}

// Load runs do from clients goroutines for d and measures each call. do gets the client
// number and the call's sequence number within that client.
func Load(ctx context.Context, clients int, d time.Duration, do func(ctx context.Context, client, seq int) error) LoadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for seq := 0; ctx.Err() == nil; seq++ {
				t0 := time.Now()
				err := do(ctx, c, seq)
				if ctx.Err() != nil {
					break // cut off by the deadline: not counted
				}
				if err != nil {
					bad++
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	return summarize(clients, all, errs, elapsed)
}

func summarize(clients int, lat []time.Duration, errs int, elapsed time.Duration) LoadResult {
	r := LoadResult{Clients: clients, Requests: len(lat), Errors: errs, Elapsed: elapsed}
	if len(lat) == 0 {
		return r
	}
	slices.Sort(lat)
	pct := func(p int) time.Duration { return lat[min(len(lat)-1, len(lat)*p/100)] }
	r.P50, r.P95, r.P99 = pct(50), pct(95), pct(99)
	var sum time.Duration
	for _, l := range lat {
		sum += l
	}
	r.Mean = sum / time.Duration(len(lat))
	r.PerSec = float64(len(lat)) / elapsed.Seconds()
	return r
}

// Median returns the median of xs (the mean of the middle two for an even count).
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// LoadN runs do n times in all from clients goroutines and measures each call; do gets
// the call's number (0…n−1). It measures throughput over the whole run.
func LoadN(ctx context.Context, clients, n int, do func(ctx context.Context, i int) error) LoadResult {
	var next atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					break
				}
				t0 := time.Now()
				if err := do(ctx, i); err != nil {
					bad++
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			all = append(all, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return summarize(clients, all, errs, time.Since(start))
}
