//go:build !linux

package main

import (
	"os"
	"syscall"
)

// childAttr: elsewhere the server is stopped by the benchmark's own
// cleanup only.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }

// killGroup kills the server.
func killGroup(p *os.Process) { p.Kill() }
