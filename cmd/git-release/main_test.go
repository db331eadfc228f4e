package main

import (
	"maps"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

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
	p.Cmds = maps.Clone(p.Cmds)
	// bom FILE...: put a UTF-8 byte order mark before each file's bytes
	// (written out here: an invisible byte in a script is easily lost).
	p.Cmds["bom"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) == 0 {
			ts.Fatalf("usage: bom FILE...")
		}
		for _, f := range args {
			data, err := os.ReadFile(ts.MkAbs(f))
			ts.Check(err)
			ts.Check(os.WriteFile(ts.MkAbs(f), append([]byte("\uFEFF"), data...), 0o644))
		}
	}
	// bominside FILE LINE: put a UTF-8 byte order mark at the start of
	// line LINE (from 1) of the file.
	p.Cmds["bominside"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: bominside FILE LINE")
		}
		data, err := os.ReadFile(ts.MkAbs(args[0]))
		ts.Check(err)
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		lines := strings.SplitAfter(string(data), "\n")
		lines[n-1] = "\uFEFF" + lines[n-1]
		ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.Join(lines, "")), 0o644))
	}
	// utf16 FILE...: rewrite each file as UTF-16LE with its byte order
	// mark, as Windows PowerShell 5 writes (Out-File, >).
	p.Cmds["utf16"] = func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) == 0 {
			ts.Fatalf("usage: utf16 FILE...")
		}
		for _, f := range args {
			data, err := os.ReadFile(ts.MkAbs(f))
			ts.Check(err)
			out := []byte{0xFF, 0xFE}
			for _, u := range utf16.Encode([]rune(string(data))) {
				out = append(out, byte(u), byte(u>>8))
			}
			ts.Check(os.WriteFile(ts.MkAbs(f), out, 0o644))
		}
	}
	// UPDATE_GOLDEN=1 rewrites the expected files of failing cmp lines.
	p.UpdateScripts = os.Getenv("UPDATE_GOLDEN") != ""
	testscript.Run(t, p)
}

// TestUsageFits80Columns: 'help' and every command's --help fit a
// terminal of 80 columns, which wraps a wider line mid-word.
func TestUsageFits80Columns(t *testing.T) {
	clitest.UsageFits(t, program())
}
