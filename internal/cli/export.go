package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/store/boltstore"
	"github.com/vpcdns/vpcdns/internal/config"
)

// runExport writes the current network as network.yaml: the state kept
// under --data-dir by the AWS API when there is one, else -c FILE (both as
// Marshal writes them: a network read back has no comments), else the
// embedded example as it is written, with its comments.
func runExport(ctx context.Context, args []string, std IO) int {
	fs := flagSet("export", "[--data-dir DIR | --store URL] [-c FILE] [-o yaml|json] [--output FILE]", std)
	file := fs.String("c", "", "network `FILE` exported when --data-dir or --store holds no state; the embedded example when absent")
	dataDir := fs.String("data-dir", "", "the `DIR` that `vpcdns serve --api-listen --data-dir` keeps its state in")
	storeURL := fs.String("store", "", "the etcd store `URL` etcd://HOST:PORT[,HOST:PORT...]/PREFIX that `vpcdns serve --store` shares; see docs/fleet.md")
	var etcd awsapi.EtcdAuth
	fs.StringVar(&etcd.CACert, "etcd-cacert", "", "verify the etcd members with the CA bundle `FILE` (etcdctl --cacert)")
	fs.StringVar(&etcd.Cert, "etcd-cert", "", "TLS client certificate `FILE` for etcd (etcdctl --cert)")
	fs.StringVar(&etcd.Key, "etcd-key", "", "TLS client key `FILE` for etcd (etcdctl --key)")
	fs.StringVar(&etcd.User, "etcd-user", "", "etcd user `NAME[:PASSWORD]` (etcdctl --user)")
	fs.StringVar(&etcd.Password, "etcd-password", "", "etcd `PASSWORD` of --etcd-user (etcdctl --password)")
	format := fs.String("o", "yaml", "output `format`: yaml or json (the same document; JSON loads faster)")
	out := fs.String("output", "", "write to `FILE` instead of standard output")
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if *format != "yaml" && *format != "json" {
		return usageError(std, fs, fmt.Errorf("-o %q: want yaml or json (-o is a format; write to a file with --output FILE)", *format))
	}
	if len(pos) > 0 {
		return usageError(std, fs, fmt.Errorf("export takes no arguments, got %q", pos[0]))
	}
	if *storeURL != "" && *dataDir != "" {
		return usageError(std, fs, errors.New("--store and --data-dir: the state is kept in one of them"))
	}
	if *storeURL == "" && etcd != (awsapi.EtcdAuth{}) {
		return usageError(std, fs, errors.New("the --etcd-* flags need --store etcd://..."))
	}
	var f *config.File
	found := false
	if *storeURL != "" {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		f, found, err = awsapi.ReadStore(rctx, *storeURL, etcd)
		cancel()
		if err != nil {
			fmt.Fprintf(std.Stderr, "vpcdns export: %v\n", err)
			return exitFail
		}
	}
	if *dataDir != "" {
		if f, found, err = boltstore.ReadFile(*dataDir); err != nil {
			fmt.Fprintf(std.Stderr, "vpcdns export: %v\n", err)
			return exitInvalid
		}
	}
	if !found && *file == "" {
		// The embedded example as it is written, comments and all: it is
		// the starting point people copy.
		return writeExport(std, *out, config.ExampleYAML())
	}
	if !found {
		if _, f, err = loadNetwork(*file); err != nil {
			printProblems(std.Stderr, err)
			return exitInvalid
		}
	}
	data, err := config.Marshal(f)
	if *format == "json" && err == nil {
		data, err = json.MarshalIndent(f, "", "  ")
		data = append(data, '\n')
	}
	if err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns export: %v\n", err)
		return exitFail
	}
	return writeExport(std, *out, data)
}

// writeExport writes data to the file out, or to standard output when out
// is empty.
func writeExport(std IO, out string, data []byte) int {
	if out == "" {
		std.Stdout.Write(data)
		return exitOK
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		fmt.Fprintf(std.Stderr, "vpcdns export: %v\n", err)
		return exitFail
	}
	return exitOK
}

// baseDir is the directory a network file's relative paths are read from.
func baseDir(file string) string {
	if file == "" {
		return "."
	}
	return filepath.Dir(file)
}
