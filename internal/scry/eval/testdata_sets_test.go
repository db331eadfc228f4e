package eval

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/replay"
)

// The query sets the benchmarks and the CI gate read are data: a bad
// hand edit (a repeated id, a cut hash, a misspelled key) would
// otherwise surface only as wrong figures.
func TestTestdataQuerySetsAreWellFormed(t *testing.T) {
	paths, err := filepath.Glob("../../../testdata/eval/*.json")
	if err != nil || len(paths) < 4 {
		t.Fatalf("query sets: %v, %v", paths, err)
	}
	for _, p := range paths {
		qs, err := Load(context.Background(), p)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(qs.Unknown) > 0 {
			t.Errorf("%s: keys the format does not have: %v", p, qs.Unknown)
		}
		for _, q := range qs.Queries {
			if q.Query == "" || len(q.RelevantCommits) == 0 {
				t.Errorf("%s: %s has no question or no answering commit", p, q.ID)
			}
		}
	}
}

// lefthook-3.json is a held-out set: it stays an honest test of what was
// tuned on the other lefthook questions only while none of its answers
// is one of theirs (the built-in embedder's own tuning set included), and
// it says what a replay can rewrite only while every answer names one
// recorded commit.
func TestLefthook3IsHeldOut(t *testing.T) {
	const set = "../../../testdata/eval/lefthook-3.json"
	qs, err := Load(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs.Queries) != 50 {
		t.Errorf("%s: %d questions, want 50", set, len(qs.Queries))
	}
	commits, err := replay.Load(replay.LefthookCorpus())
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{} // full hash: the set that answers with it
	for _, other := range []string{"../../../testdata/eval/lefthook.json", "../../../testdata/eval/lefthook-2.json", "../embed/builtin/testdata/lefthook-dev.json"} {
		o, err := Load(context.Background(), other)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range o.Queries {
			for _, p := range q.RelevantCommits {
				for _, c := range commits {
					if strings.HasPrefix(c.Sha, p) {
						used[c.Sha] = filepath.Base(other)
					}
				}
			}
		}
	}
	for _, q := range qs.Queries {
		if n := len(q.RelevantCommits); n < 1 || n > 2 {
			t.Errorf("%s: %d answering commits, want 1 or 2", q.ID, n)
		}
		for _, p := range q.RelevantCommits {
			var found []string
			for _, c := range commits {
				if strings.HasPrefix(c.Sha, p) {
					found = append(found, c.Sha)
				}
			}
			switch {
			case len(p) != 12 || len(found) != 1:
				t.Errorf("%s: %q names %d recorded commits, want a 12-character prefix of one", q.ID, p, len(found))
			case used[found[0]] != "":
				t.Errorf("%s: %s also answers a question of %s", q.ID, p, used[found[0]])
			}
		}
	}
}
