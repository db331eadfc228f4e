package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/clitest"
)

func TestScripts(t *testing.T) {
	p := clitest.Params(t, "testdata", func(e *testscript.Env) error {
		// Fixed dates make commit hashes, and so changelogs, reproducible.
		for _, k := range []string{"GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"} {
			e.Setenv(k, "2026-02-03T04:05:06Z")
		}
		e.Setenv("SOURCE_DATE_EPOCH", "1770091506")
		return nil
	})
	// UPDATE_GOLDEN=1 rewrites the expected files of failing cmp lines.
	p.UpdateScripts = os.Getenv("UPDATE_GOLDEN") != ""
	testscript.Run(t, p)
}
