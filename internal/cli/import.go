package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/vpcdns/vpcdns/internal/awsread"
	"github.com/vpcdns/vpcdns/internal/config"
)

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }

func runImport(ctx context.Context, args []string, std IO) int {
	fs := flagSet("import", "[--region R] [--profile P]... [--role-arn ARN]... [--endpoint-url URL] [-o FILE] | --from DIR [-o FILE] | --print-commands [--region R]", std)
	region := fs.String("region", "", "AWS `region` to read [the SDK's default: AWS_REGION, the profile's region]")
	var profiles repeated
	fs.Var(&profiles, "profile", "shared config `profile` (~/.aws/config, SSO profiles too); repeatable, one account each")
	var roles repeated
	fs.Var(&roles, "role-arn", "`ARN` of a role to assume with STS and read as one more account (repeatable)")
	endpoint := fs.String("endpoint-url", "", "`URL` of an AWS-compatible endpoint for every service (an emulator, vpcdns serve --api-listen)")
	out := fs.String("o", "", "write the network to `FILE` [standard output]")
	from := fs.String("from", "", "read offline from `DIR`: the JSON files the commands of --print-commands write")
	printCmds := fs.Bool("print-commands", false, "print the AWS CLI commands that save what --from reads, one per line")
	concurrency := fs.Int("concurrency", 8, "calls in flight at once per account")
	attempts := fs.Int("max-attempts", 10, "attempts per call of the SDK's adaptive retryer (throttling, server errors)")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) > 0 {
		return usageError(std, fs, fmt.Errorf("unexpected argument %q", pos[0]))
	}
	if *printCmds {
		r := *region
		if r == "" {
			r = config.DefaultRegion
		}
		if err := awsread.PrintCommands(std.Stdout, r); err != nil {
			fmt.Fprintf(std.Stderr, "vpcdns import: %v\n", err)
			return exitInvalid
		}
		return exitOK
	}
	var res *awsread.Result
	// Progress, on a terminal only: one line rewritten in place.
	var progress func(string, []awsread.KindCount)
	terminal := std.terminal
	if terminal == nil {
		terminal = terminalWidth
	}
	if width, ok := terminal(std.Stderr); ok {
		progress = progressPrinter(std.Stderr, width)
	}
	if *from != "" {
		if len(roles) > 0 || *endpoint != "" || len(profiles) > 0 {
			return usageError(std, fs, fmt.Errorf("--from reads files: --role-arn, --endpoint-url and --profile are for a live import"))
		}
		res, err = awsread.ReadDir(ctx, *from, *region, progress)
	} else {
		opts := awsread.Options{Region: *region, Profiles: profiles, EndpointURL: *endpoint, RoleARNs: roles, Concurrency: *concurrency, MaxAttempts: *attempts,
			Progress: progress}
		res, err = awsread.Read(ctx, opts)
	}
	if progress != nil {
		fmt.Fprint(std.Stderr, "\r\033[K") // the summary below says it all
	}
	if err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns import: %v\n", err)
		return exitInvalid
	}
	data, err := config.Marshal(res.File)
	if err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns import: %v\n", err)
		return exitInvalid
	}
	code := exitOK
	if !res.Complete() {
		code = exitFail
	}
	name := "imported network"
	if *out != "" {
		name = *out
	}
	if _, perr := config.Validate(res.File, name, "."); perr != nil {
		fmt.Fprintf(std.Stderr, "vpcdns import: the network read does not validate (please report this as a bug):\n")
		printProblems(std.Stderr, perr)
		code = exitFail
	}
	if err := writeOutput(*out, data, std.Stdout); err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns import: %v\n", err)
		return exitInvalid
	}
	summary(std.Stderr, res)
	return code
}

// writeOutput writes data to path (through a temporary file and a rename,
// so a reader never sees half a network), or to w when path is empty.
func writeOutput(path string, data []byte, w io.Writer) error {
	if path == "" {
		_, err := w.Write(data)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".vpcdns-import-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// summary writes what was read: resources per kind, calls, failures, and
// what could not be modeled.
func summary(w io.Writer, r *awsread.Result) {
	fmt.Fprintf(w, "vpcdns import: %d account(s) (%s), %d call(s)\n", len(r.Accounts), strings.Join(r.Accounts, ", "), r.Calls)
	var parts []string
	for _, k := range r.Kinds() {
		if k[1] != "0" {
			parts = append(parts, k[1]+" "+k[0])
		}
	}
	fmt.Fprintf(w, "  read: %s\n", strings.Join(parts, ", "))
	var denied, failed []string
	for _, f := range r.Failures {
		if f.Denied {
			denied = append(denied, f.String())
		} else {
			failed = append(failed, f.String())
		}
	}
	sort.Strings(denied)
	sort.Strings(failed)
	fmt.Fprintf(w, "  calls denied: %d\n", len(denied))
	for _, d := range denied {
		fmt.Fprintf(w, "    %s\n", d)
	}
	if len(failed) > 0 {
		fmt.Fprintf(w, "  calls failed: %d\n", len(failed))
		for _, d := range failed {
			fmt.Fprintf(w, "    %s\n", d)
		}
	}
	n := 0
	for _, u := range r.File.Unmodeled {
		if u.Kind != "api-call" {
			n++
		}
	}
	fmt.Fprintf(w, "  not modeled: %d (listed under unmodeled: in the file)\n", n)
	for _, u := range r.File.Unmodeled {
		if u.Kind != "api-call" {
			fmt.Fprintf(w, "    %s %s: %s\n", u.Kind, u.ID, u.Reason)
		}
	}
}

// progressPrinter rewrites one line on w, of at most width columns, with
// the resources read so far per kind: the kinds being read first, as N/…,
// then those read, leaving out the empty ones:
// "reading ACCOUNT: instances 12000/…  vpcs 500  subnets 1500".
func progressPrinter(w io.Writer, width int) func(account string, kinds []awsread.KindCount) {
	var mu sync.Mutex
	return func(account string, kinds []awsread.KindCount) {
		var parts []string
		for _, k := range kinds {
			if !k.Done {
				parts = append(parts, fmt.Sprintf("%s %d/…", k.Kind, k.N))
			}
		}
		for _, k := range kinds {
			if k.Done && k.N > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", k.Kind, k.N))
			}
		}
		line := []rune("reading " + account + ": " + strings.Join(parts, "  "))
		// A line longer than the terminal would wrap, and \r goes back to
		// the start of the last row only.
		if width > 1 && len(line) > width-1 {
			line = append(line[:width-2], '…')
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "\r\033[K%s", string(line))
	}
}
