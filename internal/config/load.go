package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Load reads, decodes and validates the network file at path; relative
// paths inside it are read from the file's directory. A file that cannot be
// read gives an error wrapped with the path; an invalid one gives Problems
// labelled with path (and the File when it could be decoded).
func Load(path string) (*Network, *File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load network %s: %w", path, err)
	}
	return Parse(data, path, filepath.Dir(path))
}

// Parse decodes and validates a network file held in memory: filename
// labels the problems, baseDir is where its relative paths are read from.
// The problems of decoding and of validation are reported together, in the
// order of the file, each with its line; a validation problem that only
// follows from a decoding problem (the same field, or inside a mapping with
// a duplicate key) is left out.
func Parse(data []byte, filename, baseDir string) (*Network, *File, error) {
	f, index, decodeProblems := decode(data, filename)
	if f == nil {
		return nil, nil, decodeProblems
	}
	n, err := Validate(f, filename, baseDir)
	if err == nil && len(decodeProblems) == 0 {
		return n, f, nil
	}
	all := append(Problems(nil), decodeProblems...)
	if ps, ok := err.(Problems); ok {
		for _, p := range ps {
			if !coveredBy(p.Path, decodeProblems) {
				all = append(all, p)
			}
		}
	}
	ix := index()
	for i := range all {
		if all[i].Line == 0 {
			all[i].Line = ix.lineOf(all[i].Path)
		}
	}
	sortByLine(all)
	return nil, f, all
}

// coveredBy reports whether a validation problem at path follows from one
// of the decoding problems: it is at the path of a value of the wrong type,
// or under a mapping with a duplicate key.
func coveredBy(path string, decodeProblems Problems) bool {
	for _, d := range decodeProblems {
		root := d.Path
		switch {
		case strings.HasPrefix(d.Reason, "unknown field"):
			continue
		case strings.HasPrefix(d.Reason, "duplicate key"), strings.HasPrefix(d.Reason, "is set twice"):
			root = parentPath(d.Path)
		case d.Path == "" && d.Line != 0:
			continue // a type error that could not be placed
		}
		if root == "" || path == root || strings.HasPrefix(path, root+".") || strings.HasPrefix(path, root+"[") {
			return true
		}
	}
	return false
}
