package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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
	ix := index()
	suspect := suspectValues(ix, decodeProblems)
	all := append(Problems(nil), decodeProblems...)
	if ps, ok := err.(Problems); ok {
		for _, p := range ps {
			if !coveredBy(p.Path, decodeProblems) && !(strings.HasPrefix(p.Reason, "is not the id of any ") && suspect[p.Value]) {
				all = append(all, p)
			}
		}
	}
	all = placeAfterTypos(all, len(decodeProblems), ix, decodeProblems)
	for i := range all {
		p := &all[i]
		if p.Line == 0 {
			pos := ix.posOf(p.Path, p.Value != "")
			p.Line, p.Column = pos.line, pos.col
		}
		if r := ix.resourceOf(p.Path); r != p.Value {
			p.Resource = r
		}
	}
	sortByLine(all)
	return nil, f, all
}

// suspectValues returns every scalar written inside a part of the file
// that could not be decoded as written: under an unknown field, a value of
// the wrong type, or a mapping with a duplicate key. An id among them may
// be missing from the network only because of that mistake, so a
// reference to it is not reported as a problem of its own.
func suspectValues(ix *nodeIndex, decodeProblems Problems) map[string]bool {
	var roots []string
	for _, d := range decodeProblems {
		switch {
		case d.Path == "":
		case strings.HasPrefix(d.Reason, "duplicate key"), strings.HasPrefix(d.Reason, "is set twice"):
			roots = append(roots, parentPath(d.Path))
		default:
			roots = append(roots, d.Path)
		}
	}
	suspect := map[string]bool{}
	if len(roots) == 0 {
		return suspect
	}
	for path, values := range ix.scalars {
		for _, root := range roots {
			if root == "" || path == root || strings.HasPrefix(path, root+".") || strings.HasPrefix(path, root+"[") {
				for _, v := range values {
					suspect[v] = true
				}
				break
			}
		}
	}
	return suspect
}

// placeAfterTypos handles the validation problems of a mapping that also
// has an unknown field. One about the field the unknown key is a typo of
// (it "is required", it "has 0 addresses") only follows from the typo and
// is left out; one about another field that is missing is placed at the
// unknown field, after it, so the real cause comes first.
func placeAfterTypos(all Problems, decoded int, ix *nodeIndex, decodeProblems Problems) Problems {
	out := all[:0]
	for i, p := range all {
		if i >= decoded && p.Path != "" {
			if typoOf(p.Path, decodeProblems) {
				continue
			}
			if _, written := ix.keys[p.Path]; !written {
				if u, ok := unknownIn(parentPath(p.Path), decodeProblems); ok {
					p.Line, p.Column = u.Line, u.Column
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// typoOf reports whether path is, or is inside, a field that an unknown
// field next to it is likely a typo of (its "did you mean").
func typoOf(path string, decodeProblems Problems) bool {
	for _, d := range decodeProblems {
		s, ok := cutBetween(d.Reason, "unknown field (did you mean ", "?)")
		if !ok {
			continue
		}
		key, err := strconv.Unquote(s)
		if err != nil {
			continue
		}
		f := field(parentPath(d.Path), key)
		if path == f || strings.HasPrefix(path, f+".") || strings.HasPrefix(path, f+"[") {
			return true
		}
	}
	return false
}

// unknownIn returns the last unknown-field problem directly in the mapping
// at path.
func unknownIn(path string, decodeProblems Problems) (Problem, bool) {
	var found Problem
	ok := false
	for _, d := range decodeProblems {
		if strings.HasPrefix(d.Reason, "unknown field") && d.Path != "" && parentPath(d.Path) == path {
			found, ok = d, true
		}
	}
	return found, ok
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
