package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/clitest"
)

func TestScripts(t *testing.T) {
	testscript.Run(t, clitest.Params(t, "testdata", nil))
}
