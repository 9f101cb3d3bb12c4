package config

import (
	"bytes"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Marshal writes f as network.yaml (two-space indent, the spec's keys,
// empty optional keys left out) that Decode reads back to the same File:
// the same values, with empty lists and absent ones alike.
func Marshal(f *File) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("marshal network: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal network: %w", err)
	}
	return buf.Bytes(), nil
}
