package awsread

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// PrintCommands writes the AWS CLI commands that save, in the current
// directory, exactly the files ReadDir reads: one command per line, each
// with the file it writes (and NAME.err, the CLI's message if it fails).
// A call made per resource is one shell loop over the ids that the call it
// depends on lists.
func PrintCommands(w io.Writer, region string) error {
	for _, c := range Calls() {
		if _, err := fmt.Fprintln(w, c.command(region)); err != nil {
			return err
		}
	}
	return nil
}

func regionFlag(c *call, region string) string {
	if c.Global || c.Service == "sts" {
		return ""
	}
	return " --region " + region
}

func (c *call) command(region string) string {
	if c.Each == nil {
		f := c.File("")
		return fmt.Sprintf("aws %s %s%s --output json > %s.json 2> %s.err", c.Service, c.CLI(), regionFlag(c, region), f, f)
	}
	var src *call
	for _, s := range Calls() {
		if s.Op == c.Each.Source && s.Each == nil {
			src = s
		}
	}
	q := "'" + c.Each.Query + "'"
	if strings.Contains(c.Each.Query, "'") {
		q = `"` + c.Each.Query + `"`
	}
	rows := " | tr '\\t' '\\n'"
	if strings.Contains(c.Args, "$rest") {
		rows = "" // one resource per line: its id, then its words
	}
	args := strings.ReplaceAll(c.Args, "$id", `"$id"`)
	f := c.File("$id")
	return fmt.Sprintf(`aws %s %s%s --query %s --output text%s | while read -r id rest; do id=${id##*/}; aws %s %s%s %s --output json > "%s.json" 2> "%s.err"; done`,
		src.Service, src.CLI(), regionFlag(src, region), q, rows,
		c.Service, c.CLI(), regionFlag(c, region), args, f, f)
}

// Actions are the IAM actions of every call import makes, sorted, and
// sts:AssumeRole for --role-arn.
func Actions() []string {
	set := map[string]bool{"sts:AssumeRole": true}
	for _, c := range Calls() {
		set[c.Action()] = true
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Policy is docs/import-iam-policy.json: an IAM policy that allows exactly
// the actions import calls.
func Policy() []byte {
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid":      "VpcdnsImportReadOnly",
			"Effect":   "Allow",
			"Action":   Actions(),
			"Resource": "*",
		}},
	}
	b, _ := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n')
}
