package config

import (
	_ "embed"
)

// exampleYAML is the embedded example network (example/network.yaml).
//
//go:embed example/network.yaml
var exampleYAML []byte

// ExampleName is the file name the example's problems and paths are
// labelled with.
const ExampleName = "example/network.yaml"

// ExampleYAML returns a copy of the embedded example network file: the
// network of network-yaml.md made self-contained, what the CLI uses when
// given no -c FILE.
func ExampleYAML() []byte { return append([]byte(nil), exampleYAML...) }

// Example decodes and validates the embedded example network. It has no
// relative paths; its query log goes to stdout.
func Example() (*Network, *File, error) {
	return Parse(exampleYAML, ExampleName, ".")
}
