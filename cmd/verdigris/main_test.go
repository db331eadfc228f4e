package main

import (
	"maps"
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
	testscript.Run(t, p)
}
