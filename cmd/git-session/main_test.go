package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/clitest"
)

func TestScripts(t *testing.T) {
	p := clitest.Params(t, "testdata", nil)
	for name, cmd := range commands {
		p.Cmds[name] = cmd
	}
	testscript.Run(t, p)
}

// fixtures is the directory of real session records in every older format.
var fixtures = filepath.Join(clitest.ModuleRoot(), "internal", "session", "testdata", "records")

var commands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// gitat DATE ARGS...: run git with the author and committer dates set
	// to DATE, for commits whose time must be known.
	"gitat": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 2 {
			ts.Fatalf("usage: gitat DATE ARGS...")
		}
		runGitEnv(ts, neg, []string{"GIT_COMMITTER_DATE=" + args[0], "GIT_AUTHOR_DATE=" + args[0]}, args[1:]...)
	},
	// records DIR: copy the fixture records into DIR.
	"records": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 1 {
			ts.Fatalf("usage: records DIR")
		}
		dst := ts.MkAbs(args[0])
		ts.Check(os.MkdirAll(dst, 0o755))
		for _, f := range fixtureNames(ts) {
			data, err := os.ReadFile(filepath.Join(fixtures, f))
			ts.Check(err)
			ts.Check(os.WriteFile(filepath.Join(dst, f), data, 0o644))
		}
	},
	// replay-records DIR: build a history from the fixture records, as the
	// tool that wrote them would have left it but without any tag: for
	// each record, oldest first, a commit that becomes its starting commit
	// (the record is rewritten to name it), a commit of work, and the
	// commit that adds the record, titled "docs: …" or "session: archive
	// TITLE" (no id), as real histories have them. It writes
	// replay.txt: "ID START ARCHIVE" per record.
	"replay-records": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 1 {
			ts.Fatalf("usage: replay-records DIR")
		}
		replay(ts, args[0])
	},
	// tag-at TAG ID start|end: TAG exists and points at the starting
	// (start) or archive (end) commit replay-records noted for ID.
	"tag-at": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 3 {
			ts.Fatalf("usage: tag-at TAG ID start|end")
		}
		want, ok := replayed(ts)[args[1]]
		if !ok {
			ts.Fatalf("replay.txt has no record %s", args[1])
		}
		field := map[string]int{"start": 0, "end": 1}[args[2]]
		cmd := exec.Command("git", "-C", ts.MkAbs("."), "rev-parse", "--verify", "--quiet", args[0]+"^{commit}")
		cmd.Env = append(os.Environ(), "GIT_CEILING_DIRECTORIES="+ts.Getenv("GIT_CEILING_DIRECTORIES"))
		out, err := cmd.Output()
		got := strings.TrimSpace(string(out))
		if (err == nil && got == want[field]) == neg {
			ts.Fatalf("tag %s is on %q; the %s commit of %s is %s", args[0], got, args[2], args[1], want[field])
		}
	},
}

func fixtureNames(ts *testscript.TestScript) []string {
	entries, err := os.ReadDir(fixtures)
	ts.Check(err)
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// runGitEnv runs git as the script's exec would (its environment, its
// stdout and stderr), with env added for this one command.
func runGitEnv(ts *testscript.TestScript, neg bool, env []string, args ...string) {
	var old []string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		old = append(old, k+"="+ts.Getenv(k))
		ts.Setenv(k, v)
	}
	err := ts.Exec("git", args...)
	for _, kv := range old {
		k, v, _ := strings.Cut(kv, "=")
		ts.Setenv(k, v)
	}
	if (err != nil) != neg {
		ts.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
}

var startingCommitRE = regexp.MustCompile(`(?m)^([ \t]*(?:starting_commit: |\*\*Starting Commit\*\*: |\*\*Commit\*\*: )\s*)[0-9a-f]{40}`)

func replay(ts *testscript.TestScript, dir string) {
	repo := ts.MkAbs(".")
	git := func(date time.Time, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		d := date.Format(time.RFC3339)
		cmd.Env = append(os.Environ(), "GIT_COMMITTER_DATE="+d, "GIT_AUTHOR_DATE="+d)
		for _, k := range []string{"HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_CEILING_DIRECTORIES", "PATH"} {
			cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			ts.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(rel, content string) {
		p := filepath.Join(repo, filepath.FromSlash(rel))
		ts.Check(os.MkdirAll(filepath.Dir(p), 0o755))
		ts.Check(os.WriteFile(p, []byte(content), 0o644))
	}
	date := time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC)
	var lines []string
	for i, name := range fixtureNames(ts) {
		data, err := os.ReadFile(filepath.Join(fixtures, name))
		ts.Check(err)
		id := strings.TrimSuffix(name, ".md")
		date = date.Add(time.Hour)
		write(fmt.Sprintf("src/work%d.go", i), fmt.Sprintf("package src\n\nconst before%d = %d\n", i, i))
		git(date, "add", "-A")
		git(date, "commit", "-q", "-m", "feat: prepare "+id)
		start := git(date, "rev-parse", "HEAD")
		date = date.Add(time.Hour)
		write(fmt.Sprintf("src/work%d.go", i), fmt.Sprintf("package src\n\nconst during%d = %d\n", i, i))
		git(date, "commit", "-q", "-am", "fix: work during "+id)
		record := startingCommitRE.ReplaceAllString(string(data), "${1}"+start)
		write(dir+"/"+name, record)
		title := "notes"
		sc := bufio.NewScanner(strings.NewReader(record))
		for sc.Scan() {
			if t, ok := strings.CutPrefix(sc.Text(), "# Session: "); ok {
				title = t
				break
			}
			if t, ok := strings.CutPrefix(sc.Text(), "title: "); ok {
				title = t
				break
			}
		}
		subject := "docs: session notes for " + title
		if i%2 == 1 {
			subject = "session: archive " + title
		}
		date = date.Add(time.Hour)
		git(date, "add", "-A")
		git(date, "commit", "-q", "-m", subject)
		archive := git(date, "rev-parse", "HEAD")
		lines = append(lines, id+" "+start+" "+archive)
	}
	ts.Check(os.WriteFile(filepath.Join(ts.Getenv("WORK"), "replay.txt"), []byte(strings.Join(lines, "\n")+"\n"), 0o644))
}

func replayed(ts *testscript.TestScript) map[string][2]string {
	data, err := os.ReadFile(filepath.Join(ts.Getenv("WORK"), "replay.txt"))
	ts.Check(err)
	m := map[string][2]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(l)
		m[f[0]] = [2]string{f[1], f[2]}
	}
	return m
}

// TestUsageFits80Columns: 'help' and every command's --help fit a
// terminal of 80 columns, which wraps a wider line mid-word.
func TestUsageFits80Columns(t *testing.T) {
	clitest.UsageFits(t, program())
}
