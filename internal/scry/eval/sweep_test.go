package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embedders"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/search"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// TestSweep evaluates ranking variants (search.Tuning) on indexed
// repositories, for choosing the defaults on more than one query set:
//
//	VERDIGRIS_SCRY_SWEEP=/tmp/lefthook,/tmp/lefthook-docs \
//	VERDIGRIS_SCRY_SWEEP_SETS=a.json,b.json \
//	VERDIGRIS_SCRY_SWEEP_VARIANTS='{"k5":{"FusionK":5}}' \
//	  go test -run Sweep -v ./internal/scry/eval/
//
// The repositories must be indexed (git scry index) and the query sets
// name their commits. Each variant starts from search.DefaultTuning.
func TestSweep(t *testing.T) {
	repos := os.Getenv("VERDIGRIS_SCRY_SWEEP")
	if repos == "" {
		t.Skip("set VERDIGRIS_SCRY_SWEEP to indexed repositories to run the sweep")
	}
	var sets []*QuerySet
	for _, p := range strings.Split(os.Getenv("VERDIGRIS_SCRY_SWEEP_SETS"), ",") {
		qs, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, qs)
	}
	variants := map[string]json.RawMessage{"default": json.RawMessage(`{}`)}
	if v := os.Getenv("VERDIGRIS_SCRY_SWEEP_VARIANTS"); v != "" {
		if err := json.Unmarshal([]byte(v), &variants); err != nil {
			t.Fatal(err)
		}
	}
	names := make([]string, 0, len(variants))
	for n := range variants {
		names = append(names, n)
	}
	sort.Strings(names)
	ctx := context.Background()
	for _, dir := range strings.Split(repos, ",") {
		r, err := gitrepo.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(ctx, index.DBPath(r))
		if err != nil {
			t.Fatal(err)
		}
		s, err := search.Open(ctx, r, st, &embedders.Source{Getenv: os.Getenv})
		if err != nil {
			t.Fatal(err)
		}
		modes := []search.Mode{search.Lexical, search.Semantic}
		for _, name := range append([]string{""}, names...) {
			label := name
			if name != "" {
				s.Tuning = search.DefaultTuning
				if err := json.Unmarshal(variants[name], &s.Tuning); err != nil {
					t.Fatal(err)
				}
				modes = []search.Mode{search.Hybrid}
			} else {
				label = "(lex / sem)"
			}
			line := fmt.Sprintf("%-10.10s %-14s", dir[strings.LastIndex(dir, "/")+1:], label)
			var mrr, r10 float64
			for _, qs := range sets {
				rep, err := Run(ctx, s, qs, modes, 10)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range modes {
					mr := rep.Modes[string(m)]
					line += fmt.Sprintf(" | %.3f %.3f f%.3f", mr.Commit.MRR, mr.Commit.Recall10, mr.File.MRR)
					if m == modes[0] {
						mrr += mr.Commit.MRR / float64(len(sets))
						r10 += mr.Commit.Recall10 / float64(len(sets))
					}
				}
			}
			t.Logf("%s || mean %.3f %.3f", line, mrr, r10)
		}
		s.Close()
		st.Close()
	}
}
