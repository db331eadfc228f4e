package builtin

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
)

// MachineSpace is the machine's technical text learned on its own: its
// vocabulary, how often each term occurs there, and a unit vector per
// term. A model's term vector is its repository-space vector followed by
// its machine-space vector (train.go). The machine's text is the same for
// every repository on the machine, so its space is learned once per
// machine and kept (MachineSpaceCached); a repository's training then
// learns only from the repository's own text. Learned together, the
// machine's half a second of work was paid again by every index, and a
// history of a few hundred commits took seven times as long as `git log
// -p` to index; apart, with the machine part weighted 2.5 times the
// repository part, the lefthook query sets score about the same (see
// docs/benchmarks.md).
type MachineSpace struct {
	Terms  []string // sorted
	Freq   []int64  // occurrences of each term in the text
	Dim    int
	Vecs   []float32 // len(Terms)×Dim, unit rows
	Docs   int       // documents read
	Tokens int64     // terms read

	params string // spaceParams of the options it was learned with
}

// spaceParams is every option that shapes a machine space; a space is
// used only by trainings with the same.
func spaceParams(o Options) string {
	return fmt.Sprintf("dim=%d win=%d min=%d max=%d a=%g shift=%g eig=%g pi=%d os=%d oe=%d w=%g seed=%d",
		o.MachineDim, o.Window, o.MinCount, o.MaxVocab, o.Alpha, o.Shift, o.Eig,
		o.MachinePowerIters, o.Oversample, o.OrthEvery, o.BackgroundWeight, o.Seed)
}

// LearnMachineSpace learns the machine space of analysed machine text:
// the terms seen at least MinCount times (numbers left out), their
// windowed co-occurrences, PPMI and a truncated eigendecomposition of
// MachineDim dimensions, as a training learns the repository's space.
func LearnMachineSpace(ctx context.Context, mc *MachineCorpus, opt Options) (*MachineSpace, error) {
	opt.defaults()
	return learnSpace(ctx, []*MachineCorpus{mc}, opt)
}

func learnSpace(ctx context.Context, corpora []*MachineCorpus, opt Options) (*MachineSpace, error) {
	sp := &MachineSpace{params: spaceParams(opt)}
	opt.PowerIters = opt.MachinePowerIters
	var names []string
	var freq []int64
	var segs [][]int32
	if len(corpora) == 1 {
		// One corpus, a machine's: its terms are distinct and its ids
		// are those a corpus would give them, so they are counted where
		// they are, without copying 800,000 ids into a corpus first.
		mc := corpora[0]
		names, freq, segs = mc.Terms, make([]int64, len(mc.Terms)), mc.Segs
		for _, seg := range segs {
			for _, id := range seg {
				freq[id]++
			}
			sp.Tokens += int64(len(seg))
		}
		sp.Docs = mc.Docs
	} else {
		c := newCorpus()
		for _, mc := range corpora {
			sp.Docs += mc.Docs
			segs = append(segs, c.addAnalysed(mc)...)
		}
		names, freq, sp.Tokens = c.names, c.freq, c.tokens
	}
	var cand []int32
	for id, name := range names {
		if freq[id] >= int64(opt.MinCount) && !isNumber(name) {
			cand = append(cand, int32(id))
		}
	}
	if len(cand) > opt.MaxVocab {
		sort.SliceStable(cand, func(i, j int) bool { return freq[cand[i]] > freq[cand[j]] })
		cand = cand[:opt.MaxVocab]
	}
	slices.SortFunc(cand, func(a, b int32) int { return cmp.Compare(names[a], names[b]) })
	remap := make([]int32, len(names))
	for i := range remap {
		remap[i] = -1
	}
	for i, id := range cand {
		remap[id] = int32(i)
		sp.Terms = append(sp.Terms, names[id])
		sp.Freq = append(sp.Freq, freq[id])
	}
	sp.Dim = min(opt.MachineDim, len(cand)/2)
	if sp.Dim < 1 || opt.BackgroundWeight < 0 {
		sp.Dim = 0
		return sp, nil
	}
	cooc := countCooccurrences(len(cand), []weighted{{remapSegments(segs, remap), float32(opt.BackgroundWeight)}}, opt.Window, opt.Workers)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	vecs, err := termVectors(ctx, cooc.ppmi(opt.Alpha, opt.Shift, opt.Workers), sp.Dim, opt)
	if err != nil {
		return nil, err
	}
	for i := range cand {
		normalize(vecs[i*sp.Dim : (i+1)*sp.Dim])
	}
	sp.Vecs = vecs
	return sp, nil
}

// index maps the space's terms to their rows.
func (sp *MachineSpace) index() map[string]int32 {
	m := make(map[string]int32, len(sp.Terms))
	for i, t := range sp.Terms {
		m[t] = int32(i)
	}
	return m
}

func (sp *MachineSpace) row(i int32) []float32 {
	return sp.Vecs[int(i)*sp.Dim : int(i+1)*sp.Dim]
}
