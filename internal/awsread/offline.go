package awsread

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
)

// Offline layout (docs/import.md): DIR holds one file per call, named as
// --print-commands writes them: describe-vpcs.json, and for a call made per
// resource describe-vpc-attribute.enableDnsSupport.vpc-0abc.json. A call the
// AWS CLI paginated by hand (--no-paginate, --starting-token) may be split
// into pages NAME.json, NAME.2.json, NAME.3.json…; the CLI's own automatic
// pagination already merges the pages into one file. A call that failed
// leaves NAME.err with the CLI's message ("An error occurred (AccessDenied)
// when calling the DescribeVpnConnections operation: …") and an empty
// NAME.json. Several accounts: one subdirectory per account, each laid out
// as above.

// maxOfflineFile bounds one file read offline.
const maxOfflineFile = 512 << 20

type dirSource struct {
	dir string
	// files counts the files read.
	files int
}

var cliError = regexp.MustCompile(`An error occurred \(([^)]+)\)[^:]*: ?(.*)`)

func (d *dirSource) pages(_ context.Context, c *call, k key, page func([]byte) error) error {
	base := filepath.Join(d.dir, c.File(k.ID))
	first, err := readFile(base + ".json")
	d.files++
	if len(bytes.TrimSpace(first)) == 0 {
		if msg, e := readFile(base + ".err"); e == nil && len(bytes.TrimSpace(msg)) > 0 {
			if m := cliError.FindSubmatch(msg); m != nil {
				return &callError{Code: string(m[1]), Msg: string(bytes.TrimSpace(m[2]))}
			}
			return &callError{Code: "CLIError", Msg: string(bytes.TrimSpace(msg))}
		}
		if err != nil {
			return &callError{Code: "MissingFile", Msg: filepath.Base(base) + ".json is not in " + d.dir}
		}
		return &callError{Code: "EmptyFile", Msg: filepath.Base(base) + ".json is empty"}
	}
	if err := page(first); err != nil {
		return err
	}
	for i := 2; ; i++ {
		p, err := readFile(base + "." + strconv.Itoa(i) + ".json")
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return &callError{Code: "ReadError", Msg: err.Error()}
		}
		d.files++
		if err := page(p); err != nil {
			return err
		}
	}
}

func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxOfflineFile {
		return nil, fmt.Errorf("%s is larger than %d MiB", path, maxOfflineFile>>20)
	}
	return os.ReadFile(path)
}

// ReadDir reads an offline import from dir (the layout above). region may
// be empty: the subnets' availability zones then say it. progress, when
// not nil, is told what was read so far, as Options.Progress is.
func ReadDir(ctx context.Context, dir, region string, progress func(account string, kinds []KindCount)) (*Result, error) {
	dirs, err := accountDirs(dir)
	if err != nil {
		return nil, err
	}
	var accts []*account
	var failures []Failure
	calls := 0
	for _, d := range dirs {
		src := &dirSource{dir: d}
		var tr *tracker
		if progress != nil {
			tr = newTracker(func(k []KindCount) { progress(filepath.Base(d), k) })
		}
		a, fl, _, err := readAccount(ctx, src, 1, false, tr)
		calls += src.files
		if err != nil {
			return nil, fmt.Errorf("import from %s: %w", d, err)
		}
		accts = append(accts, a)
		failures = append(failures, fl...)
	}
	return build(region, accts, failures, calls), nil
}

// accountDirs is dir itself when it holds the files of one account, or its
// subdirectories, one per account.
func accountDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("import from %s: %w", dir, err)
	}
	var subs []string
	for _, e := range entries {
		if e.Type().IsRegular() && filepath.Ext(e.Name()) == ".json" {
			return []string{dir}, nil
		}
		if e.IsDir() {
			subs = append(subs, filepath.Join(dir, e.Name()))
		}
	}
	if len(subs) == 0 {
		return nil, fmt.Errorf("import from %s: no .json files (run the commands of vpcdns import --print-commands there)", dir)
	}
	sort.Strings(subs)
	return subs, nil
}
