// Command git-scry searches a repository's commit history.
//
// This is the embedders' part only; the commit index, search and eval
// commands are added beside it.
package main

import "github.com/verdigris-dev/verdigris/internal/cli"

const usage = `Usage: git scry <command> [flags]

Search the commit history by meaning and by words.

Commands:
  model        manage the ONNX sentence models used for semantic search

Run 'git scry <command> --help' for a command's flags.
`

func main() {
	p := &cli.Program{
		Name:     "git scry",
		Binary:   "git-scry",
		Usage:    usage,
		Commands: []*cli.Command{modelCmd},
	}
	p.Main()
}
