package replay

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestBuildCorpus(t *testing.T) {
	commits, err := Load(LefthookCorpus())
	if err != nil {
		t.Fatal(err)
	}
	commits = commits[:200]
	dir := filepath.Join(t.TempDir(), "repo")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	res, err := Build(context.Background(), dir, commits, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", dir, "rev-list", "--count", "HEAD").Output()
	if err != nil || strings.TrimSpace(string(out)) != "200" {
		t.Fatalf("rev-list = %q %v", out, err)
	}
	last := commits[len(commits)-1]
	subj, _ := exec.Command("git", "-C", dir, "log", "-1", "--format=%s%n%aI", res.Hashes[last.Sha]).Output()
	lines := strings.Split(strings.TrimSpace(string(subj)), "\n")
	if lines[0] != last.Subject || lines[1] != last.Date {
		t.Fatalf("replayed %q; want %q at %s", lines, last.Subject, last.Date)
	}
	// Deterministic: the same input gives the same hashes.
	dir2 := filepath.Join(t.TempDir(), "repo2")
	res2, err := Build(context.Background(), dir2, commits, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res2.Hashes[last.Sha] != res.Hashes[last.Sha] {
		t.Fatalf("hashes differ between runs")
	}
}

// Many rounds of a multi-year history must keep dates moving forward (a
// nanosecond Duration overflows past about 290 years).
func TestRoundsKeepDatesForward(t *testing.T) {
	c := []Commit{
		{Sha: "a", Date: "2019-01-01T00:00:00Z", Subject: "first"},
		{Sha: "b", Date: "2026-01-01T00:00:00Z", Subject: "last"},
	}
	dir := filepath.Join(t.TempDir(), "repo")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	if _, err := Build(context.Background(), dir, c, Options{Rounds: 44}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%as").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got < "2300-01-01" {
		t.Fatalf("last commit of round 44 dated %s", got)
	}
}

// A commit the stream cannot be written for (a bad date) fails the
// build with that commit's error, not fast-import's complaint about a
// stream cut short, and does not hang on the pipe.
func TestBuildReportsWriteError(t *testing.T) {
	commits, err := Load(LefthookCorpus())
	if err != nil {
		t.Fatal(err)
	}
	commits = append([]Commit(nil), commits[:50]...)
	commits[30].Date = "yesterday"
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	_, err = Build(context.Background(), filepath.Join(t.TempDir(), "repo"), commits, Options{})
	if err == nil || !strings.Contains(err.Error(), "commit "+commits[30].Sha) {
		t.Fatalf("Build = %v; want the bad commit's error", err)
	}
}

// AgentSignature appends Claude Code's signature (its body line and its
// Co-Authored-By trailer) to that fraction of the messages, the same
// commits on every run; the subjects and the rest stay as recorded.
func TestAgentSignature(t *testing.T) {
	commits, err := Load(LefthookCorpus())
	if err != nil {
		t.Fatal(err)
	}
	commits = commits[:100]
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	signed := func(frac float64) (int, map[string]string) {
		dir := filepath.Join(t.TempDir(), "repo")
		res, err := Build(context.Background(), dir, commits, Options{AgentSignature: frac})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range commits {
			out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%B", res.Hashes[c.Sha]).Output()
			if err != nil {
				t.Fatal(err)
			}
			msg := strings.TrimRight(string(out), "\n")
			if !strings.HasPrefix(msg, c.Subject) {
				t.Fatalf("message %q does not start with its subject %q", msg, c.Subject)
			}
			if strings.HasSuffix(msg, "\n\n"+ClaudeCodeSignature) {
				n++
				if body := strings.TrimSpace(c.Body); body != "" && !strings.Contains(msg, body) {
					t.Fatalf("signed message %q lost its body %q", msg, body)
				}
			} else if strings.Contains(msg, "Claude") {
				t.Fatalf("message %q holds a partial signature", msg)
			}
		}
		return n, res.Hashes
	}
	if n, _ := signed(0); n != 0 {
		t.Fatalf("fraction 0: %d of 100 signed", n)
	}
	if n, _ := signed(1); n != 100 {
		t.Fatalf("fraction 1: %d of 100 signed", n)
	}
	n, h1 := signed(0.5)
	if n < 35 || n > 65 {
		t.Fatalf("fraction 0.5: %d of 100 signed", n)
	}
	if _, h2 := signed(0.5); h2[commits[99].Sha] != h1[commits[99].Sha] {
		t.Fatalf("fraction 0.5 signed other commits on a second run")
	}

	// Older aider's prefix instead: every subject starts with it, and
	// nothing else changes.
	dir := filepath.Join(t.TempDir(), "aider")
	res, err := Build(context.Background(), dir, commits[:20], Options{AgentSignature: 1, Agent: "aider"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commits[:20] {
		out, err := exec.Command("git", "-C", dir, "log", "-1", "--format=%s", res.Hashes[c.Sha]).Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimRight(string(out), "\n"); got != AiderPrefix+c.Subject {
			t.Fatalf("aider's subject %q; want %q", got, AiderPrefix+c.Subject)
		}
	}
	if _, err := Build(context.Background(), filepath.Join(t.TempDir(), "x"), commits[:1], Options{AgentSignature: 1, Agent: "gemini"}); err == nil {
		t.Fatal("an unknown agent was accepted")
	}
}

// Bots interleaves automated commits with their repeated messages among
// the recorded ones, the same ones on every run, and the recorded commits
// keep their messages and stay found by their recorded sha.
func TestBots(t *testing.T) {
	commits, err := Load(LefthookCorpus())
	if err != nil {
		t.Fatal(err)
	}
	commits = commits[:100]
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	build := func(n int) (string, *Result) {
		dir := filepath.Join(t.TempDir(), "repo")
		res, err := Build(context.Background(), dir, commits, Options{Bots: n})
		if err != nil {
			t.Fatal(err)
		}
		if res.Commits != 100+n {
			t.Fatalf("Result.Commits = %d, want %d", res.Commits, 100+n)
		}
		return dir, res
	}
	dir, res := build(60)
	out, err := exec.Command("git", "-C", dir, "log", "--reverse", "--format=%x01%an%x02%s%x02%b", "--name-only").Output()
	if err != nil {
		t.Fatal(err)
	}
	patterns := map[string]*regexp.Regexp{
		"stats":    regexp.MustCompile(`^ignore: update download stats \d{4}-\d{2}-\d{2}$`),
		"format":   regexp.MustCompile(`^chore: format code$`),
		"generate": regexp.MustCompile(`^chore: generate$`),
		"nix":      regexp.MustCompile(`^Update Nix flake\.lock and hashes$`),
		"release":  regexp.MustCompile(`^release: v0\.\d+\.\d+$`),
		"deps":     regexp.MustCompile(`^chore\(deps\): bump \S+ from \d+\.\d+\.\d+ to \d+\.\d+\.\d+$`),
	}
	files := map[string]string{
		"stats": "stats.json", "format": botSDK, "generate": botSDKTypes,
		"nix": "flake.lock", "release": "package.json", "deps": "package.json",
	}
	kinds := map[string]int{}
	bots, recorded := 0, 0
	for i, entry := range strings.Split(strings.TrimPrefix(string(out), "\x01"), "\x01") {
		fields := strings.SplitN(entry, "\x02", 3)
		if len(fields) < 3 {
			t.Fatalf("log entry %q", entry)
		}
		if !strings.HasSuffix(fields[0], "[bot]") {
			if fields[1] != commits[recorded].Subject {
				t.Fatalf("recorded commit %d is %q, want %q", recorded, fields[1], commits[recorded].Subject)
			}
			recorded++
			continue
		}
		if i == 0 {
			t.Fatalf("the history starts with a bot's commit %q", fields[1])
		}
		bots++
		kind := ""
		for k, re := range patterns {
			if re.MatchString(fields[1]) {
				kind = k
			}
		}
		if kind == "" {
			t.Fatalf("bot commit %q matches no kind", fields[1])
		}
		kinds[kind]++
		if !strings.Contains(fields[2], files[kind]) {
			t.Fatalf("bot commit %q changed %q, not %s", fields[1], fields[2], files[kind])
		}
		if kind == "deps" && !strings.Contains(fields[2], "Bumps [") {
			t.Fatalf("dependabot's commit %q has no body: %q", fields[1], fields[2])
		}
	}
	if bots != 60 || recorded != 100 {
		t.Fatalf("%d bot and %d recorded commits, want 60 and 100", bots, recorded)
	}
	if len(kinds) != len(patterns) {
		t.Fatalf("kinds of bot commit: %v, want all of %d", kinds, len(patterns))
	}
	head := func(dir string) string {
		out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	dir2, res2 := build(60)
	if head(dir) != head(dir2) || res.Hashes[commits[50].Sha] != res2.Hashes[commits[50].Sha] {
		t.Fatal("the same number of bots gave another history on a second run")
	}
	if h, ok := res.Lookup(commits[50].Sha); !ok || h == "" {
		t.Fatal("a recorded commit is not found among the bots")
	}
	dir0, _ := build(0)
	dirPlain := filepath.Join(t.TempDir(), "plain")
	if _, err := Build(context.Background(), dirPlain, commits, Options{}); err != nil {
		t.Fatal(err)
	}
	if head(dir0) != head(dirPlain) {
		t.Fatal("no bots changed the history")
	}
}
