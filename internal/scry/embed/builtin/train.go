// Package builtin is the embedder that needs no download: term vectors
// learned from text already on the machine (the repository's commit
// messages and documents, optionally general technical English), with the
// classic recipe — windowed term co-occurrence, positive pointwise mutual
// information, truncated SVD — and run in pure Go. A text's vector is the
// weighted mean of its terms' vectors, L2-normalised.
package builtin

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"time"
)

// Sources is the text a model learns from.
type Sources struct {
	// Commits are commit messages (subject, blank line, body). Their terms
	// are always in the vocabulary and set the term weights (idf). A
	// message that repeats an earlier one but for its numbers (a bot's
	// daily message) is learned from once (repeats.go).
	Commits []string
	// Documents are the repository's own texts: markdown, comments.
	Documents []string
	// Background is general technical English from the machine (see
	// MachineDocuments); it teaches words the repository rarely uses. It
	// is learned in a space of its own (MachineSpace).
	Background []string
	// Machine is the same text already analysed (MachineText), learned
	// from after Background.
	Machine *MachineCorpus
	// Space is that space already learned (MachineSpaceCached), with the
	// same options; it takes the place of Background and Machine.
	Space *MachineSpace
}

// Options tune training; the zero value gives the measured defaults.
type Options struct {
	// A term's vector is Dim dimensions learned from the repository
	// (default 128) followed by MachineDim learned from the machine's
	// text (default 224; space.go), the latter weighted MachineScale
	// times the former (default 2.5).
	Dim          int
	MachineDim   int
	MachineScale float64
	Window       int     // co-occurrence window each side (default 5)
	MinCount     int     // a non-commit term needs this many occurrences (default 3)
	MaxVocab     int     // vocabulary cap (default 60000)
	Alpha        float64 // context distribution smoothing (default 0.75)
	Shift        float64 // PMI shift, log k subtracted (default 0)
	Eig          float64 // singular value exponent for term vectors (default 0.8)
	PowerIters   int     // randomized SVD power iterations (default 4)
	// MachinePowerIters are the machine space's (default 16). Its PPMI
	// spectrum decays slowly, and 4 iterations left its top directions
	// mixed with the next ones, differently for each seed: 16 gave mean
	// hybrid MRR 0.373 against 0.362 over our six query sets (seeds 1–12,
	// docs/benchmarks.md), for 0.6–0.8 s more once per machine (the
	// space is cached); the repository's space gained nothing from more.
	MachinePowerIters int
	Oversample        int // extra basis vectors of the randomized SVD (default 8)
	OrthEvery         int // orthonormalise the basis after every n-th product (default 2)
	// Weights of each source's co-occurrences (defaults 1, 1, 1; a
	// negative weight leaves the source out). The machine's text is
	// alone in its space, where a uniform weight cancels out of PPMI:
	// BackgroundWeight only turns it off; MachineScale weighs it.
	CommitWeight, DocumentWeight, BackgroundWeight float64
	// SubjectWeight multiplies the subject terms' weight in a text's
	// vector (default 2).
	SubjectWeight float64
	// Directions is how many of the history's common directions every
	// vector loses (default 5, at most one per 32 dimensions; negative:
	// none; directions.go).
	Directions int
	// Retrofit is how strongly a word that no commit message uses is
	// pulled toward its synonyms (default 1, negative: not at all;
	// retrofit.go), over RetrofitIters rounds (default 10). Synonyms are
	// the groups of terms used (default: WordNet's, synonyms.txt).
	Retrofit      float64
	RetrofitIters int
	Synonyms      [][]string
	Seed          uint64
	Workers       int
}

func (o *Options) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	deff := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Dim, 128)
	def(&o.MachineDim, 224)
	def(&o.Window, 5)
	def(&o.MinCount, 3)
	def(&o.MaxVocab, 60000)
	def(&o.PowerIters, 4)
	def(&o.MachinePowerIters, 16)
	def(&o.Oversample, 8)
	def(&o.OrthEvery, 2)
	def(&o.RetrofitIters, 10)
	if o.Directions == 0 {
		o.Directions = 5
	}
	def(&o.Workers, runtime.GOMAXPROCS(0))
	deff(&o.Alpha, 0.75)
	deff(&o.Eig, 0.8)
	deff(&o.CommitWeight, 1)
	deff(&o.DocumentWeight, 1)
	deff(&o.BackgroundWeight, 1)
	deff(&o.SubjectWeight, 2)
	deff(&o.MachineScale, 2.5)
	deff(&o.Retrofit, 1)
	if o.Synonyms == nil && o.Retrofit > 0 { // a negative Retrofit turns it off
		o.Synonyms = synonymGroups()
	}
	if o.Seed == 0 {
		o.Seed = 0x5eed
	}
}

// ErrNoText is returned when the sources hold too few terms to learn from.
var ErrNoText = errors.New("builtin embedder: too little text to learn from")

// Train learns a model from the sources. It is deterministic: the same
// sources and options give the same model, byte for byte.
func Train(ctx context.Context, src Sources, opt Options) (*Model, error) {
	start := time.Now()
	p := prepare(src)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return p.fit(ctx, opt, start)
}

// prepared is the analysed corpus, reusable across option sets.
type prepared struct {
	c                   *corpus  // the repository's text
	commits             []string // the messages learned from: repeats left out
	ncommits            int      // all of them
	ndocs               int
	commitSegs, docSegs [][]int32
	machine             []*MachineCorpus // learned into a space by fit
	space               *MachineSpace    // given, or the last one learned
}

func prepare(src Sources) *prepared {
	c := newCorpus()
	msgs := distinctMessages(src.Commits)
	p := &prepared{
		c:          c,
		commits:    msgs,
		ncommits:   len(src.Commits),
		ndocs:      len(src.Documents),
		commitSegs: c.add(msgs, true),
		docSegs:    c.add(src.Documents, false),
		space:      src.Space,
	}
	if src.Space == nil {
		if len(src.Background) > 0 {
			p.machine = append(p.machine, AnalyseMachineText(src.Background))
		}
		if src.Machine != nil {
			p.machine = append(p.machine, src.Machine)
		}
	}
	return p
}

// machineSpace is the space the options call for: the one given, or
// learned from the machine text (nil without any).
func (p *prepared) machineSpace(ctx context.Context, opt Options) (*MachineSpace, error) {
	params := spaceParams(opt)
	if p.space != nil && p.space.params == params {
		return p.space, nil
	}
	if len(p.machine) == 0 {
		if p.space != nil {
			return nil, fmt.Errorf("builtin embedder: the machine space was learned with other options (%s), not %s", p.space.params, params)
		}
		return nil, nil
	}
	sp, err := learnSpace(ctx, p.machine, opt)
	if err != nil {
		return nil, err
	}
	p.space = sp
	return sp, nil
}

func (p *prepared) fit(ctx context.Context, opt Options, start time.Time) (*Model, error) {
	opt.defaults()
	c := p.c
	sp, err := p.machineSpace(ctx, opt)
	if err != nil {
		return nil, err
	}
	vocab := c.vocabulary(sp, opt.MinCount, opt.MaxVocab)
	if len(vocab.words) < 8 {
		return nil, ErrNoText
	}
	// The repository's space, over the vocabulary's terms that its text
	// uses (inRepo: their rows).
	var inRepo []int32
	local := make([]int32, len(vocab.words))
	for i, id := range vocab.corpus {
		local[i] = -1
		if id >= 0 && c.freq[id] > 0 {
			local[i] = int32(len(inRepo))
			inRepo = append(inRepo, int32(i))
		}
	}
	remap := make([]int32, len(vocab.remap))
	for id, v := range vocab.remap {
		remap[id] = -1
		if v >= 0 {
			remap[id] = local[v]
		}
	}
	var sources []weighted
	for _, part := range []struct {
		segs [][]int32
		w    float64
	}{{p.commitSegs, opt.CommitWeight}, {p.docSegs, opt.DocumentWeight}} {
		if part.w > 0 {
			sources = append(sources, weighted{remapSegments(part.segs, remap), float32(part.w)})
		}
	}
	rdim := min(opt.Dim, len(inRepo)/2)
	var rvecs []float32
	if rdim > 0 {
		cooc := countCooccurrences(len(inRepo), sources, opt.Window, opt.Workers)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if rvecs, err = termVectors(ctx, cooc.ppmi(opt.Alpha, opt.Shift, opt.Workers), rdim, opt); err != nil {
			return nil, err
		}
	}
	mdim := 0
	if sp != nil {
		mdim = sp.Dim
	}
	dim := rdim + mdim
	if dim == 0 {
		return nil, ErrNoText
	}
	// Each term: its repository vector, then its machine vector weighted
	// MachineScale, each unit length before weighting (a term one space
	// lacks has zeros there), the whole unit length.
	vecs := make([]float32, len(vocab.words)*dim)
	for i := range vocab.words {
		v := vecs[i*dim : (i+1)*dim]
		if k := local[i]; k >= 0 {
			copy(v, rvecs[int(k)*rdim:int(k+1)*rdim])
			normalize(v[:rdim])
		}
		if r := vocab.space[i]; r >= 0 {
			for j, x := range sp.row(r) {
				v[rdim+j] = float32(opt.MachineScale) * x
			}
		}
		normalize(v)
	}
	idf := make([]float32, len(vocab.words))
	n := float64(max(len(p.commits), 1))
	fixed := make([]bool, len(vocab.words))
	for i, id := range vocab.corpus {
		df := 0.0
		if id >= 0 {
			df = float64(c.df[id])
			fixed[i] = c.inMsg[id]
		}
		idf[i] = float32(math.Log((n + 1) / (df + 1)))
	}
	words := vocab.words
	var retrofitted int
	if opt.Retrofit > 0 {
		retrofitted = retrofit(vecs, dim, words, fixed, opt.Synonyms, opt.Retrofit, opt.RetrofitIters)
	}
	meta := Meta{
		Commits:    p.ncommits,
		Messages:   len(p.commits),
		Documents:  p.ndocs,
		Tokens:     c.tokens,
		Vocabulary: len(vocab.words),
		Dim:        dim,
		MachineDim: mdim,
		Synonyms:   retrofitted,
		TrainedAt:  time.Now().UTC().Truncate(time.Second),
	}
	if sp != nil {
		meta.Background = sp.Docs
		meta.Tokens += sp.Tokens
	}
	meta.TrainMS = time.Since(start).Milliseconds()
	model, err := newModel(words, vecs, dim, idf, nil, opt.SubjectWeight, meta)
	if err != nil || opt.Directions <= 0 {
		return model, err
	}
	// A few directions of a small space are most of it.
	dirs := commonDirections(model, p.commits, min(opt.Directions, dim/32), opt.Workers)
	if dirs == nil {
		return model, nil
	}
	meta.Directions = len(dirs) / dim
	meta.TrainMS = time.Since(start).Milliseconds()
	return model.withDirections(dirs, meta)
}

// corpus interns terms and keeps every segment as term ids.
type corpus struct {
	ids    map[string]int32
	names  []string
	freq   []int64 // occurrences in all sources
	inMsg  []bool  // seen in a commit message
	df     []int32 // commit messages containing the term
	tokens int64
}

func newCorpus() *corpus { return &corpus{ids: map[string]int32{}} }

func (c *corpus) id(t string) int32 {
	if id, ok := c.ids[t]; ok {
		return id
	}
	id := int32(len(c.names))
	c.ids[t] = id
	c.names = append(c.names, t)
	c.freq = append(c.freq, 0)
	c.inMsg = append(c.inMsg, false)
	c.df = append(c.df, 0)
	return id
}

func (c *corpus) add(texts []string, messages bool) [][]int32 {
	terms, docs := analyseIDs(texts)
	ids := make([]int32, len(terms))
	for i, t := range terms {
		ids[i] = c.id(t)
	}
	var out [][]int32
	seen := map[int32]bool{}
	for _, segs := range docs {
		clear(seen)
		for _, seg := range segs {
			for i, t := range seg {
				id := ids[t]
				seg[i] = id
				c.freq[id]++
				if messages {
					c.inMsg[id] = true
					if !seen[id] {
						seen[id] = true
						c.df[id]++
					}
				}
			}
			c.tokens += int64(len(seg))
			out = append(out, seg)
		}
	}
	return out
}

// addAnalysed interns an analysed machine corpus, as add would have
// interned its text: terms in the order first seen, counted, segments
// turned into corpus ids.
func (c *corpus) addAnalysed(mc *MachineCorpus) [][]int32 {
	ids := make([]int32, len(mc.Terms))
	for i, t := range mc.Terms {
		ids[i] = c.id(t)
	}
	out := make([][]int32, len(mc.Segs))
	for i, seg := range mc.Segs {
		s := make([]int32, len(seg))
		for j, id := range seg {
			s[j] = ids[id]
			c.freq[s[j]]++
		}
		c.tokens += int64(len(s))
		out[i] = s
	}
	return out
}

// vocab is the chosen vocabulary, sorted (the model's order): each
// term, its corpus id and its row in the machine space (-1: not there),
// and the map from corpus ids to vocabulary indices (-1: left out).
type vocab struct {
	words  []string
	corpus []int32
	space  []int32
	remap  []int32
}

// vocabulary keeps every commit-message term and the other terms seen at
// least minCount times in the repository's text and the machine's
// together, most frequent first, up to maxVocab; the result is sorted by
// term so the model can find terms and prefixes by binary search.
func (c *corpus) vocabulary(sp *MachineSpace, minCount, maxVocab int) vocab {
	type cand struct {
		name    string
		id, row int32
		inMsg   bool
		freq    int64
	}
	var cands []cand
	var spaceIndex map[string]int32
	if sp != nil {
		spaceIndex = sp.index()
	}
	for id, name := range c.names {
		if isNumber(name) {
			continue // issue numbers and versions: lexical matches, not meaning
		}
		k := cand{name: name, id: int32(id), row: -1, inMsg: c.inMsg[id], freq: c.freq[id]}
		if r, ok := spaceIndex[name]; ok {
			k.row, k.freq = r, k.freq+sp.Freq[r]
		}
		if k.inMsg || k.freq >= int64(minCount) {
			cands = append(cands, k)
		}
	}
	if sp != nil {
		for r, name := range sp.Terms {
			if _, ok := c.ids[name]; !ok {
				cands = append(cands, cand{name: name, id: -1, row: int32(r), freq: sp.Freq[r]})
			}
		}
	}
	if len(cands) > maxVocab {
		sort.Slice(cands, func(i, j int) bool {
			a, b := cands[i], cands[j]
			if a.inMsg != b.inMsg {
				return a.inMsg
			}
			if a.freq != b.freq {
				return a.freq > b.freq
			}
			return a.name < b.name
		})
		cands = cands[:maxVocab]
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].name < cands[j].name })
	v := vocab{remap: make([]int32, len(c.names))}
	for i := range v.remap {
		v.remap[i] = -1
	}
	for i, k := range cands {
		v.words = append(v.words, k.name)
		v.corpus = append(v.corpus, k.id)
		v.space = append(v.space, k.row)
		if k.id >= 0 {
			v.remap[k.id] = int32(i)
		}
	}
	return v
}

func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
