package bindtest

import "syscall"

// sysProcAttr makes the kernel kill named when the test process dies, so a
// crashed or killed test leaves no named behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
