package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The commit that holds the query's rarer word ranks first; commits that
// hold none of its words come last; prefixes name commits.
func TestRankAndMeasure(t *testing.T) {
	var ix index
	ix.add("aaa111", words("Fix the flaky push hook", false))
	ix.add("bbb222", words("Update the README", false))
	ix.add("ccc333", words("push: retry on timeout; the push hook waits", false))
	ix.add("ddd444", words("Update the changelog", false))
	if got := ix.rank(words("flaky hook", false)); got[0] != 0 || got[1] != 2 {
		t.Errorf("rank = %v, want the flaky commit, then the other hook commit", got)
	}
	rr, r10 := ix.measure(words("push timeout", false), []string{"ccc", "aaa1"})
	if rr != 1 || r10 != 1 {
		t.Errorf("measure = %v, %v; want 1, 1", rr, r10)
	}
	// Commits without the query's words keep the order they were added.
	rr, _ = ix.measure(words("README", false), []string{"ddd"})
	if rr != 0.25 {
		t.Errorf("an unmatched relevant commit: rr %v, want 0.25 (after the match and the two added before it)", rr)
	}
	if w := words("Why did the hook fail", true); len(w) != 2 || w[0] != "hook" || w[1] != "fail" {
		t.Errorf("words with stop words left out = %q", w)
	}
}

// -per-query prints, after the summary, each question's id, the rank of
// its first relevant commit ("-" when none is in the history) and the
// question.
func TestRunPerQuery(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.com")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("commit", "-q", "--allow-empty", "-m", "Fix the flaky push hook")
	flaky := git("rev-parse", "HEAD")
	git("commit", "-q", "--allow-empty", "-m", "Update the README")
	set := filepath.Join(t.TempDir(), "set.json")
	if err := os.WriteFile(set, []byte(`{"name": "t", "queries": [
		{"id": "flaky", "query": "flaky hook", "relevant_commits": ["`+flaky[:12]+`"]},
		{"id": "readme", "query": "flaky hook", "relevant_commits": ["`+git("rev-parse", "HEAD")[:12]+`"]},
		{"id": "elsewhere", "query": "anything", "relevant_commits": ["0123456789ab"]}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(&out, set, dir, false, true); err != nil {
		t.Fatal(err)
	}
	want := "t: plain BM25 over 2 commit messages, 3 queries: MRR 0.500, Recall@10 0.667\n" +
		"flaky\t1\tflaky hook\nreadme\t2\tflaky hook\nelsewhere\t-\tanything\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	if err := run(&out, set, dir, false, false); err != nil || strings.Count(out.String(), "\n") != 1 {
		t.Errorf("without -per-query: %q, %v; want the summary line alone", out.String(), err)
	}
}
