//go:build !race

package export

// raceDetector is true when the tests run with -race, which slows them about tenfold.
const raceDetector = false
