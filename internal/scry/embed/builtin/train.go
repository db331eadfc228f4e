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
	"math"
	"runtime"
	"sort"
	"time"
)

// Sources is the text a model learns from.
type Sources struct {
	// Commits are commit messages (subject, blank line, body). Their terms
	// are always in the vocabulary and set the term weights (idf).
	Commits []string
	// Documents are the repository's own texts: markdown, comments.
	Documents []string
	// Background is general technical English from the machine (see
	// MachineDocuments); it teaches words the repository rarely uses.
	Background []string
	// Machine is the same text already analysed (MachineText), learned
	// from after Background.
	Machine *MachineCorpus
}

// Options tune training; the zero value gives the measured defaults.
type Options struct {
	Dim        int     // vector length (default 224)
	Window     int     // co-occurrence window each side (default 5)
	MinCount   int     // a non-commit term needs this many occurrences (default 3)
	MaxVocab   int     // vocabulary cap (default 60000)
	Alpha      float64 // context distribution smoothing (default 0.75)
	Shift      float64 // PMI shift, log k subtracted (default 0)
	Eig        float64 // singular value exponent for term vectors (default 0.8)
	PowerIters int     // randomized SVD power iterations (default 4)
	Oversample int     // extra basis vectors of the randomized SVD (default 8)
	OrthEvery  int     // orthonormalise the basis after every n-th product (default 2)
	// Weights of each source's co-occurrences (defaults 1, 1, 1; a
	// negative weight leaves the source out).
	CommitWeight, DocumentWeight, BackgroundWeight float64
	// SubjectWeight multiplies the subject terms' weight in a text's
	// vector (default 2).
	SubjectWeight float64
	// KeepNorms keeps the term vectors' lengths instead of normalising
	// them, so frequent, well-attested terms weigh more.
	KeepNorms bool
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
	def(&o.Dim, 224)
	def(&o.Window, 5)
	def(&o.MinCount, 3)
	def(&o.MaxVocab, 60000)
	def(&o.PowerIters, 4)
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
	deff(&o.Retrofit, 1)
	if o.Synonyms == nil {
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
	c                           *corpus
	commits                     []string
	ndocs, nbg                  int
	commitSegs, docSegs, bgSegs [][]int32
}

func prepare(src Sources) *prepared {
	c := newCorpus()
	p := &prepared{
		c:          c,
		commits:    src.Commits,
		ndocs:      len(src.Documents),
		nbg:        len(src.Background),
		commitSegs: c.add(src.Commits, true),
		docSegs:    c.add(src.Documents, false),
		bgSegs:     c.add(src.Background, false),
	}
	if mc := src.Machine; mc != nil {
		p.nbg += mc.Docs
		p.bgSegs = append(p.bgSegs, c.addAnalysed(mc)...)
	}
	return p
}

func (p *prepared) fit(ctx context.Context, opt Options, start time.Time) (*Model, error) {
	opt.defaults()
	c := p.c
	vocab := c.vocabulary(opt.MinCount, opt.MaxVocab)
	if len(vocab.terms) < 8 {
		return nil, ErrNoText
	}
	var sources []weighted
	for _, part := range []struct {
		segs [][]int32
		w    float64
	}{{p.commitSegs, opt.CommitWeight}, {p.docSegs, opt.DocumentWeight}, {p.bgSegs, opt.BackgroundWeight}} {
		if part.w > 0 {
			sources = append(sources, weighted{remapSegments(part.segs, vocab.remap), float32(part.w)})
		}
	}
	cooc := countCooccurrences(len(vocab.terms), sources, opt.Window, opt.Workers)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := cooc.ppmi(opt.Alpha, opt.Shift, opt.Workers)
	dim := min(opt.Dim, len(vocab.terms)/2)
	vecs, err := termVectors(ctx, m, dim, opt)
	if err != nil {
		return nil, err
	}
	idf := make([]float32, len(vocab.terms))
	n := float64(max(len(p.commits), 1))
	for i, t := range vocab.terms {
		idf[i] = float32(math.Log((n + 1) / (float64(c.df[t]) + 1)))
	}
	if !opt.KeepNorms {
		for i := range vocab.terms {
			normalize(vecs[i*dim : (i+1)*dim])
		}
	}
	words := vocab.words(c)
	var retrofitted int
	if opt.Retrofit > 0 {
		fixed := make([]bool, len(vocab.terms))
		for i, id := range vocab.terms {
			fixed[i] = c.inMsg[id]
		}
		retrofitted = retrofit(vecs, dim, words, fixed, opt.Synonyms, opt.Retrofit, opt.RetrofitIters)
	}
	meta := Meta{
		Commits:    len(p.commits),
		Documents:  p.ndocs,
		Background: p.nbg,
		Tokens:     c.tokens,
		Vocabulary: len(vocab.terms),
		Dim:        dim,
		Synonyms:   retrofitted,
		TrainedAt:  time.Now().UTC().Truncate(time.Second),
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
	return newModel(words, vecs, dim, idf, dirs, opt.SubjectWeight, meta)
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

// vocab is the chosen vocabulary: terms sorted (the model's order) and
// the map from corpus ids to vocabulary ids (-1: left out).
type vocab struct {
	terms []int32 // corpus ids, in vocabulary order
	remap []int32
}

func (v vocab) words(c *corpus) []string {
	out := make([]string, len(v.terms))
	for i, id := range v.terms {
		out[i] = c.names[id]
	}
	return out
}

// vocabulary keeps every commit-message term and the other terms seen at
// least minCount times, most frequent first, up to maxVocab; the result is
// sorted by term so the model can find terms and prefixes by binary search.
func (c *corpus) vocabulary(minCount, maxVocab int) vocab {
	var cand []int32
	for id, name := range c.names {
		if isNumber(name) {
			continue // issue numbers and versions: lexical matches, not meaning
		}
		if c.inMsg[id] || c.freq[id] >= int64(minCount) {
			cand = append(cand, int32(id))
		}
	}
	if len(cand) > maxVocab {
		sort.Slice(cand, func(i, j int) bool {
			a, b := cand[i], cand[j]
			if c.inMsg[a] != c.inMsg[b] {
				return c.inMsg[a]
			}
			if c.freq[a] != c.freq[b] {
				return c.freq[a] > c.freq[b]
			}
			return c.names[a] < c.names[b]
		})
		cand = cand[:maxVocab]
	}
	sort.Slice(cand, func(i, j int) bool { return c.names[cand[i]] < c.names[cand[j]] })
	remap := make([]int32, len(c.names))
	for i := range remap {
		remap[i] = -1
	}
	for i, id := range cand {
		remap[id] = int32(i)
	}
	return vocab{terms: cand, remap: remap}
}

func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
