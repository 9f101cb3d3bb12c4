package config

import (
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a network file: where it is (the file and
// the field path, e.g. "vpcs[0].subnets[1].cidr_block"), the offending value
// as written, and why it is wrong.
type Problem struct {
	File string
	// Path is the field path with the spec's keys: "resolver_rules[3].target_ips[0].ip",
	// `emulation.address_map["192.168.10.53:53"]`; empty for the whole file.
	Path string
	// Value is the offending value as written; empty when there is none
	// (a missing or unknown field).
	Value string
	// Reason says what is wrong, lower case, as the tail of a sentence:
	// "is not an IPv4 address", "unknown field".
	Reason string
	// Line and Column are the 1-based position in the file of the value
	// at fault (of the key for an unknown or duplicate key, of the mapping
	// that lacks a required field) when known (Decode and Parse know it;
	// Validate alone does not), 0 otherwise. Error does not print them
	// (except for a syntax error, which has no Path), so its messages stay
	// stable when a file is re-indented; Located does.
	Line, Column int
	// Resource is the id (or, for zones and records, the name) of the
	// nearest resource that holds Path, e.g. "rslvr-rr-corp" for
	// resolver_rules[0].target_ips[1].ip, when Parse could tell; empty
	// otherwise, and when Value is that id.
	Resource string
}

// Error prints "FILE: PATH: "VALUE" REASON", leaving out the parts that are
// empty: `network.yaml: resolver_rules[3].target_ips[0].ip: "192.168.1.300" is not an IPv4 address`,
// `network.yaml: vpcs[0].foo: unknown field`. A problem without a path
// (a syntax error) names its line: `network.yaml: line 17: ...`.
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteString(": ")
	}
	switch {
	case p.Path != "":
		b.WriteString(p.Path)
		b.WriteString(": ")
	case p.Line != 0:
		b.WriteString("line " + strconv.Itoa(p.Line) + ": ")
	}
	p.writeTail(&b)
	return b.String()
}

// Located prints the problem as compilers do, for a person with an editor:
// "FILE:LINE:COLUMN: PATH (RESOURCE): "VALUE" REASON", e.g.
// `network.yaml:31:15: resolver_rules[0].target_ips[1].ip (rslvr-rr-corp): "192.168.20.300" is not an IPv4 address`.
// Parts that are not known are left out.
func (p Problem) Located() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line != 0 {
			b.WriteString(":" + strconv.Itoa(p.Line))
			if p.Column != 0 {
				b.WriteString(":" + strconv.Itoa(p.Column))
			}
		}
		b.WriteString(": ")
	} else if p.Line != 0 {
		b.WriteString("line " + strconv.Itoa(p.Line) + ": ")
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		if p.Resource != "" {
			b.WriteString(" (" + p.Resource + ")")
		}
		b.WriteString(": ")
	}
	p.writeTail(&b)
	return b.String()
}

func (p Problem) writeTail(b *strings.Builder) {
	if p.Value != "" {
		b.WriteString(strconv.Quote(p.Value))
		b.WriteByte(' ')
	}
	b.WriteString(p.Reason)
}

// Problems is every problem found in one network file: in the order of the
// file from Decode, Parse and Load (sorted by line), in the order of the
// spec's sections from Validate alone. It is the error Decode, Validate, Parse and Load return for an invalid
// file; get it back with errors.As.
type Problems []Problem

// Error prints one problem per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// collector gathers the problems of one file.
type collector struct {
	file string
	list Problems
}

// add records a problem at path; value is shown quoted when not empty.
func (c *collector) add(path, value, reason string) {
	c.list = append(c.list, Problem{File: c.file, Path: path, Value: value, Reason: reason})
}

// err returns the problems as an error, or nil when there are none.
func (c *collector) err() error {
	if len(c.list) == 0 {
		return nil
	}
	return c.list
}

// sortByLine orders problems by line and column, keeping the order of problems at the
// same place and putting those without a line last.
func sortByLine(ps Problems) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		switch {
		case a.Line == b.Line:
			return a.Column - b.Column
		case a.Line == 0:
			return 1
		case b.Line == 0:
			return -1
		}
		return a.Line - b.Line
	})
}

// Path helpers: field paths are built from the spec's keys.

func field(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

func index(base string, i int) string { return base + "[" + strconv.Itoa(i) + "]" }

func mapKey(base, key string) string { return base + "[" + strconv.Quote(key) + "]" }
