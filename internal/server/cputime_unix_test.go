//go:build unix

package server_test

import (
	"syscall"
	"testing"
	"time"
)

// processCPU is the CPU time, user and system, the test process has used.
func processCPU(t testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
