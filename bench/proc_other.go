//go:build !linux

package main

import (
	"os"
	"os/exec"
	"syscall"
)

// groupAttr: process groups and parent-death signals are Linux features;
// elsewhere a server is one plain child process.
func groupAttr() *syscall.SysProcAttr { return nil }

// signalGroup stops cmd's process: an interrupt where the system has one,
// a kill otherwise.
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if sig == syscall.SIGKILL {
		_ = cmd.Process.Kill()
		return
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		_ = cmd.Process.Kill()
	}
}
