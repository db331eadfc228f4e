// Command git-scry is the repository's commit memory: it indexes every
// commit (message, files, the identifiers its diff touched) and answers
// "when and why did we ..." questions by words and by meaning.
package main

import (
	"github.com/spf13/pflag"
	"os"
	"slices"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
)

const usage = `Usage: git scry QUERY [flags]
       git scry <command> [flags]

Search the history of this repository by words and by meaning: every
commit's subject, body, trailers, changed files and the identifiers its
diff touched, ranked by full-text relevance and by semantic similarity.
The index lives in <git-common-dir>/verdigris/scry.db and is kept current
by the hooks 'verdigris install' puts in place (post-commit, post-merge,
post-rewrite, post-applypatch).

Commands:
  search QUERY   search the index (the default: 'git scry QUERY')
  index          index new commits; --full rebuilds, --background detaches
  related FILE   files that change together with FILE (or a directory's files)
  eval FILE      measure search quality on a query set (MRR, recall, nDCG)
  model          list, add and choose embedding models
  stats          what the index holds, how fresh it is, which embedder

Examples:
  git scry index
  git scry "why did the daemon stop listening on TCP"
  git scry --mode lexical --since 2024-01-01 --path 'internal/**' retry
  git scry related internal/config/config.go

Environment:
  NO_COLOR                       no colour in output
  CI                             no progress bar (but CI=false or CI=0)
  VERDIGRIS_ONNXRUNTIME=FILE     the ONNX Runtime library to load (else it is
                                 looked for in ../lib/verdigris from git-scry,
                                 ~/.local/lib/verdigris,
                                 /usr/local/lib/verdigris, /usr/lib/verdigris)
  VERDIGRIS_SCRY_MACHINE_TEXT=0  the built-in embedder learns from the
                                 repository alone, not the machine's documents

Run 'git scry <command> --help' for a command's flags.
`

func main() {
	program().Main()
}

// program is the binary: its usage texts and commands, which main runs
// and the tests read.
func program() *cli.Program {
	return &cli.Program{
		Name:     "git scry",
		Binary:   "git-scry",
		Usage:    usage,
		Commands: []*cli.Command{searchCmd, indexCmd, relatedCmd, evalCmd, modelCmd, statsCmd},
		Default:  searchCmd,
		Text:     true,
		Annotate: ghaction.AnnotateError, // for the usage errors of its --github commands
	}
}

// nargs checks a command's positional arguments like cli.NArgs; too
// many of them are most likely a question that starts with the
// command's name ("git scry index why it broke"), and the hint says
// how to ask it. An empty one is refused by cli.NArgs; related's,
// a path git may track, only when it is "".
func nargs(command string, fs *pflag.FlagSet, args []string, min, max int) error {
	check := cli.NArgs
	if command == "related" {
		check = cli.NPaths
	}
	err := check("git scry "+command, args, min, max)
	if e, ok := err.(*cli.Error); ok && len(args) > max && !strings.Contains(command, " ") && !slices.ContainsFunc(args[:max], exists) {
		q := command + " " + strings.Join(args, " ")
		return e.WithHint("to search for %q, run '%s'; 'git scry %s --help' shows the command's usage", q, searchCommand(command, searchFlags(fs), args), command)
	}
	return err
}

// searchFlags are the flags given in fs that search takes too (-n 3,
// --json, --mode), as search reads them: a question that starts with a
// command's name keeps them in the search the hint gives.
func searchFlags(fs *pflag.FlagSet) []string {
	if fs == nil {
		return nil
	}
	search := pflag.NewFlagSet("search", pflag.ContinueOnError)
	searchCmd.Flags(search)
	var out []string
	fs.Visit(func(f *pflag.Flag) {
		sf := search.Lookup(f.Name)
		if sf == nil || sf.Value.Type() != f.Value.Type() {
			return
		}
		name := "--" + f.Name
		if f.Shorthand != "" && f.Shorthand == sf.Shorthand {
			name = "-" + f.Shorthand
		}
		switch v := f.Value.(type) {
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				out = append(out, name, cli.ShellWord(s))
			}
		default:
			if f.Value.Type() == "bool" {
				if f.Value.String() == "true" {
					out = append(out, name)
				} else {
					out = append(out, name+"=false")
				}
				return
			}
			out = append(out, name, cli.ShellWord(f.Value.String()))
		}
	})
	return out
}

// searchCommand is the git scry search that searches for command and
// words with flags (search's, already quoted), as a shell reads it: each
// word quoted where it would be split or expanded ("it's", "a; rm x"
// pasted ran rm), and "--" before the first that starts with "-" (given
// after "--"), which search would read as a flag.
func searchCommand(command string, flags, words []string) string {
	s, dashes := "git scry search ", false
	if len(flags) > 0 {
		s += strings.Join(flags, " ") + " "
	}
	s += command
	for _, w := range words {
		if !dashes && strings.HasPrefix(w, "-") {
			s, dashes = s+" --", true
		}
		s += " " + cli.ShellWord(w)
	}
	return s
}

// exists says whether a command's argument names a file: "git scry eval
// a.json b.json" is two query sets, not a question.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
