package cli

import (
	"context"
	"fmt"

	"github.com/vpcdns/vpcdns/internal/config"
)

// runSchema prints the JSON Schema of network.yaml, for editors: with
// yaml-language-server, a first line
// `# yaml-language-server: $schema=network.schema.json` makes it validate
// and complete the file.
func runSchema(_ context.Context, args []string, std IO) int {
	fs := flagSet("schema", "", std)
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) > 0 {
		return usageError(std, fs, fmt.Errorf("schema takes no arguments, got %q", pos[0]))
	}
	data, err := config.MarshalSchema()
	if err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns schema: %v\n", err)
		return exitFail
	}
	std.Stdout.Write(data)
	return exitOK
}
