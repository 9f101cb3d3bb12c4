// Command vpcdns answers DNS for modeled VPCs as Amazon Route 53 Resolver
// would, and explains every answer. See README.md and `vpcdns help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/vpcdns/vpcdns/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.IO{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}
