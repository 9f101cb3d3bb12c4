// Package health serves the probes of a vpcdns behind a load balancer or
// an orchestrator, on the metrics listener: /healthz (the process is up
// and serves HTTP) and /readyz (every readiness check passes: the state is
// loaded and DNS is serving, the state store can be reached).
package health

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Check is one readiness check; an error says why the instance is not
// ready.
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// Probes holds the readiness checks. The zero value is ready.
type Probes struct {
	mu     sync.RWMutex
	checks []Check
}

// Add adds a readiness check.
func (p *Probes) Add(name string, fn func(ctx context.Context) error) {
	p.mu.Lock()
	p.checks = append(p.checks, Check{name, fn})
	p.mu.Unlock()
}

// timeout bounds one /readyz: a store that does not answer within it is
// not reachable.
const timeout = 2 * time.Second

// Register adds /healthz and /readyz to mux.
func (p *Probes) Register(mux *http.ServeMux) {
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		p.mu.RLock()
		checks := append([]Check(nil), p.checks...)
		p.mu.RUnlock()
		var b strings.Builder
		ready := true
		for _, c := range checks {
			if err := c.Fn(ctx); err != nil {
				ready = false
				fmt.Fprintf(&b, "not ready: %s: %v\n", c.Name, err)
			} else {
				fmt.Fprintf(&b, "ok: %s\n", c.Name)
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprint(w, b.String())
	})
}
