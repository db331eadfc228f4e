package eval

import (
	"path/filepath"
	"testing"
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
		qs, err := Load(p)
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
