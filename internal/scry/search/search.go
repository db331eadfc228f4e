// Package search answers queries over the commit index: lexical (FTS5
// bm25 over analysed terms, subject weighted above body, body above
// paths, paths above diff identifiers), semantic (the query's vector
// against every commit's, brute force over packed int8 vectors) and
// hybrid (reciprocal-rank fusion of the two).
package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/model"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// Mode is how a query is answered.
type Mode string

const (
	Hybrid   Mode = "hybrid"
	Lexical  Mode = "lexical"
	Semantic Mode = "semantic"
)

// Modes lists every mode, hybrid first.
var Modes = []Mode{Hybrid, Lexical, Semantic}

// Query is one search.
type Query struct {
	Text   string
	Mode   Mode
	Limit  int
	Filter Filter
}

// Hit is one result.
type Hit struct {
	ID       int64
	Hash     string
	Date     time.Time // author date
	Author   string
	Email    string
	Subject  string
	Score    float64
	Files    []string // every file the commit changed
	Matched  []string // the files that match the query's terms or --path
	Sessions []string
	// Ranks in each list the hit came from (0: not in that list), for
	// --explain.
	LexicalRank, SemanticRank int
	// DocumentsRank is the rank in document feedback's list (fedBack).
	DocumentsRank int
	// Near is the hash of the better hit this one was lifted toward, a
	// neighbour in time and meaning ("" when it was not).
	Near string
	// MergedBy is the merge whose message the commit was given (the
	// index's merged column), MergedSubject its subject; "" for none.
	MergedBy, MergedSubject string
}

// Searcher answers queries against one open index.
type Searcher struct {
	st *store.Store
	r  *gitrepo.Repo // for the mailmap; nil maps no author
	// e is what Open loaded the embedder from, kept to load it again
	// when the index is replaced under the searcher (reload).
	e index.Embedders
	// authors: the indexed authors and the mailmap's names for them,
	// once read (indexedAuthors).
	authors *[2][]gitrepo.Ident
	emb     embed.Embedder
	vs      store.VectorSpace
	// SemanticErr says why semantic search is unavailable ("" when it is).
	SemanticErr string
	// SemanticHint says what makes it available when 'git scry index'
	// alone would not ("" when it would).
	SemanticHint string
	// PassedOver is why the ONNX model in use cannot run here, when
	// semantic search uses the built-in embedder the index fell back to
	// ("" when it uses the embedder the user chose).
	PassedOver string
	// RegistryErr is why the model registry could not be read, when
	// semantic search uses the built-in embedder for it ("" when it
	// was read): no model in use can be known, nor said to be passed
	// over.
	RegistryErr string
	// RunHint is what makes the model in use run, when its not running
	// is why semantic search is unavailable ("" otherwise).
	RunHint string
	// Empty: the index holds no commits (a repository without any yet).
	Empty bool
	// Unfinished: no index run has completed yet (the first is under way,
	// or was stopped), so the index holds only some of the history: how
	// many commits so far. 0 when a run has completed.
	Unfinished int
	// Unembedded: of the Commits in the index, how many have no vector of
	// the embedder semantic search uses (a change of embedder being
	// embedded anew, or a run stopped doing it): semantic search ranks
	// only the others. 0 when every commit has one, or semantic search
	// is unavailable, or Unfinished says the index is incomplete anyway.
	Unembedded, Commits int
	// EmbedFailed is why the last index run could not embed them ("" when
	// it did not fail: embedding them is under way, or was stopped).
	EmbedFailed string
	// Tuning is the ranking's constants (DefaultTuning unless an
	// evaluation tries others).
	Tuning Tuning
	// cache is the mapped copy of the vectors and lengths, nil when it is
	// not current.
	cache *store.Cache
	// paragraphs is how many document paragraphs the index holds for
	// document feedback.
	paragraphs int64
	// times are the author times by id read from the database when there
	// is no current cache (ties), nil until needed.
	times   tieOrder
	timesMu sync.Mutex
}

// ErrSemanticUnavailable is returned for --mode semantic when there are
// no usable vectors. Hint, when set, is what makes them usable.
type ErrSemanticUnavailable struct{ Reason, Hint string }

func (e *ErrSemanticUnavailable) Error() string { return "semantic search is unavailable: " + e.Reason }

// ModelChecker is implemented by embedder sources that can say, without
// loading anything, why the ONNX model in use cannot run here and what
// to do ("" when none is in use or nothing stops it).
type ModelChecker interface {
	PassedOver(ctx context.Context, r *gitrepo.Repo) (cause, hint string)
}

// NoVectors says why an index has no vectors when the built-in embedder
// found too little text in the n commits its last training saw: first,
// when that embedder trained in the stead of a model in use that cannot
// run here, that the model cannot run and why, with what makes it run
// (runHint); the training's failure alone read as if no model were in
// use. Searches, stats and doctor word it alike.
func NoVectors(ctx context.Context, r *gitrepo.Repo, e index.Embedders, n int64) (reason, runHint string) {
	reason = TooLittleText(n)
	if mc, ok := e.(ModelChecker); ok {
		if cause, hint := mc.PassedOver(ctx, r); cause != "" {
			return fmt.Sprintf("the model in use cannot run here (%s), and %s", cause, reason), hint
		}
	}
	return reason, ""
}

// TooLittleText says why an index has no vectors when the built-in
// embedder found too little text to learn from in the n commits its last
// training saw (the index's "train_failed"): searches and stats word it
// alike.
func TooLittleText(n int64) string {
	commits := "commits"
	if n == 1 {
		commits = "commit"
	}
	return fmt.Sprintf("the built-in embedder has too little text to learn from in %d %s", n, commits)
}

// Open opens the searcher over st, loading the active embedder when its
// vectors are in the index. The embedder is loaded, never trained, here.
func Open(ctx context.Context, r *gitrepo.Repo, st *store.Store, e index.Embedders) (*Searcher, error) {
	s := &Searcher{st: st, r: r, e: e, Tuning: DefaultTuning}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// load reads what a search needs besides its query's rows: the vector
// space, the embedder, the counts the warnings give and the search
// cache.
func (s *Searcher) load(ctx context.Context) error {
	st, r, e := s.st, s.r, s.e
	vs, err := st.VectorSpace(ctx)
	if err != nil {
		return err
	}
	s.vs = vs
	// Answers from a first run's first batches would pass for the whole
	// history's: the newest commits are indexed first, and nothing said
	// the older ones were not there yet.
	if t, err := st.MetaInt(ctx, "indexed"); err == nil && t == 0 {
		if n, err := st.CountCommits(ctx); err == nil {
			s.Unfinished = int(n)
		}
	}
	switch {
	case e == nil:
		s.SemanticErr = "this build of git-scry has no embedder"
	case vs.Gen == 0:
		s.SemanticErr = "the index has no vectors yet (run 'git scry index')"
		if n, _ := st.MetaInt(ctx, "train_failed"); n > 0 {
			s.SemanticErr, s.RunHint = NoVectors(ctx, r, e, n)
			// An index run tries again only once the history has grown:
			// run on the same commits, it just says it is up to date.
			s.SemanticHint = "use --mode lexical; git scry index learns again once more commits are indexed ('git scry index --full' tries now)"
			if s.RunHint != "" {
				s.SemanticHint = s.RunHint
			}
		} else if n, err := st.CountCommits(ctx); err == nil && n == 0 {
			s.SemanticErr, s.Empty = "the index holds no commits", true
		} else if r != nil && index.Running(r) {
			// A first run reads every commit before it trains and
			// embeds: nothing is to be run.
			s.SemanticErr = "the index has no vectors yet: the index run under way embeds the commits once it has read them"
			s.SemanticHint = "use --mode lexical until the index run under way ends"
		}
	default:
		stored, err := index.LoadModel(ctx, r, st)
		if err != nil {
			return err
		}
		if stored != nil {
			stored.Unchecked = true
		}
		emb, reason, err := e.Select(ctx, r, stored)
		// The index's vectors are an ONNX model's, and it fell back: the
		// reason (the runtime library gone, the model changed) is what
		// to fix, not the index.
		fellBack := strings.HasPrefix(vs.Embedder, "onnx:") && (emb == nil || !strings.HasPrefix(emb.ID(), "onnx:"))
		switch {
		case err != nil:
			s.SemanticErr = err.Error()
		case fellBack:
			s.SemanticErr = fmt.Sprintf("the index holds vectors of %s, which this search cannot use: %s; 'git scry index' would embed the commits with the built-in embedder instead", vs.Embedder, reason)
			if emb != nil {
				emb.Close()
			}
		case emb == nil:
			s.SemanticErr = "no embedder model yet (run 'git scry index')"
		case emb.ID() != vs.Embedder:
			s.SemanticErr = fmt.Sprintf("the index holds vectors of %s but the active embedder is %s (run 'git scry index')", vs.Embedder, emb.ID())
			emb.Close()
		default:
			s.emb = emb
			s.PassedOver = model.FallbackCause(reason)
			s.RegistryErr = model.RegistryCause(reason)
			if s.Unfinished == 0 {
				// Through the index on vec_gen: no cost when none wait.
				if n, err := st.CountUnembedded(ctx, vs); err == nil && n > 0 {
					if total, err := st.CountCommits(ctx); err == nil {
						s.Unembedded, s.Commits = int(n), int(total)
						s.EmbedFailed, _ = st.Meta(ctx, "embed_failed")
					}
				}
			}
		}
	}
	s.paragraphs, _ = st.DocumentParagraphs(ctx)
	if version, err := st.CacheVersion(ctx); err == nil {
		s.cache, _ = store.OpenCache(index.CachePath(r), vs, version)
	}
	return nil
}

// reload reads the index again, as it is now: what load read and what
// searches kept of it (authors, author times) may be another index's.
func (s *Searcher) reload(ctx context.Context) error {
	if s.emb != nil {
		s.emb.Close()
	}
	s.emb, s.cache, s.authors, s.paragraphs = nil, nil, nil, 0
	s.SemanticErr, s.SemanticHint, s.PassedOver, s.EmbedFailed, s.RegistryErr = "", "", "", "", ""
	s.Empty, s.Unfinished, s.Unembedded, s.Commits = false, 0, 0, 0
	s.timesMu.Lock()
	s.times = nil
	s.timesMu.Unlock()
	return s.load(ctx)
}

// Close releases the embedder.
func (s *Searcher) Close() error {
	if s.emb != nil {
		return s.emb.Close()
	}
	return nil
}

// Embedder is the ID of the embedder semantic search uses ("" none).
func (s *Searcher) Embedder() string {
	if s.emb == nil {
		return ""
	}
	return s.emb.ID()
}

// depth is how far down each list fusion looks.
const depth = 100

// Search runs a query. In hybrid mode without usable vectors it answers
// lexically (SemanticErr says why).
//
// A search reads the index in several queries, and from the search cache
// mapped when the searcher was opened. Commits it ranked that are gone
// when their rows are read were removed meanwhile: pruned by an index
// run, or every one of them, when a 'git scry index --full' switched its
// rebuild in (whose commit ids are none of the old index's). Their places
// are other commits', and after a switch the ranking may be made of
// nothing else: the search runs again, once, on the index as it is now.
func (s *Searcher) Search(ctx context.Context, q Query) ([]Hit, error) {
	hits, gone, err := s.search(ctx, q)
	if err != nil || !gone {
		return hits, err
	}
	if err := s.reload(ctx); err != nil {
		return nil, err
	}
	hits, _, err = s.search(ctx, q)
	return hits, err
}

// search is Search once; gone says that commits it ranked were removed
// before their rows were read.
func (s *Searcher) search(ctx context.Context, q Query) (_ []Hit, gone bool, _ error) {
	if q.Limit <= 0 {
		q.Limit = 10
	}
	var allow *idSet
	if !q.Filter.empty() {
		var err error
		if allow, err = s.allowed(ctx, q.Filter); err != nil {
			return nil, false, err
		}
		if allow.n == 0 {
			return nil, false, nil
		}
	}
	terms := uniqueTerms(q.Text)
	n := max(depth, q.Limit)
	var lex, sem []scored
	var err error
	wantSem := q.Mode == Semantic || q.Mode == Hybrid
	if wantSem && s.emb == nil && q.Mode == Semantic {
		return nil, false, &ErrSemanticUnavailable{Reason: s.SemanticErr, Hint: s.SemanticHint}
	}
	// The lists are computed at once: the semantic one from the mapped
	// vectors, the lexical ones in the database. On a large history the
	// expansion's posting lists take a second connection; on a small one
	// it follows the lexical list (a connection costs more to open than
	// its query).
	var semErr, expErr error
	var exp []scored
	var wg sync.WaitGroup
	if wantSem && s.emb != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem, semErr = s.semantic(ctx, q.Text, allow, n)
		}()
	}
	expand := func() { exp, expErr = s.expanded(ctx, terms, allow, n) }
	t := s.Tuning
	wantExp := q.Mode == Hybrid && s.emb != nil && t.ExpandK > 0 && t.ExpandWeight > 0
	if wantExp && s.usesPostings() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			expand()
		}()
		wantExp = false
	}
	// Document feedback reads its paragraphs' table and the commits'
	// index: beside the lexical list, on a second connection.
	var docs []scored
	var docErr error
	if q.Mode == Hybrid && s.emb != nil && s.paragraphs > 0 && t.DocWeight > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			docs, docErr = s.fedBack(ctx, terms, t, allow, n)
		}()
	}
	cover := -1.0
	if q.Mode == Lexical || q.Mode == Hybrid {
		lex, cover, err = s.lexical(ctx, terms, closedTerms(q.Text), allow, n)
	}
	if wantExp {
		expand()
	}
	wg.Wait()
	var qe *queryError
	if errors.As(semErr, &qe) && ctx.Err() == nil {
		// An ONNX model that does not run on this query fails the
		// semantic side only: lexical results stand, with the reason,
		// as when there is no embedder.
		if q.Mode == Semantic {
			return nil, false, &ErrSemanticUnavailable{Reason: qe.Error()}
		}
		s.SemanticErr = qe.Error()
		sem, exp, docs, semErr, expErr, docErr = nil, nil, nil, nil, nil, nil
	}
	for _, e := range []error{err, semErr, expErr, docErr} {
		if e != nil {
			return nil, false, e
		}
	}
	var ranked []scored
	var near map[int64]int64
	switch q.Mode {
	case Lexical:
		ranked = lex
	case Semantic:
		ranked = sem
	default:
		t := s.Tuning
		if cover >= 0 && cover < t.WeakCover {
			t.LexicalK = t.WeakK
		}
		if f := s.learnedShare(t); f < 1 {
			t.SemanticWeight *= f
			t.ExpandWeight *= f
		}
		names, err := s.nameHolders(ctx, q.Text, t, lex, allow)
		if err != nil {
			return nil, false, err
		}
		ranked = fuse(t, lex, sem, exp, names, docs)
		if err := s.settle(ctx, ranked); err != nil {
			return nil, false, err
		}
		if ranked, near, err = s.liftNeighbours(ctx, t, ranked); err != nil {
			return nil, false, err
		}
		if ranked, err = s.pinName(ctx, q.Text, ranked, allow, n); err != nil {
			return nil, false, err
		}
		if ranked, err = s.pinVersions(ctx, q.Text, ranked, allow, n); err != nil {
			return nil, false, err
		}
	}
	if ranked, err = s.pinCommit(ctx, q.Text, ranked, allow); err != nil {
		return nil, false, err
	}
	lexRank, semRank, docRank := rankMap(lex), rankMap(sem), rankMap(docs)
	if len(ranked) > q.Limit {
		ranked = ranked[:q.Limit]
	}
	hits, err := s.hits(ctx, ranked, terms, q.Filter.Paths)
	if err != nil {
		return nil, false, err
	}
	gone = len(hits) < len(ranked)
	hashOf := make(map[int64]string, len(hits))
	for i := range hits {
		hits[i].LexicalRank, hits[i].SemanticRank, hits[i].DocumentsRank = lexRank[hits[i].ID], semRank[hits[i].ID], docRank[hits[i].ID]
		hashOf[hits[i].ID] = hits[i].Hash
	}
	// A lender ranks above the hit it lifted, so it is among the hits.
	for i := range hits {
		if from, ok := near[hits[i].ID]; ok {
			hits[i].Near = hashOf[from]
		}
	}
	return hits, gone, nil
}

type scored struct {
	id    int64
	score float64
}

func rankMap(l []scored) map[int64]int {
	m := make(map[int64]int, len(l))
	for i, s := range l {
		m[s.id] = i + 1
	}
	return m
}

// closedTerms are the terms of the query's hyphenated words' closed
// forms (text.Compound), nil when it has none.
func closedTerms(q string) map[string]bool {
	var out map[string]bool
	for _, w := range text.Words(q) {
		if text.Compound(w) {
			if out == nil {
				out = map[string]bool{}
			}
			out[text.Stem(w)] = true
		}
	}
	return out
}

// uniqueTerms analyses a query the way commits were analysed.
func uniqueTerms(q string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range text.Terms(q) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// HasWord reports whether some indexed commit holds word, as lexical
// search reads it (its terms, all of them): a word of a query that is
// not a typo of something else.
func (s *Searcher) HasWord(ctx context.Context, word string) (bool, error) {
	terms := uniqueTerms(word)
	if len(terms) == 0 {
		return false, nil
	}
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = quote(t)
	}
	var one int
	err := s.st.DB().QueryRowContext(ctx, `SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1`, strings.Join(quoted, " AND ")).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Tuning is the ranking's constants, measured with 'git scry eval' on
// two paraphrased query sets and exact subjects over the lefthook history,
// with its synthetic documents and with the real ones
// (docs/benchmarks.md).
//
// Fusion: a hit's fused score is the sum over the lists of
// weight/(k + rank), k being FusionK, or LexicalK for the lexical lists
// when it is set. A k below the customary 60 lets a hit one list
// ranks first outweigh hits both rank in the middle; the semantic list,
// better at paraphrases, weighs twice the lexical one (exact subjects are
// ranked first by both).
//
// A weak lexical answer: when the best lexical hit holds less than
// WeakCover of the query's weight (the idf of its terms), the lexical
// ranking is made of partial matches, one or two of the question's words
// each, and its first places say little; its k is then WeakK, which
// flattens it, and the semantic list decides. A question whose words one
// commit holds, as an exact subject does, keeps the lexical list's say.
//
// Expansion, the third list: lexical search for the ExpandK nearest
// history terms (cosine ≥ ExpandMinSim) of each query term that no commit
// message has, in the built-in embedder's space: "hue" finds "color".
// Terms the history has are not expanded: that cost exact subjects 0.03
// MRR and gained nothing on paraphrases. The list weighs half the lexical
// one: on this repository's own history (real diffs, which already hold
// many words the messages lack) that gained 0.04 MRR, and the lefthook
// sets moved within their seed spread.
//
// Neighbours: after fusion, hits are lifted toward better-ranked hits of
// the same few days (neighbours.go).
type Tuning struct {
	FusionK                                      float64
	LexicalWeight, SemanticWeight, ExpandWeight  float64
	ExpandK                                      int
	ExpandMinSim                                 float64
	LexicalK                                     float64
	WeakCover, WeakK                             float64
	NeighbourWeight, NeighbourDays, NeighbourSim float64
	NeighbourTop                                 int
	// NameWeight weighs the list of the commits whose message holds a
	// hyphenated word of the question closed up (nameHolders), when at
	// most NameHolders do.
	NameWeight  float64
	NameHolders int
	// SmallHistory: a built-in model learned from fewer commits weighs
	// its lists (semantic, expansion) that much less, in proportion.
	SmallHistory float64
	// Document feedback, the fifth list: lexical search for the DocTerms
	// words that best stand for the DocParagraphs document paragraphs
	// bm25 ranks first for the question (store.FeedbackTerms), weighed
	// DocWeight.
	DocTerms, DocParagraphs int
	DocWeight               float64
}

// DefaultTuning is what the measurements chose.
var DefaultTuning = Tuning{FusionK: 10, LexicalWeight: 1, SemanticWeight: 2, ExpandWeight: 0.5, ExpandK: 3, ExpandMinSim: 0.3, WeakCover: 0.35, WeakK: 40,
	NeighbourWeight: 0.8, NeighbourDays: 3, NeighbourSim: 0, NeighbourTop: 10, NameWeight: 1, NameHolders: 10,
	SmallHistory: 200, DocTerms: 5, DocParagraphs: 3, DocWeight: 0.4}

// learned is the built-in embedder's account of what it learned from.
type learned interface{ Meta() builtin.Meta }

// learnedShare is how far the built-in model's history reaches toward
// SmallHistory commits (at most 1; 1 for any other embedder). A model
// learned from a few dozen commit messages knows their words from a few
// contexts each: on the replayed lefthook history's newest 30, 60 and
// 120 commits, its lists weighed in proportion ranked both the exact
// subjects (0.983 → 1.000, 0.968 → 0.989, 0.976 → 0.983 MRR) and the
// paraphrases (0.749 → 0.756, 0.630 → 0.643, 0.530 → 0.545) better
// than at full weight (docs/benchmarks.md).
func (s *Searcher) learnedShare(t Tuning) float64 {
	m, ok := s.emb.(learned)
	if !ok || t.SmallHistory <= 0 {
		return 1
	}
	return min(1, float64(m.Meta().Commits)/t.SmallHistory)
}

func fuse(t Tuning, lex, sem, exp, names, docs []scored) []scored {
	acc := map[int64]float64{}
	for li, l := range [][]scored{lex, sem, exp, names, docs} {
		w := [5]float64{t.LexicalWeight, t.SemanticWeight, t.ExpandWeight, t.NameWeight, t.DocWeight}[li]
		if w == 0 {
			continue
		}
		k := t.FusionK
		if (li == 0 || li == 2) && t.LexicalK > 0 {
			k = t.LexicalK
		}
		for i, s := range l {
			acc[s.id] += w / (k + float64(i+1))
		}
	}
	out := make([]scored, 0, len(acc))
	for id, sc := range acc {
		out = append(out, scored{id, sc})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].id > out[j].id
	})
	return out
}

// hits loads what the results show, in two queries (the commits, their
// files) whatever the number of hits.
func (s *Searcher) hits(ctx context.Context, ranked []scored, terms []string, paths Pathspec) ([]Hit, error) {
	if len(ranked) == 0 {
		return nil, nil
	}
	db := s.st.DB()
	ids := make([]any, len(ranked))
	for i, r := range ranked {
		ids[i] = r.id
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
	byID := make(map[int64]*Hit, len(ranked))
	rows, err := db.QueryContext(ctx, `SELECT id, hash, author_time, author_name, author_email, subject, merged_by, merged_subject FROM commits WHERE id IN `+in, ids...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		h := &Hit{}
		var at int64
		if err := rows.Scan(&h.ID, &h.Hash, &at, &h.Author, &h.Email, &h.Subject, &h.MergedBy, &h.MergedSubject); err != nil {
			rows.Close()
			return nil, err
		}
		h.Date = time.Unix(at, 0).UTC()
		byID[h.ID] = h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	termSet := map[string]bool{}
	for _, t := range terms {
		termSet[t] = true
	}
	// Hits share most of their paths' words: each is stemmed once.
	an := text.NewAnalyzer()
	rows, err = db.QueryContext(ctx, `SELECT f.commit_id, p.path FROM files f JOIN paths p ON p.id = f.path_id WHERE f.commit_id IN `+in+` ORDER BY f.commit_id, p.path`, ids...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			rows.Close()
			return nil, err
		}
		h := byID[id]
		if h == nil {
			continue
		}
		h.Files = append(h.Files, p)
		if matchesFile(p, termSet, paths, an) {
			h.Matched = append(h.Matched, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var hits []Hit
	var hashes []string
	for _, r := range ranked {
		h := byID[r.id]
		if h == nil {
			continue // pruned between the two queries
		}
		h.Score = r.score
		hits = append(hits, *h)
		hashes = append(hashes, h.Hash)
	}
	sess, err := s.st.SessionsOf(ctx, hashes)
	if err != nil {
		return nil, err
	}
	for i := range hits {
		hits[i].Sessions = sess[hits[i].Hash]
	}
	return hits, nil
}

// matchesFile says whether a hit's file is one it shows as matched: one a
// positive --path or a word of the query matches, unless an exclusion
// leaves it out (the search did).
func matchesFile(p string, terms map[string]bool, paths Pathspec, an *text.Analyzer) bool {
	if paths.excluded(p) {
		return false
	}
	// Exclusions alone let every other file through, as git log --
	// ':!vendor' does: those files match --path, not the first ones.
	if paths.included(p) || len(paths) > 0 && !paths.positive() {
		return true
	}
	if len(terms) == 0 {
		return false
	}
	for _, t := range an.Terms(p) {
		if terms[t] {
			return true
		}
	}
	return false
}

// ShortHash abbreviates a commit hash for display.
func ShortHash(h string) string {
	if len(h) > 10 {
		return h[:10]
	}
	return h
}

// firstLine keeps a subject to one line for display.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
