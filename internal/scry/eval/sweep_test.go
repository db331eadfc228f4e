package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
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
//
// With VERDIGRIS_SCRY_SWEEP_TRAIN='{"d224":{"Dim":224}}' (builtin.Options
// by name) each repository is instead indexed again for every training
// variant and each of VERDIGRIS_SCRY_SWEEP_SEEDS seeds (default 3), and
// MRR and Recall@10 of lexical, semantic and each ranking variant's
// hybrid search are averaged over the seeds: one seed of the randomized
// SVD moves a query set's MRR by a few hundredths. The index of each
// repository is left as the last variant trained it.
// VERDIGRIS_SCRY_SWEEP_CACHE names the machine text's cache file (one
// per size) and VERDIGRIS_SCRY_SWEEP_MACHINE_BYTES its size (default 8
// MiB), VERDIGRIS_SCRY_SWEEP_GIT_BYTES the share of git's guides and
// file formats on top of it (default 2 MiB), VERDIGRIS_SCRY_SWEEP_JS_BYTES
// npm's and Node.js's documents' (default 2 MiB), and
// VERDIGRIS_SCRY_SWEEP_NPM_DOCS and _NODE_DOCS where those are ("-"
// leaves them out, as the sweeps before them); VERDIGRIS_SCRY_SWEEP_DOC_BYTES
// the repository documents' cap
// (builtin.Limits.MaxBytes; default 4 MiB).
func TestSweep(t *testing.T) {
	repos := os.Getenv("VERDIGRIS_SCRY_SWEEP")
	if repos == "" {
		t.Skip("set VERDIGRIS_SCRY_SWEEP to indexed repositories to run the sweep")
	}
	var sets []*QuerySet
	for _, p := range strings.Split(os.Getenv("VERDIGRIS_SCRY_SWEEP_SETS"), ",") {
		qs, err := Load(context.Background(), p)
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
	names := slices.Sorted(maps.Keys(variants))
	ctx := context.Background()
	if v := os.Getenv("VERDIGRIS_SCRY_SWEEP_TRAIN"); v != "" {
		sweepTraining(t, strings.Split(repos, ","), sets, v, variants)
		return
	}
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

// trainingSource is the embedder source with other training options.
type trainingSource struct {
	*embedders.Source
	opt builtin.Options
}

func (s trainingSource) Train(ctx context.Context, r *gitrepo.Repo, msgs []string) (embed.Embedder, []byte, error) {
	var lim builtin.MachineLimits
	fmt.Sscan(os.Getenv("VERDIGRIS_SCRY_SWEEP_MACHINE_BYTES"), &lim.MaxBytes)
	fmt.Sscan(os.Getenv("VERDIGRIS_SCRY_SWEEP_GIT_BYTES"), &lim.GitMaxBytes)
	fmt.Sscan(os.Getenv("VERDIGRIS_SCRY_SWEEP_JS_BYTES"), &lim.JSMaxBytes)
	lim.NpmDocs, lim.NodeDocs = os.Getenv("VERDIGRIS_SCRY_SWEEP_NPM_DOCS"), os.Getenv("VERDIGRIS_SCRY_SWEEP_NODE_DOCS")
	var docs builtin.Limits
	fmt.Sscan(os.Getenv("VERDIGRIS_SCRY_SWEEP_DOC_BYTES"), &docs.MaxBytes)
	g, err := builtin.Gather(ctx, r, builtin.RepoOptions{Documents: docs, Machine: lim, MachineCache: os.Getenv("VERDIGRIS_SCRY_SWEEP_CACHE"), Train: s.opt})
	if err != nil {
		return nil, nil, err
	}
	m, err := g.Train(ctx, msgs, s.opt)
	if err != nil {
		return nil, nil, err
	}
	blob, _ := m.MarshalBinary()
	return m, blob, nil
}

func sweepTraining(t *testing.T, repos []string, sets []*QuerySet, variants string, tunings map[string]json.RawMessage) {
	ctx := context.Background()
	opts := map[string]builtin.Options{}
	if err := json.Unmarshal([]byte(variants), &opts); err != nil {
		t.Fatal(err)
	}
	names := slices.Sorted(maps.Keys(opts))
	seeds := 3
	fmt.Sscan(os.Getenv("VERDIGRIS_SCRY_SWEEP_SEEDS"), &seeds)
	for _, dir := range repos {
		r, err := gitrepo.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		tnames := slices.Sorted(maps.Keys(tunings))
		for _, name := range names {
			type acc struct{ mrr, r10 float64 }
			sums := map[string][]acc{}
			for seed := 1; seed <= seeds; seed++ {
				opt := opts[name]
				opt.Seed = uint64(seed)
				src := trainingSource{&embedders.Source{Getenv: os.Getenv}, opt}
				os.RemoveAll(r.StateDir())
				if _, err := index.Run(ctx, r, index.Options{Embedders: src}); err != nil {
					t.Fatal(err)
				}
				st, err := store.Open(ctx, index.DBPath(r))
				if err != nil {
					t.Fatal(err)
				}
				s, err := search.Open(ctx, r, st, src)
				if err != nil {
					t.Fatal(err)
				}
				for _, tn := range append([]string{"(lexical)", "(semantic)"}, tnames...) {
					mode := search.Hybrid
					s.Tuning = search.DefaultTuning
					switch tn {
					case "(lexical)":
						mode = search.Lexical
					case "(semantic)":
						mode = search.Semantic
					default:
						if err := json.Unmarshal(tunings[tn], &s.Tuning); err != nil {
							t.Fatal(err)
						}
					}
					if sums[tn] == nil {
						sums[tn] = make([]acc, len(sets))
					}
					for i, qs := range sets {
						rep, err := Run(ctx, s, qs, []search.Mode{mode}, 10)
						if err != nil {
							t.Fatal(err)
						}
						c := rep.Modes[string(mode)].Commit
						sums[tn][i].mrr += c.MRR / float64(seeds)
						sums[tn][i].r10 += c.Recall10 / float64(seeds)
					}
				}
				s.Close()
				st.Close()
			}
			for _, tn := range append([]string{"(lexical)", "(semantic)"}, tnames...) {
				line := fmt.Sprintf("%-8.8s %-10s %-12s mean of %d seeds:", dir[strings.LastIndex(dir, "/")+1:], name, tn, seeds)
				for _, a := range sums[tn] {
					line += fmt.Sprintf(" | %.3f %.3f", a.mrr, a.r10)
				}
				t.Log(line)
			}
		}
	}
}
