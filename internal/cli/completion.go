package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// runCompletion prints a completion script for bash, zsh or fish, made
// from the verbs and their own FlagSets, so it cannot drift from them.
func runCompletion(ctx context.Context, args []string, std IO) int {
	fs := flagSet("completion", "bash|zsh|fish", std)
	pos, err := parse(fs, args)
	if err != nil {
		return exitInvalid
	}
	if len(pos) != 1 {
		return usageError(std, fs, fmt.Errorf("completion takes one shell: bash, zsh or fish"))
	}
	cmds := completionCommands(ctx)
	switch pos[0] {
	case "bash":
		writeBash(std.Stdout, cmds)
	case "zsh":
		writeZsh(std.Stdout, cmds)
	case "fish":
		writeFish(std.Stdout, cmds)
	default:
		return usageError(std, fs, fmt.Errorf("completion %q: want bash, zsh or fish", pos[0]))
	}
	return exitOK
}

// completionCommand is what a completion script knows of a verb.
type completionCommand struct {
	name, summary string
	flags         []completionFlag
	args          []string // the words its positional arguments take; nil: files
}

type completionFlag struct {
	name    string   // without dashes
	value   bool     // takes a value
	values  []string // the values it takes, when they are a fixed set
	file    bool     // its value is a file or directory name
	summary string
}

// dash is how the flag is typed: -c, --vpc.
func (f completionFlag) dash() string {
	if len(f.name) == 1 {
		return "-" + f.name
	}
	return "--" + f.name
}

func completionCommands(ctx context.Context) []completionCommand {
	var out []completionCommand
	names := []string{}
	for _, v := range verbs() {
		names = append(names, v.name)
	}
	for _, v := range verbs() {
		c := completionCommand{name: v.name, summary: v.summary}
		switch v.name {
		case "help":
			c.args = names
		case "completion":
			c.args = []string{"bash", "zsh", "fish"}
		case "version":
			c.args = []string{}
		}
		if fs := verbFlags(ctx, v); fs != nil {
			fs.VisitAll(func(f *flag.Flag) {
				cf := completionFlag{name: f.Name, value: !isBool(f), summary: firstSentence(f.Usage)}
				placeholder, _ := flag.UnquoteUsage(f)
				switch {
				case f.Name == "o" && v.name == "export":
					cf.values = []string{"yaml", "json"}
				case f.Name == "o":
					cf.values = []string{"text", "json"}
				case f.Name == "log-level":
					cf.values = []string{"debug", "info", "warn", "error"}
				case f.Name == "log-format":
					cf.values = []string{"text", "json"}
				case placeholder == "FILE" || placeholder == "DIR":
					cf.file = true
				}
				c.flags = append(c.flags, cf)
			})
		}
		out = append(out, c)
	}
	return out
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// firstSentence is a flag's usage without its back-quotes, up to the first
// ";" or "(", for the short descriptions of zsh and fish.
func firstSentence(s string) string {
	s = strings.ReplaceAll(s, "`", "")
	if i := strings.IndexAny(s, ";("); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}

func writeBash(w io.Writer, cmds []completionCommand) {
	var names []string
	for _, c := range cmds {
		names = append(names, c.name)
	}
	fmt.Fprintf(w, `# bash completion for vpcdns. Load it with: source <(vpcdns completion bash)
_vpcdns() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    COMPREPLY=()
    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W %q -- "$cur"))
        return
    fi
    local flags="" args="-"
    case ${COMP_WORDS[1]} in
`, strings.Join(names, " "))
	for _, c := range cmds {
		var flags []string
		for _, f := range c.flags {
			flags = append(flags, f.dash())
		}
		args := "-"
		if c.args != nil {
			args = strings.Join(c.args, " ")
		}
		fmt.Fprintf(w, "    %s) flags=%q; args=%q\n", c.name, strings.Join(flags, " "), args)
		var values []string
		for _, f := range c.flags {
			switch {
			case len(f.values) > 0:
				values = append(values, fmt.Sprintf("            %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return;;", f.dash(), strings.Join(f.values, " ")))
			case f.file:
				values = append(values, fmt.Sprintf("            %s) COMPREPLY=($(compgen -f -- \"$cur\")); return;;", f.dash()))
			case f.value:
				values = append(values, fmt.Sprintf("            %s) return;;", f.dash()))
			}
		}
		if len(values) > 0 {
			fmt.Fprintf(w, "        case $prev in\n%s\n        esac\n", strings.Join(values, "\n"))
		}
		fmt.Fprintf(w, "        ;;\n")
	}
	fmt.Fprint(w, `    *) return;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [[ $args == "-" ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$args" -- "$cur"))
    fi
}
complete -o filenames -F _vpcdns vpcdns
`)
}

// zshQuote quotes s for a zsh single-quoted word.
func zshQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// zshDesc escapes what _arguments and _describe treat specially.
func zshDesc(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`, ":", `\:`).Replace(s)
}

func writeZsh(w io.Writer, cmds []completionCommand) {
	fmt.Fprint(w, `#compdef vpcdns
# zsh completion for vpcdns. Put it in a directory of $fpath as _vpcdns, or
# load it with: source <(vpcdns completion zsh)
_vpcdns() {
    local -a commands
    commands=(
`)
	for _, c := range cmds {
		fmt.Fprintf(w, "        %s\n", zshQuote(c.name+":"+zshDesc(c.summary)))
	}
	fmt.Fprint(w, `    )
    if (( CURRENT == 2 )); then
        _describe -t commands 'vpcdns command' commands
        return
    fi
    local cmd=$words[2]
    shift words
    (( CURRENT-- ))
    case $cmd in
`)
	for _, c := range cmds {
		var specs []string
		for _, f := range c.flags {
			spec := f.dash() + "[" + zshDesc(f.summary) + "]"
			switch {
			case len(f.values) > 0:
				spec += ":" + f.name + ":(" + strings.Join(f.values, " ") + ")"
			case f.file:
				spec += ":file:_files"
			case f.value:
				spec += ":" + f.name + ": "
			}
			specs = append(specs, zshQuote(spec))
		}
		switch {
		case c.args == nil:
			specs = append(specs, zshQuote("*:file:_files"))
		case len(c.args) > 0:
			specs = append(specs, zshQuote("*:argument:("+strings.Join(c.args, " ")+")"))
		}
		fmt.Fprintf(w, "    %s) _arguments -s %s ;;\n", c.name, strings.Join(specs, " "))
	}
	fmt.Fprint(w, `    esac
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _vpcdns "$@"
else
    compdef _vpcdns vpcdns
fi
`)
}

// fishQuote quotes s for fish.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func writeFish(w io.Writer, cmds []completionCommand) {
	var names []string
	for _, c := range cmds {
		names = append(names, c.name)
	}
	fmt.Fprint(w, "# fish completion for vpcdns. Save it as ~/.config/fish/completions/vpcdns.fish,\n# or load it with: vpcdns completion fish | source\n")
	fmt.Fprint(w, "complete -c vpcdns -f\n")
	for _, c := range cmds {
		fmt.Fprintf(w, "complete -c vpcdns -n '__fish_use_subcommand' -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range cmds {
		cond := fishQuote("__fish_seen_subcommand_from " + c.name)
		for _, f := range c.flags {
			opt := "-l " + f.name
			if len(f.name) == 1 {
				opt = "-s " + f.name
			}
			line := fmt.Sprintf("complete -c vpcdns -n %s %s -d %s", cond, opt, fishQuote(f.summary))
			switch {
			case len(f.values) > 0:
				line += " -x -a " + fishQuote(strings.Join(f.values, " "))
			case f.file:
				line += " -r -F"
			case f.value:
				line += " -x"
			}
			fmt.Fprintln(w, line)
		}
		switch {
		case c.args == nil:
			fmt.Fprintf(w, "complete -c vpcdns -n %s -F\n", cond)
		case len(c.args) > 0:
			fmt.Fprintf(w, "complete -c vpcdns -n %s -x -a %s\n", cond, fishQuote(strings.Join(slices.Clone(c.args), " ")))
		}
	}
}
