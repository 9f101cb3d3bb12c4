package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/vpcdns/vpcdns/internal/doctor"
)

func runDoctor(ctx context.Context, args []string, std IO) int {
	fs := flagSet("doctor", "[-c FILE] --vpc ID (-x IP | NAME [TYPE]) [-o text|json] [--timeout D]", std)
	file := fs.String("c", "", "network `FILE` (network.yaml); the embedded example when absent")
	vpcID := fs.String("vpc", "", "the `ID` of the VPC the query comes from (required)")
	rev := fs.String("x", "", "reverse lookup of `IP` (type PTR), as dig -x")
	out := fs.String("o", "text", "output `format`: text or json")
	timeout := fs.Duration("timeout", 2*time.Second, "how long to wait for each target's answer (`duration`)")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if err := outputFormat(*out); err != nil {
		return usageError(std, fs, err)
	}
	if *vpcID == "" {
		return usageError(std, fs, fmt.Errorf("--vpc is required"))
	}
	if *timeout <= 0 {
		return usageError(std, fs, fmt.Errorf("--timeout %v: want a positive duration", *timeout))
	}
	qname, qtype, err := query(*rev, pos)
	if err != nil {
		return usageError(std, fs, err)
	}
	v, code := compile(std, *file)
	if v == nil {
		return code
	}
	r, err := doctor.Run(ctx, v, *vpcID, qname, qtype, doctor.Options{Timeout: *timeout})
	if err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns doctor: %v\n", err)
		return exitInvalid
	}
	if code := writeReport(std, *out, r, doctor.WriteText); code != exitOK {
		return code
	}
	if !r.OK {
		return exitFail
	}
	return exitOK
}
