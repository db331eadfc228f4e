package clitest

import (
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// UsageColumns is the width every usage text fits: a terminal of 80
// columns wraps a wider line mid-word.
const UsageColumns = 80

// UsageFits fails t for each line of p's usage texts wider than
// UsageColumns: 'help' itself, and what --help prints for each command
// and each of a command's own commands, hidden ones and the default
// command included. It reads the texts from p, so a command added
// later is checked without a test of its own.
func UsageFits(t *testing.T, p *cli.Program) {
	t.Helper()
	seen := map[string]bool{} // a text commands share is reported once
	check := func(asked, usage string) {
		t.Helper()
		if seen[usage] {
			return
		}
		seen[usage] = true
		if strings.TrimSpace(usage) == "" {
			t.Errorf("%s: no usage text", asked)
		}
		for i, line := range strings.Split(usage, "\n") {
			if strings.Contains(line, "\t") {
				// A tab is as wide as the terminal's tab stops make it.
				t.Errorf("%s: line %d has a tab; indent with spaces:\n%s", asked, i+1, line)
			}
			if w := cli.Width(line); w > UsageColumns {
				t.Errorf("%s: line %d is %d columns wide, over %d:\n%s", asked, i+1, w, UsageColumns, line)
			}
		}
	}
	check(p.Name+" help", p.Usage)
	var walk func(name string, cmds []*cli.Command)
	walk = func(name string, cmds []*cli.Command) {
		t.Helper()
		for _, c := range cmds {
			n := strings.TrimSpace(name + " " + c.Name)
			check(n+" --help", c.Usage)
			walk(n, c.Commands)
		}
	}
	walk(p.Name, p.Commands)
	if d := p.Default; d != nil && !slices.Contains(p.Commands, d) {
		walk(p.Name, []*cli.Command{d})
	}
}
