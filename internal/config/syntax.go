package config

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// syntaxProblem turns an error of the yaml parser into a Problem that
// names the line the user must edit, in plain words.
//
// The parser names the line where the mapping or list it was reading
// began, not the line that broke it: a key dedented on line 17 of a list
// that starts on line 14 is reported on line 14. The line at fault is the
// first one whose addition makes the file fail the same way: every prefix
// of the file that ends before it parses, for block-style yaml.
func syntaxProblem(data []byte, filename string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	reported, text := splitLine(msg)
	p := Problem{File: filename, Line: reported}
	starts := lineStarts(data)
	switch {
	case strings.Contains(text, "found unexpected end of stream"):
		// The parser stops at the end of the file; the quote is above.
		p.Line = lastLineWith(data, starts, min(max(reported, 1), len(starts)), func(l string) bool { return strings.ContainsAny(l, `"'`) })
	case strings.HasPrefix(text, "unknown anchor '"):
		name, _, _ := strings.Cut(strings.TrimPrefix(text, "unknown anchor '"), "'")
		for n := 1; n <= len(starts) && p.Line == 0; n++ {
			if i := strings.Index(lineText(data, starts, n), "*"+name); i >= 0 {
				p.Line, p.Column = n, i+1
			}
		}
	case reported > 0 && reported <= len(starts):
		p.Line = firstFailing(data, starts, reported, err.Error())
	}
	line := lineText(data, starts, p.Line)
	if p.Column == 0 {
		p.Column = 1 + indentOf(line)
	}
	if strings.Contains(text, "tab") || strings.Contains(text, "cannot start any token") {
		if i := strings.IndexByte(line, '\t'); i >= 0 {
			p.Column = i + 1
		}
	}
	if open := opener(text); open != "" {
		if i := strings.IndexAny(line, open); i >= 0 {
			p.Column = i + 1
		}
	}
	if p.Line == 0 {
		p.Column = 0
	}
	p.Reason = plainSyntax(text, data, starts, p.Line, line) + " (yaml: " + text + ")"
	return p
}

// opener returns the characters that open what a parser message says is
// not closed, to point the column at it.
func opener(text string) string {
	switch {
	case strings.Contains(text, "found unexpected end of stream"):
		return `"'`
	case strings.Contains(text, "did not find expected ',' or ']'"):
		return "["
	case strings.Contains(text, "did not find expected ',' or '}'"):
		return "{"
	}
	return ""
}

// firstFailing returns the first line n >= from such that the file up to
// and including line n fails to parse with the message want; from when
// there is none (the parser's own line). A linear scan of the lines close
// to from, then a galloping and a binary search, so a large file costs a
// few parses.
func firstFailing(data []byte, starts []int, from int, want string) int {
	fails := func(n int) bool {
		end := len(data)
		if n < len(starts) {
			end = starts[n] // starts[n] is where line n+1 begins
		}
		err := parseNodes(data[:end])
		return err != nil && err.Error() == want
	}
	last := len(starts)
	n := from
	for ; n <= last && n < from+32; n++ {
		if fails(n) {
			return n
		}
	}
	if n > last {
		return from
	}
	lo, step := n-1, 32 // lo passes
	hi := -1
	for m := lo + step; ; m = lo + step {
		if m >= last {
			m = last
		}
		if fails(m) {
			hi = m
			break
		}
		if m == last {
			return from
		}
		lo, step = m, step*2
	}
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// parseNodes parses every document of data into nodes (no decoding into
// types), returning the first error.
func parseNodes(data []byte) error {
	d := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := d.Decode(&n)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// lastLineWith returns the last line at or before from that satisfies ok,
// or from when none does (0 when from is 0).
func lastLineWith(data []byte, starts []int, from int, ok func(string) bool) int {
	for n := from; n >= 1; n-- {
		if ok(lineText(data, starts, n)) {
			return n
		}
	}
	return from
}

// lineStarts returns the offset of the start of every line.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' && i+1 < len(data) {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineText returns line n (1-based) without its line break; "" when out of
// range.
func lineText(data []byte, starts []int, n int) string {
	if n < 1 || n > len(starts) {
		return ""
	}
	line := data[starts[n-1]:]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return strings.TrimSuffix(string(line), "\r")
}

// indentOf is the number of leading spaces of a line.
func indentOf(line string) int { return len(line) - len(strings.TrimLeft(line, " ")) }

// above returns the number and text of the nearest line before n with
// content (not blank, not only a comment); 0 when there is none.
func above(data []byte, starts []int, n int) (int, string) {
	for m := n - 1; m >= 1; m-- {
		t := lineText(data, starts, m)
		if s := strings.TrimSpace(t); s != "" && !strings.HasPrefix(s, "#") {
			return m, t
		}
	}
	return 0, ""
}

// plainSyntax says in plain words what a yaml parser message means for
// the line at fault.
func plainSyntax(text string, data []byte, starts []int, n int, line string) string {
	context := ""
	if m, prev := above(data, starts, n); m > 0 {
		context = " (line " + strconv.Itoa(m) + " is indented by " + spaces(indentOf(prev)) + ")"
	}
	switch {
	case strings.Contains(text, "tab character") || strings.Contains(text, "cannot start any token") && strings.Contains(line, "\t"):
		return "a tab character: yaml indents with spaces only; replace the tab with spaces"
	case strings.Contains(text, "did not find expected key"),
		strings.Contains(text, "did not find expected '-' indicator"),
		strings.Contains(text, "block sequence entries are not allowed"),
		strings.Contains(text, "did not find expected node content") && strings.TrimSpace(line) != "":
		if hint := keyLevels(data, starts, n, line); hint != "" {
			return "this line is indented by " + spaces(indentOf(line)) + ", " + hint
		}
		return "this line is indented by " + spaces(indentOf(line)) + context +
			", which lines up with no mapping or list it can belong to: indent a key like the other keys of its mapping, and a \"- \" item like the other items of its list"
	case strings.Contains(text, "mapping values are not allowed"):
		return "a \"key: value\" where none can start: this line is indented deeper than the keys it belongs with" + context +
			", or a value on it holds \": \" and must be quoted"
	case strings.Contains(text, "cannot start any token"):
		return "a character that cannot start a yaml value here (such as @ or `): put the value in quotes"
	case strings.Contains(text, "found unexpected end of stream"):
		return "the file ends inside a quoted string: a quote opened on this line is never closed"
	case strings.Contains(text, "did not find expected ',' or ']'"):
		return "a [ ] list opened on this line is not closed, or two of its items are not separated by a comma"
	case strings.Contains(text, "did not find expected ',' or '}'"):
		return "a { } mapping opened on this line is not closed, or two of its entries are not separated by a comma"
	case strings.Contains(text, "could not find expected ':'"):
		return "a key without \":\": every line of a mapping is \"key: value\""
	case strings.Contains(text, "unknown anchor"):
		return "an alias (*name) of an anchor (&name) that is not defined above it"
	case strings.Contains(text, "found unknown escape character"):
		return "an escape (\\x) that double quotes do not know: use single quotes for text with backslashes"
	}
	return "the file is not valid yaml here"
}

// keyLevels says where a key on line n may be indented, when the line is a
// key ("name: value", not a "- " item) indented where no mapping above it
// has its keys: "but the keys it can line up with are at 8 spaces (line 17)
// or 4 spaces (line 15): indent it like the keys of the mapping it belongs
// to". "" when the line is not such a key.
func keyLevels(data []byte, starts []int, n int, line string) string {
	content := strings.TrimLeft(line, " ")
	if strings.HasPrefix(content, "- ") || !strings.Contains(content, ":") {
		return ""
	}
	c := indentOf(line)
	type level struct{ indent, line int }
	var deeper, shallower *level
	limit := 1 << 30
	for m := n - 1; m >= 1 && limit > 0; m-- {
		t := lineText(data, starts, m)
		tc := strings.TrimSpace(t)
		if tc == "" || strings.HasPrefix(tc, "#") {
			continue
		}
		ind := indentOf(t)
		if ind >= limit {
			continue
		}
		limit = ind
		key := ind // where the keys of this line's mapping are
		if strings.HasPrefix(tc, "- ") {
			key = ind + 2
		}
		switch {
		case key == c:
			return "" // it lines up with a mapping: the problem is something else
		case key > c && (deeper == nil || key < deeper.indent):
			deeper = &level{key, m}
		case key < c && shallower == nil:
			shallower = &level{key, m}
		}
	}
	var where []string
	for _, l := range []*level{deeper, shallower} {
		if l != nil {
			where = append(where, spaces(l.indent)+" (line "+strconv.Itoa(l.line)+")")
		}
	}
	if len(where) == 0 {
		return ""
	}
	return "but the keys it can line up with are at " + strings.Join(where, " or ") +
		": indent it like the other keys of the mapping it belongs to"
}

func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return strconv.Itoa(n) + " spaces"
}
