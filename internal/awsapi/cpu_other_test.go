//go:build !unix

package awsapi_test

import "time"

// processCPU is not measured where getrusage(2) is missing: the write
// benchmark reports 0 CPU there.
func processCPU() time.Duration { return 0 }
