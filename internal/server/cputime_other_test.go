//go:build !unix

package server_test

import (
	"testing"
	"time"
)

// processCPU is 0 where getrusage(2) is missing: the benchmark then
// reports wall time only.
func processCPU(testing.TB) time.Duration { return 0 }
