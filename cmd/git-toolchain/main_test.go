package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/clitest"
)

func TestScripts(t *testing.T) {
	testscript.Run(t, clitest.Params(t, "testdata", nil))
}

// TestUsageFits80Columns: 'help' and every command's --help fit a
// terminal of 80 columns, which wraps a wider line mid-word.
func TestUsageFits80Columns(t *testing.T) {
	clitest.UsageFits(t, program())
}
