//go:build race

package forward_test

// raceEnabled: the race detector adds allocations of its own.
const raceEnabled = true
