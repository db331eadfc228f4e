package main

import (
	"fmt"
	"maps"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/scry/scrytest"
)

func TestScripts(t *testing.T) {
	// Scripts index through the hooks: the index's set-up and a command
	// to wait for a background run.
	p := clitest.Params(t, "testdata", scrytest.Setup)
	p.Cmds = maps.Clone(p.Cmds)
	p.Cmds["scry-wait"] = scrytest.Wait
	// [root]: permission bits do not stop root, so a script about a
	// directory this user may not write skips there.
	p.Condition = func(cond string) (bool, error) {
		if cond == "root" {
			return os.Getuid() == 0, nil
		}
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	testscript.Run(t, p)
}

// TestUsageFits80Columns: 'help' and every command's --help fit a
// terminal of 80 columns, which wraps a wider line mid-word.
func TestUsageFits80Columns(t *testing.T) {
	clitest.UsageFits(t, program())
}
