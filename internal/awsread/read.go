// Package awsread reads a network from AWS accounts into network.yaml: live
// through the AWS SDK for Go v2, or offline from the JSON files that the
// AWS CLI prints for the same calls. One decoder serves both: the SDK's
// output structs marshal to the JSON the CLI prints (the API's member
// names), and both go through the table of calls (Calls).
package awsread

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Failure is a call that did not give its result.
type Failure struct {
	Call    string // ec2:DescribeVpnConnections, with the resource when per resource
	Account string
	// Action is the IAM action that was missing, for a denied call.
	Action string
	Code   string
	Msg    string
	Denied bool
}

func (f Failure) String() string {
	acct := ""
	if f.Account != "" {
		acct = " in account " + f.Account
	}
	if f.Denied {
		return fmt.Sprintf("%s%s: %s: missing IAM action %s", f.Call, acct, f.Code, f.Action)
	}
	return fmt.Sprintf("%s%s: %s", f.Call, acct, strings.TrimSpace(f.Code+" "+f.Msg))
}

// Result is what an import read.
type Result struct {
	File     *config.File
	Accounts []string
	// Calls counts the API calls made (pages, for a live import) or the
	// files read (offline).
	Calls    int
	Failures []Failure
}

// Complete reports whether everything was read and modeled.
func (r *Result) Complete() bool {
	return len(r.Failures) == 0 && len(r.File.Unmodeled) == 0
}

// Kinds counts the resources of the file per kind, for the summary.
func (r *Result) Kinds() [][2]string {
	f := r.File
	var subnets, instances int
	for _, v := range f.VPCs {
		subnets += len(v.Subnets)
		instances += len(v.Instances)
	}
	var tgwRT int
	for _, t := range f.TransitGateways {
		tgwRT += len(t.RouteTables)
	}
	kinds := []struct {
		name string
		n    int
	}{
		{"vpcs", len(f.VPCs)}, {"subnets", subnets}, {"instances", instances}, {"dhcp option sets", len(f.DHCPOptionSets)},
		{"route tables", len(f.RouteTables)}, {"security groups", len(f.SecurityGroups)}, {"network acls", len(f.NetworkACLs)},
		{"vpc peerings", len(f.VPCPeerings)}, {"transit gateways", len(f.TransitGateways)}, {"tgw route tables", tgwRT},
		{"remote networks", len(f.RemoteNetworks)}, {"vpn gateways", len(f.VPNGateways)}, {"prefix lists", len(f.PrefixLists)},
		{"vpc endpoints", len(f.VPCEndpoints)}, {"resolver endpoints", len(f.Endpoints)}, {"resolver rules", len(f.Rules)},
		{"private hosted zones", len(f.HostedZones)}, {"query log configs", len(f.QueryLogging)}, {"route 53 profiles", len(f.Profiles)},
		{"unmodeled", len(f.Unmodeled)},
	}
	var out [][2]string
	for _, k := range kinds {
		out = append(out, [2]string{k.name, fmt.Sprint(k.n)})
	}
	return out
}

// callError is the error of one call: an AWS error code and message.
type callError struct {
	Code, Msg string
}

func (e *callError) Error() string { return e.Code + ": " + e.Msg }

// deniedCodes are the error codes AWS services give for a missing
// permission.
var deniedCodes = map[string]bool{
	"AccessDenied": true, "AccessDeniedException": true, "UnauthorizedOperation": true,
	"Client.UnauthorizedOperation": true, "UnauthorizedAccess": true, "AuthorizationError": true,
	"UnrecognizedClientException": false,
}

// authCodes are the error codes of credentials AWS does not accept: the
// account gives nothing. Any other answer means the endpoint is there (an
// emulator without STS, say) and the other calls are worth making.
var authCodes = map[string]bool{
	"InvalidClientTokenId": true, "SignatureDoesNotMatch": true, "ExpiredToken": true, "ExpiredTokenException": true,
	"UnrecognizedClientException": true, "AuthFailure": true, "InvalidAccessKeyId": true, "MissingAuthenticationToken": true,
	"IncompleteSignature": true, "InvalidSignatureException": true,
}

// errUnusable marks an account that gave nothing: no credentials, an
// endpoint that cannot be reached.
var errUnusable = errors.New("nothing usable")

// source gives the output pages of one call for one resource, each to
// page as it arrives; an error page returns ends the call with it.
type source interface {
	pages(ctx context.Context, c *call, k key, page func([]byte) error) error
}

// invalidOutput is a page that could not be decoded.
type invalidOutput struct{ err error }

func (e *invalidOutput) Error() string { return e.err.Error() }

// KindCount is how many resources of one kind an import has read so far.
type KindCount struct {
	Kind string
	N    int
	// Done: every call that reads the kind has finished.
	Done bool
}

// tracker counts the resources read per kind and reports every change
// (from several goroutines) to report. A nil tracker counts nothing.
type tracker struct {
	mu     sync.Mutex
	kinds  []string // in table order
	idx    map[string]int
	n      []int
	open   []int
	seen   []bool
	report func([]KindCount)
}

func newTracker(report func([]KindCount)) *tracker {
	if report == nil {
		return nil
	}
	t := &tracker{idx: map[string]int{}, report: report}
	for _, c := range Calls() {
		if _, ok := t.idx[c.Kind]; !ok && c.Kind != "" {
			t.idx[c.Kind] = len(t.kinds)
			t.kinds = append(t.kinds, c.Kind)
		}
	}
	t.n, t.open, t.seen = make([]int, len(t.kinds)), make([]int, len(t.kinds)), make([]bool, len(t.kinds))
	return t
}

// queued counts one more call of kind to finish.
func (t *tracker) queued(kind string) {
	if t == nil || kind == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.open[t.idx[kind]]++
}

// started shows kind from now on.
func (t *tracker) started(kind string) {
	if t == nil || kind == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seen[t.idx[kind]] = true
	t.emit()
}

// read counts n resources of kind read; finished, that one call of kind
// has finished.
func (t *tracker) read(kind string, n int, finished bool) {
	if t == nil || kind == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	i := t.idx[kind]
	t.n[i] += n
	if finished {
		t.open[i]--
	}
	t.emit()
}

func (t *tracker) emit() {
	var out []KindCount
	for j, k := range t.kinds {
		if t.seen[j] {
			out = append(out, KindCount{Kind: k, N: t.n[j], Done: t.open[j] == 0})
		}
	}
	t.report(out)
}

// readAccount makes every call of the table against src, at most limit at
// a time. Each page is decoded as it arrives; what it holds is added to
// the account in table order (so the result does not depend on which call
// finished first).
//
// When strict, a failed identity call (sts GetCallerIdentity) means the
// account gave nothing usable (no or bad credentials, no endpoint).
// tr, when not nil, counts the resources read per kind.
func readAccount(ctx context.Context, src source, limit int, strict bool, tr *tracker) (*account, []Failure, int, error) {
	a := newAccount()
	calls := Calls()
	var failures []Failure
	n := 0
	fail := func(c *call, id string, err error) {
		f := Failure{Call: c.Name(id), Action: c.Action(), Msg: err.Error()}
		var ce *callError
		var io *invalidOutput
		if errors.As(err, &io) {
			ce = &callError{Code: "InvalidOutput", Msg: io.Error()}
		}
		if ce != nil || errors.As(err, &ce) {
			f.Code, f.Msg = ce.Code, ce.Msg
			f.Denied = deniedCodes[ce.Code]
		}
		failures = append(failures, f)
	}
	type job struct {
		c       *call
		k       key
		pages   int
		applies []func(*account)
		err     error
	}
	do := func(j *job) {
		tr.started(j.c.Kind)
		j.err = src.pages(ctx, j.c, j.k, func(p []byte) error {
			j.pages++
			apply, count, err := j.c.decode(j.k.ID, p, j.c.Member)
			if err != nil {
				return &invalidOutput{fmt.Errorf("decode %s: %w", j.c.Name(j.k.ID), err)}
			}
			j.applies = append(j.applies, apply)
			tr.read(j.c.Kind, count, false)
			return nil
		})
		tr.read(j.c.Kind, 0, true)
	}
	apply := func(j *job) {
		n += j.pages
		if j.err != nil {
			fail(j.c, j.k.ID, j.err)
		}
		for _, f := range j.applies {
			f(a)
		}
	}
	// The caller's identity first: without it nothing else is worth asking.
	who := &job{c: calls[0]}
	do(who)
	if who.err != nil {
		var ce *callError
		var io *invalidOutput
		if errors.As(who.err, &io) {
			return nil, nil, n + who.pages, io
		}
		if strict && (!errors.As(who.err, &ce) || authCodes[ce.Code]) {
			return nil, nil, n + who.pages, fmt.Errorf("%s: %w: %w", who.c.Name(""), errUnusable, who.err)
		}
	}
	apply(who)
	if a.caller != nil {
		a.id = a.caller.Account
	}
	run := func(jobs []*job) {
		for _, j := range jobs {
			tr.queued(j.c.Kind)
		}
		sem := make(chan struct{}, max(limit, 1))
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				do(j)
			}()
		}
		wg.Wait()
		for _, j := range jobs {
			apply(j)
		}
	}
	var lists []*job
	for _, c := range calls[1:] {
		if c.Each == nil {
			lists = append(lists, &job{c: c})
		}
	}
	run(lists)
	if ctx.Err() != nil {
		return nil, nil, n, ctx.Err()
	}
	var each []*job
	for _, c := range calls[1:] {
		if c.Each != nil {
			for _, k := range c.Each.keys(a) {
				each = append(each, &job{c: c, k: k})
			}
		}
	}
	run(each)
	if a.id == "" {
		for _, v := range a.vpcs {
			if v.OwnerId != "" {
				a.id = v.OwnerId
				break
			}
		}
	}
	for i := range failures {
		failures[i].Account = a.id
	}
	return a, failures, n, ctx.Err()
}

// build turns the accounts read into a Result.
func build(region string, accts []*account, failures []Failure, calls int) *Result {
	if region == "" {
		region = regionOf(accts)
	}
	b := newBuilder(region, accts)
	f := b.build()
	used := map[string]bool{}
	for _, u := range f.Unmodeled {
		used[u.ID] = true
	}
	for _, fl := range failures {
		reason := "the call failed: " + strings.TrimSpace(fl.Code+" "+fl.Msg)
		if fl.Denied {
			reason = "the call was denied (" + fl.Code + "): missing IAM action " + fl.Action + "; what it reads is absent"
		}
		id := fl.Call
		if len(accts) > 1 && fl.Account != f.AccountID {
			id += "@" + fl.Account // one entry per account: ids are unique in a file
		}
		for n := 2; used[id]; n++ {
			// The same call failed in accounts that are not told apart
			// (offline folders without an account id).
			id = fmt.Sprintf("%s#%d", fl.Call, n)
		}
		used[id] = true
		f.Unmodeled = append(f.Unmodeled, config.UnmodeledFile{ID: id, Kind: "api-call", Reason: reason, Account: fl.Account})
	}
	sort.SliceStable(f.Unmodeled, func(i, j int) bool {
		x, y := f.Unmodeled[i], f.Unmodeled[j]
		if x.Kind != y.Kind {
			return x.Kind < y.Kind
		}
		return x.ID < y.ID
	})
	r := &Result{File: f, Calls: calls, Failures: failures}
	for _, a := range accts {
		r.Accounts = append(r.Accounts, a.id)
	}
	return r
}

// regionOf guesses the region from the availability zones of the subnets
// (us-east-1a -> us-east-1), for an offline import without --region.
func regionOf(accts []*account) string {
	for _, a := range accts {
		for _, s := range a.subnets {
			if az := s.AvailabilityZone; len(az) > 1 {
				return strings.TrimRight(az, "abcdefghijklmnopqrstuvwxyz")
			}
		}
	}
	return config.DefaultRegion
}
