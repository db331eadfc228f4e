package main

import "testing"

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
