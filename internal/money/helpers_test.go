package money

import (
	"flag"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"congquy/internal/apperr"
)

var seedFlag = flag.Uint64("seed", 0, "seed for the randomized tests of package money (0: $MONEY_SEED, else the clock)")

// mustRand returns a generator seeded from -seed, $MONEY_SEED or the clock, and logs the
// seed so that a failure can be replayed.
func mustRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := *seedFlag
	if seed == 0 {
		if env := os.Getenv("MONEY_SEED"); env != "" {
			s, err := strconv.ParseUint(env, 10, 64)
			if err != nil {
				t.Fatalf("MONEY_SEED=%q: %v", env, err)
			}
			seed = s
		}
	}
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay: go test ./internal/money/ -run '^%s$' -seed=%d, or MONEY_SEED=%d)", seed, t.Name(), seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// mustSameErr fails unless err is an Invalid *apperr.Error with want's English message and
// a Vietnamese message.
func mustSameErr(t *testing.T, err error, want *apperr.Error) {
	t.Helper()
	got, ok := apperr.As(err)
	if !ok {
		t.Fatalf("error %v (%T), want *apperr.Error %q", err, err, want.EN)
	}
	if got.Code != apperr.Invalid || got.EN != want.EN || got.VI != want.VI || got.VI == "" {
		t.Fatalf("error %s / %q, want %s / %q", got.Code, got.EN, want.Code, want.EN)
	}
}

// mustEqual fails unless got is want.
func mustEqual(t *testing.T, got, want VND) {
	t.Helper()
	if !got.Equal(want) {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// errOf returns err as an *apperr.Error, for table entries typed as error.
func errOf(err error) *apperr.Error {
	e, _ := apperr.As(err)
	return e
}
