package config

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestJSONNetwork checks that a network written as JSON decodes exactly as
// the same network in YAML, and that a JSON file with a mistake gets the
// YAML decoder's precise problems.
func TestJSONNetwork(t *testing.T) {
	var generic any
	if err := yaml.Unmarshal(ExampleYAML(), &generic); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(generic)
	if err != nil {
		t.Fatal(err)
	}
	fromYAML, err := Decode(ExampleYAML(), "network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := Decode(data, "network.json")
	if err != nil {
		t.Fatalf("Decode(JSON) = %v", err)
	}
	if !reflect.DeepEqual(fromJSON, fromYAML) {
		t.Errorf("the example read from JSON differs from the example read from YAML")
	}
	if _, ok := decodeJSON(data); !ok {
		t.Errorf("the JSON example did not take the JSON decoder")
	}

	bad := strings.Replace(string(data), `"enable_dns_hostnames"`, `"enable_dns_hostname"`, 1)
	_, err = Decode([]byte(bad), "network.json")
	ps, ok := err.(Problems)
	if !ok || len(ps) != 1 || ps[0].Path != "vpcs[0].enable_dns_hostname" || !strings.HasPrefix(ps[0].Reason, "unknown field") {
		t.Errorf("Decode(JSON with an unknown key) = %v; want one unknown-field problem at vpcs[0].enable_dns_hostname", err)
	}
}
