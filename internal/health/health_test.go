package health

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestProbes(t *testing.T) {
	storeErr := errors.New("store 127.0.0.1:2379: connection refused")
	cases := []struct {
		name     string
		path     string
		checks   []Check
		status   int
		contains string
	}{
		{"healthz without checks", "/healthz", nil, 200, "ok"},
		{"healthz ignores readiness", "/healthz", []Check{{"store", func(context.Context) error { return storeErr }}}, 200, "ok"},
		{"readyz all pass", "/readyz", []Check{{"state", func(context.Context) error { return nil }}}, 200, "ok: state"},
		{"readyz store down", "/readyz", []Check{{"state", func(context.Context) error { return nil }},
			{"store", func(context.Context) error { return storeErr }}}, 503, "not ready: store: store 127.0.0.1:2379"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p Probes
			for _, ch := range c.checks {
				p.Add(ch.Name, ch.Fn)
			}
			mux := http.NewServeMux()
			p.Register(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			resp, err := http.Get(srv.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status || !strings.Contains(string(body), c.contains) {
				t.Errorf("GET %s: %d %q, want %d with %q", c.path, resp.StatusCode, body, c.status, c.contains)
			}
		})
	}
}
