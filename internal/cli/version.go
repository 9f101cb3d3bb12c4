package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// runVersion prints the module version, the VCS revision the binary was
// built from, and the Go version, from the build information Go embeds.
func runVersion(_ context.Context, args []string, std IO) int {
	fs := flagSet("version", "", std)
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) > 0 {
		return usageError(std, fs, fmt.Errorf("version takes no arguments, got %q", pos[0]))
	}
	bi, _ := debug.ReadBuildInfo()
	fmt.Fprintln(std.Stdout, versionText(bi))
	return exitOK
}

// versionText is "vpcdns VERSION (revision REV, TIME[, modified]) go1.x
// os/arch"; parts the build did not record are left out.
func versionText(bi *debug.BuildInfo) string {
	v := "(devel)"
	settings := map[string]string{}
	if bi != nil {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			settings[s.Key] = s.Value
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "vpcdns %s", v)
	if rev := settings["vcs.revision"]; rev != "" {
		parts := []string{"revision " + rev}
		if t := settings["vcs.time"]; t != "" {
			parts = append(parts, t)
		}
		if settings["vcs.modified"] == "true" {
			parts = append(parts, "modified")
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, " %s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return b.String()
}
