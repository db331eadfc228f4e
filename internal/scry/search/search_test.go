package search

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// fakeEmbedders is a test stand-in for the real embedders: a hashed bag
// of terms, "trained" by taking the number of messages as its name.
type fakeEmbedders struct{}

type fakeEmbedder struct {
	id    string
	plain bool // the terms the built-in model embeds (text.PlainTerms)
}

func (f *fakeEmbedder) ID() string   { return f.id }
func (f *fakeEmbedder) Dim() int     { return 1024 }
func (f *fakeEmbedder) Close() error { return nil }
func (f *fakeEmbedder) EmbedQueries(ctx context.Context, t []string) ([][]float32, error) {
	return f.EmbedPassages(ctx, t)
}
func (f *fakeEmbedder) EmbedPassages(_ context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, s := range texts {
		v := make([]float32, 1024)
		terms := text.Terms(s)
		if f.plain {
			terms = text.PlainTerms(s)
		}
		for _, term := range terms {
			// Synonyms of the fake "model": what lexical search cannot see.
			if term == "crash" {
				term = "panic"
			}
			h := fnv.New32a()
			h.Write([]byte(term))
			v[h.Sum32()%1024]++
		}
		var n float64
		for _, x := range v {
			n += float64(x * x)
		}
		for j := range v {
			if n > 0 {
				v[j] /= float32(math.Sqrt(n))
			}
		}
		out[i] = v
	}
	return out, nil
}

func (fakeEmbedders) Configured(context.Context, *gitrepo.Repo) string { return "" }
func (fakeEmbedders) Select(_ context.Context, _ *gitrepo.Repo, m *index.StoredModel) (embed.Embedder, string, error) {
	if m == nil {
		return nil, "", nil
	}
	return &fakeEmbedder{id: string(m.Data)}, "fake", nil
}
func (fakeEmbedders) Train(_ context.Context, _ *gitrepo.Repo, msgs []string) (embed.Embedder, []byte, error) {
	id := fmt.Sprintf("builtin:fake-%d", len(msgs))
	return &fakeEmbedder{id: id}, []byte(id), nil
}

type fixture struct {
	t   *testing.T
	dir string
	r   *gitrepo.Repo
}

func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gitconfig")
	os.WriteFile(cfg, []byte("[user]\nname = Ada Lovelace\nemail = ada@example.com\n[init]\ndefaultBranch = main\n"), 0o644)
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	f := &fixture{t: t, dir: filepath.Join(dir, "repo")}
	f.git(nil, "init", "-q", f.dir)
	return f
}

func (f *fixture) git(env []string, args ...string) {
	f.t.Helper()
	cmd := exec.Command("git", args...)
	if args[0] != "init" {
		cmd.Dir = f.dir
	}
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		f.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// commit writes files (path → content) and commits them on date as author.
func (f *fixture) commit(date, author, msg string, files map[string]string) {
	f.t.Helper()
	for p, c := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(f.dir, p)), 0o755)
		os.WriteFile(filepath.Join(f.dir, p), []byte(c), 0o644)
	}
	f.git(nil, "add", "-A")
	name, email, _ := strings.Cut(author, "|")
	env := []string{"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date, "GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email}
	f.git(env, "commit", "-q", "--allow-empty", "-m", msg)
}

func (f *fixture) searcher(e index.Embedders) *Searcher {
	f.t.Helper()
	ctx := context.Background()
	r, err := gitrepo.Open(ctx, f.dir)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := index.Run(ctx, r, index.Options{Embedders: e}); err != nil {
		f.t.Fatal(err)
	}
	st, err := store.Open(ctx, index.DBPath(r))
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { st.Close() })
	s, err := Open(ctx, r, st, e)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func subjects(hits []Hit) string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Subject)
	}
	return strings.Join(out, " | ")
}

func history(t *testing.T) *fixture {
	f := newFixture(t)
	f.commit("2023-01-10T10:00:00Z", "Ada Lovelace|ada@example.com", "turbine: first draft", map[string]string{"README.md": "hello\n"})
	f.commit("2023-06-10T10:00:00Z", "Grace Hopper|grace@example.com", "add the spinning parts", map[string]string{"engine/turbine.go": "package engine\n"})
	f.commit("2024-02-10T10:00:00Z", "Grace Hopper|grace@example.com", "refactor the engine", map[string]string{"engine/core.go": "package engine\nfunc spinTurbineBlades() {}\n"})
	f.commit("2024-03-10T10:00:00Z", "Ken Thompson|ken@example.com", "fix panic when the config is empty", map[string]string{"config/load.go": "package config\n"})
	return f
}

// Lexical ranking follows the field weights: subject, then paths, then
// diff identifiers; scores are positive and decreasing.
func TestLexicalFieldWeights(t *testing.T) {
	s := history(t).searcher(nil)
	hits, err := s.Search(context.Background(), Query{Text: "turbine", Mode: Lexical})
	if err != nil {
		t.Fatal(err)
	}
	if got := subjects(hits); got != "turbine: first draft | add the spinning parts | refactor the engine" {
		t.Fatalf("ranking = %s", got)
	}
	for i, h := range hits {
		if h.Score <= 0 || (i > 0 && h.Score > hits[i-1].Score) {
			t.Fatalf("scores not positive and decreasing: %v", hits)
		}
		if h.LexicalRank != i+1 || h.SemanticRank != 0 {
			t.Fatalf("ranks of %q: %d %d", h.Subject, h.LexicalRank, h.SemanticRank)
		}
	}
	if m := hits[1].Matched; len(m) != 1 || m[0] != "engine/turbine.go" {
		t.Fatalf("matched files = %v", m)
	}
}

// Filters give the same answer with the search cache (dates compared in
// its author times) and without it (in the database).
func TestFilters(t *testing.T) {
	s := history(t).searcher(nil)
	ctx := context.Background()
	since, _ := ParseDate("2023-03-01", time.Now())
	until, _ := ParseDate("2024-01-01", time.Now())
	engine, _ := CompilePattern("engine")
	goFiles, _ := CompilePattern("*.go")
	if s.cache == nil || s.cache.Times == nil {
		t.Fatal("no search cache with author times after indexing")
	}
	for _, cached := range []bool{true, false} {
		if !cached {
			s.cache = nil
		}
		for _, c := range []struct {
			f    Filter
			want string
		}{
			{Filter{Since: since}, "add the spinning parts | refactor the engine"},
			{Filter{Until: until}, "turbine: first draft | add the spinning parts"},
			{Filter{Since: since, Until: until}, "add the spinning parts"},
			{Filter{Until: since}, "turbine: first draft"},
			{Filter{Authors: []string{"ADA"}}, "turbine: first draft"},
			{Filter{Authors: []string{"grace@"}}, "add the spinning parts | refactor the engine"},
			{Filter{Authors: []string{"grace@"}, Until: until}, "add the spinning parts"},
			{Filter{Authors: []string{"ada"}, Since: since}, ""},
			{Filter{Paths: []PathPattern{engine}}, "add the spinning parts | refactor the engine"},
			{Filter{Paths: []PathPattern{engine}, Since: until}, "refactor the engine"},
			{Filter{Paths: []PathPattern{goFiles}, Authors: []string{"hopper"}}, "add the spinning parts | refactor the engine"},
			{Filter{Authors: []string{"nobody"}}, ""},
			{Filter{Authors: []string{"ada", "nobody"}}, "turbine: first draft"},
			{Filter{Authors: []string{"ada", "grace"}, Until: until}, "turbine: first draft | add the spinning parts"},
		} {
			hits, err := s.Search(ctx, Query{Text: "turbine", Mode: Lexical, Filter: c.f})
			if err != nil {
				t.Fatal(err)
			}
			if got := subjects(hits); got != c.want {
				t.Errorf("cached %v, %+v: %q, want %q", cached, c.f, got, c.want)
			}
		}
	}
}

// --author is "any case" beyond ASCII, and accents are optional: SQLite's
// LIKE folded only ASCII letters, so "müller" missed "Müller".
func TestAuthorFilterFoldsCaseAndAccents(t *testing.T) {
	f := history(t)
	f.commit("2024-04-10T10:00:00Z", "Élodie Müller|emuller@example.com", "turbine blades balanced", map[string]string{"engine/blades.go": "package engine\n"})
	f.commit("2024-04-11T10:00:00Z", "Bjørn Straße|bs@example.com", "turbine hub greased", map[string]string{"engine/hub.go": "package engine\n"})
	s := f.searcher(nil)
	ctx := context.Background()
	for author, want := range map[string]string{
		// Latin letters that are no letter with a mark, spelled as
		// people spell their names where only ASCII goes.
		"bjorn": "turbine hub greased", "BJØRN": "turbine hub greased", "strasse": "turbine hub greased",
		"straße b": "", "bjørn straße": "turbine hub greased",
		"müller": "turbine blades balanced", "MÜLLER": "turbine blades balanced", "muller": "turbine blades balanced",
		"élodie m": "turbine blades balanced", "ELODIE": "turbine blades balanced", "mueller": "",
		"ada": "turbine: first draft",
		// As git log --author reads it, and git log --format='%an <%ae>'
		// prints it: the "Name <email>" ident (it matched nothing).
		"Élodie Müller <emuller@example.com>": "turbine blades balanced",
		"<emuller@example.com>":               "turbine blades balanced",
		"muller <emuller":                     "turbine blades balanced",
	} {
		hits, err := s.Search(ctx, Query{Text: "turbine", Mode: Lexical, Filter: Filter{Authors: []string{author}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := subjects(hits); got != want {
			t.Errorf("--author %q: %q, want %q", author, got, want)
		}
	}
}

// More authors match than are bound in one query: each commit's author
// is looked up instead, with the same answer.
func TestAuthorFilterMatchingManyAuthors(t *testing.T) {
	defer func(n int) { maxAuthors = n }(maxAuthors)
	s := history(t).searcher(nil)
	ctx := context.Background()
	for _, limit := range []int{500, 1} {
		maxAuthors = limit
		// "e" is in every author's name or email.
		hits, err := s.Search(ctx, Query{Text: "turbine engine panic", Mode: Lexical, Filter: Filter{Authors: []string{"e"}}})
		if err != nil || len(hits) != 4 {
			t.Fatalf("at most %d bound: %d hits (%s), %v; want all 4", limit, len(hits), subjects(hits), err)
		}
		hits, err = s.Search(ctx, Query{Text: "turbine engine panic", Mode: Lexical, Filter: Filter{Authors: []string{"hopper"}}})
		if err != nil || len(hits) != 2 {
			t.Fatalf("at most %d bound, --author hopper: %s, %v", limit, subjects(hits), err)
		}
	}
}

func TestIDSet(t *testing.T) {
	var none *idSet
	if none.blocks(7) {
		t.Fatal("a nil set blocked an id")
	}
	s := &idSet{}
	for _, id := range []int64{0, 63, 64, 1000, 64} {
		s.add(id)
	}
	if s.n != 4 {
		t.Fatalf("n = %d, want 4", s.n)
	}
	for id, blocked := range map[int64]bool{0: false, 63: false, 64: false, 1000: false, 1: true, 65: true, 999: true, 1001: true, 100000: true, -1: true} {
		if s.blocks(id) != blocked {
			t.Errorf("blocks(%d) = %v, want %v", id, !blocked, blocked)
		}
	}
}

// Hybrid mode fuses both lists: a commit only the semantic side finds
// (a synonym) is in the results, with its ranks explained.
func TestHybridFusesLexicalAndSemantic(t *testing.T) {
	s := history(t).searcher(fakeEmbedders{})
	if s.SemanticErr != "" || s.Embedder() != "builtin:fake-4" {
		t.Fatalf("semantic unavailable: %q (%s)", s.SemanticErr, s.Embedder())
	}
	ctx := context.Background()
	lex, _ := s.Search(ctx, Query{Text: "crash config", Mode: Lexical})
	sem, err := s.Search(ctx, Query{Text: "crash", Mode: Semantic})
	if err != nil {
		t.Fatal(err)
	}
	if len(sem) == 0 || sem[0].Subject != "fix panic when the config is empty" || sem[0].SemanticRank != 1 {
		t.Fatalf("semantic: %s", subjects(sem))
	}
	hy, err := s.Search(ctx, Query{Text: "crash", Mode: Hybrid, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(hy) == 0 || hy[0].Subject != "fix panic when the config is empty" || hy[0].SemanticRank != 1 || hy[0].LexicalRank != 0 {
		t.Fatalf("hybrid: %+v", hy)
	}
	if len(hy) > 2 {
		t.Fatalf("limit ignored: %d hits", len(hy))
	}
	_ = lex
}

// A query without a word the embedder knows has no semantic list: every
// commit would score 0 and come out in id order (the bug: "the and of"
// listed the history's first commits as hits).
func TestQueryWithoutKnownWordsHasNoSemanticHits(t *testing.T) {
	s := history(t).searcher(fakeEmbedders{})
	ctx := context.Background()
	for _, m := range []Mode{Semantic, Hybrid} {
		hits, err := s.Search(ctx, Query{Text: "the and of", Mode: m})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 0 {
			t.Errorf("%s: %d hits for stop words: %s", m, len(hits), subjects(hits))
		}
	}
	hits, _ := s.Search(ctx, Query{Text: "the crash", Mode: Semantic})
	if len(hits) == 0 || hits[0].Subject != "fix panic when the config is empty" {
		t.Fatalf("a known word among stop words: %s", subjects(hits))
	}
}

func TestSemanticUnavailable(t *testing.T) {
	s := history(t).searcher(nil)
	if s.SemanticErr == "" {
		t.Fatal("no reason given")
	}
	_, err := s.Search(context.Background(), Query{Text: "turbine", Mode: Semantic})
	var su *ErrSemanticUnavailable
	if !errors.As(err, &su) {
		t.Fatalf("semantic search without vectors = %v", err)
	}
	hits, err := s.Search(context.Background(), Query{Text: "turbine", Mode: Hybrid})
	if err != nil || len(hits) != 3 {
		t.Fatalf("hybrid falls back to lexical: %v %v", hits, err)
	}
}

func TestPathPatterns(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"internal/scry", "internal/scry/index/run.go", true},
		{"internal/scry/", "internal/scry/x.go", true},
		{"internal/scry", "internal/scryer/x.go", false},
		{"*.go", "a/b/c.go", true},
		{"*.go", "a/b/c.gox", false},
		{"internal/*.go", "internal/a.go", true},
		{"internal/*.go", "internal/x/a.go", false},
		{"internal/**/*.go", "internal/a.go", true},
		{"internal/**/*.go", "internal/x/y/a.go", true},
		{"internal/**", "internal/x/y/a.go", true},
		{"**/test_*.py", "test_a.py", true},
		{"cmd/git-?cry/*.go", "cmd/git-scry/main.go", true},
		{"[ab].txt", "dir/a.txt", true},
		{"[!ab].txt", "c.txt", true},
		{"./README.md", "README.md", true},
		// A pattern names itself spelt as it is, as in git: a route.
		{"app/[id]/page.tsx", "app/[id]/page.tsx", true},
		{"app/[id]/page.tsx", "app/i/page.tsx", true},
		{"app/[id]", "app/[id]/page.tsx", true},
		{"app/[id]", "app/[ix]/page.tsx", false},
		{"[id].tsx", "app/[id].tsx", true},
	} {
		pp, err := CompilePattern(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := pp.Match(c.path); got != c.want {
			t.Errorf("%q ~ %q = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
	if _, err := CompilePattern("[z-a]"); err == nil {
		t.Error("a bad class compiled")
	}
	// A path from the root ("./*.go" at the root) is the root's files.
	root, err := CompileRootPattern("*.go")
	if err != nil {
		t.Fatal(err)
	}
	if !root.Match("main.go") || root.Match("cmd/main.go") {
		t.Error("root pattern *.go: want main.go alone")
	}
}

func TestParseDate(t *testing.T) {
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"2024-01-02":           time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC),
		"2024-01-02 13:14":     time.Date(2024, 1, 2, 13, 14, 0, 0, time.UTC),
		"2024-01-02T13:14:15Z": time.Date(2024, 1, 2, 13, 14, 15, 0, time.UTC),
		"yesterday":            time.Date(2024, 5, 14, 0, 0, 0, 0, time.UTC),
		"2 weeks ago":          now.AddDate(0, 0, -14),
		"3d":                   now.AddDate(0, 0, -3),
		"1 year":               now.AddDate(-1, 0, 0),
		"6 months ago":         now.AddDate(0, -6, 0),
		"90 minutes ago":       now.Add(-90 * time.Minute),
	} {
		got, err := ParseDate(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseDate("next tuesday", now); err == nil {
		t.Error("nonsense parsed")
	}
	// Ages too long for a time.Duration wrapped into the future and
	// matched nothing; every one is long before 1900.
	for _, in := range []string{"2600000h", "200000000min", "99999999999999999999s", "999999999999y", "99999999 months ago"} {
		got, err := ParseDate(in, now)
		if err != nil || !got.Before(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("ParseDate(%q) = %v, %v; want a date before 1900", in, got, err)
		}
	}
}

// A bare --until date includes all of the period it names: --until today
// (and yesterday, 2024-05, 2024) left it out.
func TestParseUntil(t *testing.T) {
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"today":            time.Date(2024, 5, 15, 23, 59, 59, 0, time.UTC),
		"yesterday":        time.Date(2024, 5, 14, 23, 59, 59, 0, time.UTC),
		"2024-02-29":       time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC),
		"2024-02":          time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC),
		"2023":             time.Date(2023, 12, 31, 23, 59, 59, 0, time.UTC),
		"2024-01-02 13:14": time.Date(2024, 1, 2, 13, 14, 0, 0, time.UTC),
		"3d":               now.AddDate(0, 0, -3),
	} {
		got, err := ParseUntil(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseUntil(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestFuse(t *testing.T) {
	got := fuse(Tuning{FusionK: 60, LexicalWeight: 1, SemanticWeight: 1}, []scored{{1, 9}, {2, 8}, {3, 7}}, []scored{{3, 1}, {4, 0.5}}, nil, nil, nil)
	var ids []int64
	for _, s := range got {
		ids = append(ids, s.id)
	}
	// 3 is in both lists and wins; 1 (lexical #1) beats 4 (semantic #2).
	if fmt.Sprint(ids) != "[3 1 2 4]" && fmt.Sprint(ids) != "[3 1 4 2]" {
		t.Fatalf("fused order %v", ids)
	}
	if ids[0] != 3 || ids[1] != 1 {
		t.Fatalf("fused order %v", ids)
	}
}

// bm25 from posting lists is FTS5's bm25(), score for score: with the
// lists read from the search cache (which count a term repeated in a
// column), from FTS5 (which do not: no term repeats there), from the
// cache and FTS5 for the commits since (a tail, whose repeated terms the
// repeats table counts), and with a commit removed after the cache's
// lists were made. On a large history it is
// bm25() over the query's terms that fewer than half the commits' diffs
// hold, or over all of them when every one is that common.
func TestLexicalPostingsMatchFTS(t *testing.T) {
	f := history(t)
	f.commit("2024-04-01T10:00:00Z", "Ada Lovelace|ada@example.com", "turbine blades spin faster\n\nThe engine config too.", map[string]string{"engine/blades.go": "package engine\nfunc turbineConfig() {}\n"})
	// A column of 128 terms or more: FTS5 records its size in two bytes.
	f.commit("2024-04-01T11:00:00Z", "Ada Lovelace|ada@example.com", "engine notes\n\n"+strings.Repeat("the wind hums and the rain sings ", 60), nil)
	large := false // the history counts as large (commonFrom)
	check := func(how string, wantPostings, wantTail bool) {
		t.Helper()
		s := f.searcher(nil)
		if s.cache == nil {
			t.Fatalf("%s: no search cache after indexing", how)
		}
		if p := s.cache.Postings; (p != nil) != wantPostings || (p != nil && (p.Base < int64(len(s.cache.Lengths)-1)) != wantTail) {
			t.Fatalf("%s: cached postings %+v, %d commit ids", how, p, len(s.cache.Lengths))
		}
		ctx := context.Background()
		var rows int
		if err := s.st.DB().QueryRow(`SELECT count(*) FROM commits`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		skipped := 0
		for _, q := range []string{"turbine", "turbine config engine", "spinning parts", "README", "nothing-matches-this", "config engine", "package", "faster blades", "package turbine", "pelican colony", "heron config", "pelican heron turbine"} {
			terms := uniqueTerms(q)
			fast, _, err := s.lexicalPostings(ctx, terms, nil, nil, 100)
			if err != nil {
				t.Fatal(err)
			}
			if large {
				var rare []string
				for _, term := range terms {
					var df int
					if err := s.st.DB().QueryRow(`SELECT count(*) FROM fts WHERE fts MATCH ?`, "{diff}: "+quote(term)).Scan(&df); err != nil {
						t.Fatal(err)
					}
					if 2*df < rows {
						rare = append(rare, term)
					}
				}
				if len(rare) > 0 && len(rare) < len(terms) {
					skipped++
					terms = rare
				}
			}
			slow, err := s.lexicalFTS(ctx, terms, nil, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(fast) != len(slow) {
				t.Fatalf("%s, %q: %d hits from posting lists, %d from FTS5", how, q, len(fast), len(slow))
			}
			for i := range fast {
				if fast[i].id != slow[i].id || math.Abs(fast[i].score-slow[i].score) > 1e-9 {
					t.Errorf("%s, %q #%d: posting lists %+v, FTS5 %+v", how, q, i+1, fast[i], slow[i])
				}
			}
		}
		if large && skipped == 0 {
			t.Errorf("%s: no query had a term in half the commits' diffs beside a rarer one: leaving it out went untested", how)
		}
	}
	defer func(n int) { store.PostingsFrom = n }(store.PostingsFrom)
	store.PostingsFrom = 1 << 30
	check("lists from FTS5", false, false)
	store.PostingsFrom = 1
	f.commit("2024-04-02T10:00:00Z", "Ada Lovelace|ada@example.com", "turbine turbine: spin the turbine slower\n\nThe turbine config, the engine config.", nil)
	check("lists from the cache", true, false)
	// The commit the lists hold is replaced: its id is skipped, its
	// successor's lists come from FTS5.
	f.git(nil, "commit", "-q", "--amend", "--allow-empty", "-m", "spin the blades faster\n\nFaster blades, blades first.")
	check("a removed commit, a tail", true, true)
	f.commit("2024-04-03T10:00:00Z", "Ada Lovelace|ada@example.com", "config for the faster turbine: turbine config", map[string]string{"engine/config.go": "package engine\n"})
	check("a longer tail", true, true)
	// A pull request's merge gives its commits its message, a word of it
	// repeated (the merged column): read again, or coming with their
	// merge, they are in the tail; after --full, in the cached lists.
	merge := func(branch, subject, body string, msgs ...string) {
		f.git(nil, "checkout", "-q", "-b", branch)
		for i, m := range msgs {
			f.commit(fmt.Sprintf("2024-04-04T1%d:00:00Z", i), "Ada Lovelace|ada@example.com", m, map[string]string{"engine/" + branch + ".go": "package engine\n// " + m + "\n"})
		}
		f.git(nil, "checkout", "-q", "-")
		f.git(nil, "merge", "-q", "--no-ff", "-m", subject, "-m", body, branch)
	}
	f.commit("2024-04-03T11:00:00Z", "Ada Lovelace|ada@example.com", "wip", nil)
	f.git(nil, "branch", "pelicans", "HEAD~1")
	f.git(nil, "checkout", "-q", "pelicans")
	f.commit("2024-04-03T12:00:00Z", "Ada Lovelace|ada@example.com", "address review", nil)
	f.git(nil, "checkout", "-q", "-")
	f.searcher(nil) // the branch's commits are indexed before their merge
	f.git(nil, "merge", "-q", "--no-ff", "-m", "Merge pull request #42 from ada/pelican-colony", "-m", "Pelican colony: pelican nests near the turbine", "pelicans")
	check("a merged pull request, read again", true, true)
	merge("herons", "Merge pull request #43 from grace/heron-config", "Heron config, heron config", "try again", "more")
	check("a merged pull request, its commits with it", true, true)
	r, err := gitrepo.Open(context.Background(), f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := index.Run(context.Background(), r, index.Options{Full: true}); err != nil {
		t.Fatal(err)
	}
	check("merged pull requests in the cached lists", true, false)
	f.commit("2024-04-05T10:00:00Z", "Ada Lovelace|ada@example.com", "engine config after the pelicans", nil)
	defer func(n int) { commonFrom = n }(commonFrom)
	commonFrom, large = 1, true
	check("a large history, a tail", true, true)
}

// With commits after the cached lists' base, a query's terms are read on
// two goroutines; the weights of terms repeated in a column were kept in
// one map both wrote to (a data race, and "concurrent map writes" can
// kill the search). The race set runs this under the race detector.
func TestRepeatedTermsWithATailReadConcurrently(t *testing.T) {
	f := history(t)
	defer func(n int) { store.PostingsFrom = n }(store.PostingsFrom)
	store.PostingsFrom = 1
	for i := range 20 {
		f.commit(fmt.Sprintf("2024-04-01T10:%02d:00Z", i), "Ada Lovelace|ada@example.com", "turbine turbine config config engine engine blades blades", nil)
	}
	f.searcher(nil) // the lists are cached
	f.commit("2024-04-02T10:00:00Z", "Ada Lovelace|ada@example.com", "tail: the turbine again", nil)
	s := f.searcher(nil)
	if p := s.cache.Postings; p == nil || p.Base >= int64(len(s.cache.Lengths)-1) {
		t.Fatalf("no tail after the cached lists: %+v", p)
	}
	terms := uniqueTerms("turbine config engine blades")
	want, err := s.lexicalFTS(context.Background(), terms, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		got, _, err := s.lexicalPostings(context.Background(), terms, nil, nil, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || got[0].id != want[0].id || math.Abs(got[0].score-want[0].score) > 1e-9 {
			t.Fatalf("posting lists %v, FTS5 %v", got, want)
		}
	}
}

// A weak lexical answer does not decide a hybrid search. The best
// lexical hit for "crash zebra quagga okapi" holds one rare word of four,
// in its diff: a fifth of the query's weight. Counted as usual, the
// lexical first place outweighs the semantic one ("panic while
// spinning", which the fake embedder finds for "crash"); flattened, as a
// weak answer is, it does not. A question whose words the lexical hit
// holds keeps the lexical list's say.
func TestWeakLexicalAnswerIsFlattened(t *testing.T) {
	defer func(n int) { store.PostingsFrom = n }(store.PostingsFrom)
	store.PostingsFrom = 1 // the cover is computed from the cached lists
	f := history(t)
	f.commit("2024-04-05T10:00:00Z", "Ada Lovelace|ada@example.com", "panic while spinning", nil)
	f.commit("2024-04-06T10:00:00Z", "Ada Lovelace|ada@example.com", "tidy the parser", map[string]string{"parse/parse.go": "package parse\nfunc okapiCount() {}\n"})
	s := f.searcher(fakeEmbedders{})
	ctx := context.Background()
	q := Query{Text: "crash zebra quagga okapi", Mode: Hybrid, Limit: 3}
	lex, cover, err := s.lexical(ctx, uniqueTerms(q.Text), nil, nil, 10)
	if err != nil || len(lex) != 1 || cover <= 0 || cover >= 0.3 {
		t.Fatalf("lexical: %v hits, cover %g, %v; want one hit holding a fifth or so of the query", lex, cover, err)
	}
	first := func(tu Tuning, q Query) string {
		t.Helper()
		s.Tuning = tu
		hits, err := s.Search(ctx, q)
		if err != nil || len(hits) == 0 {
			t.Fatalf("%+v: %v, %v", tu, hits, err)
		}
		return hits[0].Subject
	}
	counted := DefaultTuning
	counted.WeakCover = 0
	if got := first(counted, q); got != "tidy the parser" {
		t.Fatalf("lexical list counted as usual: first %q, want the lexical first place", got)
	}
	if got := first(DefaultTuning, q); got != "panic while spinning" {
		t.Fatalf("default: first %q, want the semantic first place", got)
	}
	strong := Query{Text: "okapi parser", Mode: Hybrid, Limit: 3}
	if _, cover, _ := s.lexical(ctx, uniqueTerms(strong.Text), nil, nil, 10); cover != 1 {
		t.Fatalf("%q: cover %g, want 1", strong.Text, cover)
	}
	if got := first(DefaultTuning, strong); got != "tidy the parser" {
		t.Fatalf("a strong lexical answer: first %q", got)
	}
	s.Tuning = DefaultTuning
}

// A hyphenated word's closed form ("longrun" of "long-running") that no
// commit holds does not make the answer weak: the query's words are its
// parts, which the best hit holds. Counted like a word the history lacks,
// it took the most weight of the query (the highest idf) and flattened a
// lexical list that held everything the question says.
func TestClosedFormNoCommitHoldsIsNotMissing(t *testing.T) {
	defer func(n int) { store.PostingsFrom = n }(store.PostingsFrom)
	store.PostingsFrom = 1 // the cover is computed from the cached lists
	f := history(t)
	f.commit("2024-04-05T10:00:00Z", "Ada Lovelace|ada@example.com", "kill long running jobs after a timeout", nil)
	f.commit("2024-04-06T10:00:00Z", "Ada Lovelace|ada@example.com", "tidy the parser", nil)
	f.commit("2024-04-07T10:00:00Z", "Ada Lovelace|ada@example.com", "move the reader to go-git", nil)
	s := f.searcher(fakeEmbedders{})
	ctx := context.Background()
	for q, want := range map[string]string{
		"long-running jobs": "kill long running jobs",
		"go-git reader":     "move the reader to go-git",
	} {
		lex, cover, err := s.lexical(ctx, uniqueTerms(q), closedTerms(q), nil, 10)
		if err != nil || len(lex) == 0 || cover != 1 {
			t.Errorf("%q: %v hits, cover %g, %v; want the whole query held", q, lex, cover, err)
			continue
		}
		hits, err := s.Search(ctx, Query{Text: q, Mode: Lexical, Limit: 1})
		if err != nil || len(hits) != 1 || !strings.HasPrefix(hits[0].Subject, want) {
			t.Errorf("%q: %v, %v; want %q", q, hits, err, want)
		}
	}
	// A word the history lacks still counts, a closed form or not.
	if _, cover, _ := s.lexical(ctx, uniqueTerms("long-running zebra"), closedTerms("long-running zebra"), nil, 10); cover <= 0 || cover >= 1 {
		t.Errorf("long-running zebra: cover %g; want part of the query held", cover)
	}
}

// A search cache that is stale or damaged is not used: searches read the
// database, with the same results.
func TestStaleCacheIgnored(t *testing.T) {
	f := history(t)
	s := f.searcher(fakeEmbedders{})
	want, _ := s.Search(context.Background(), Query{Text: "turbine engine", Mode: Hybrid})
	path := filepath.Join(f.dir, ".git", "verdigris", store.CacheName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data[9]++ // another content version
	os.WriteFile(path, data, 0o644)
	ctx := context.Background()
	r, _ := gitrepo.Open(ctx, f.dir)
	st, _ := store.Open(ctx, index.DBPath(r))
	defer st.Close()
	s2, err := Open(ctx, r, st, fakeEmbedders{})
	if err != nil || s2.cache != nil {
		t.Fatalf("stale cache used: %v %v", s2.cache, err)
	}
	got, err := s2.Search(ctx, Query{Text: "turbine engine", Mode: Hybrid})
	if err != nil || subjects(got) != subjects(want) {
		t.Fatalf("without the cache: %s; with: %s (%v)", subjects(got), subjects(want), err)
	}
	os.WriteFile(path, []byte("short"), 0o644)
	if s3, _ := Open(ctx, r, st, fakeEmbedders{}); s3.cache != nil {
		t.Fatal("damaged cache used")
	}
}

// The dates git prints and reads were refused as unknown: the default
// and --date=iso/rfc forms of git log (with their zone), a Unix time
// as @N or as a number of more than 8 digits, slashes and dots for
// dashes, month names, and git's dotted ages ("1.week.ago"). The error
// quoted the value lower-cased.
func TestParseDateGitForms(t *testing.T) {
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	plus2 := time.FixedZone("", 2*3600)
	for in, want := range map[string]time.Time{
		"2024-05-01 12:00:00 +0200":       time.Date(2024, 5, 1, 12, 0, 0, 0, plus2),
		"2024-05-01T12:00:00+0200":        time.Date(2024, 5, 1, 12, 0, 0, 0, plus2),
		"Wed May 1 12:00:00 2024 +0200":   time.Date(2024, 5, 1, 12, 0, 0, 0, plus2),
		"Wed May 1 12:00:00 2024":         time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		"Wed, 1 May 2024 12:00:00 +0200":  time.Date(2024, 5, 1, 12, 0, 0, 0, plus2),
		"Wed, 01 May 2024 12:00:00 +0200": time.Date(2024, 5, 1, 12, 0, 0, 0, plus2),
		"@1714557600":                     time.Unix(1714557600, 0),
		"1714557600":                      time.Unix(1714557600, 0),
		"2024/05/01":                      time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		"2024.05.01":                      time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		"May 1 2024":                      time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		"May 1, 2024":                     time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		"1 May 2024":                      time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC),
		"1.week.ago":                      now.AddDate(0, 0, -7),
		"3.days.ago":                      now.AddDate(0, 0, -3),
		"2.weeks":                         now.AddDate(0, 0, -14),
	} {
		got, err := ParseDate(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// A date without a time, in any spelling, is all of its day to --until.
	for _, in := range []string{"2024/05/01", "2024.05.01", "May 1 2024", "1 May 2024"} {
		got, err := ParseUntil(in, now)
		if want := time.Date(2024, 5, 1, 23, 59, 59, 0, time.UTC); err != nil || !got.Equal(want) {
			t.Errorf("ParseUntil(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseDate("Next Tuesday", now); err == nil || !strings.Contains(err.Error(), `"Next Tuesday"`) {
		t.Errorf("nonsense: %v, want it quoted as given", err)
	}
}

// ISO 8601 as people write it and git reads it: "2024-05-01T12:00" and
// "2024-05-01 12:00 +0200" were unknown dates, though "2024-05-01 12:00"
// and "2024-05-01 12:00:00 +0200" were read; so was git log
// --date=raw's "1714557600 +0200".
func TestParseDateISOForms(t *testing.T) {
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	plus2 := time.FixedZone("", 2*3600)
	minus0530 := time.FixedZone("", -(5*3600 + 30*60))
	for in, want := range map[string]time.Time{
		"2024-05-01T12:00":              time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		"2024-05-01T12:00Z":             time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		"2024-05-01t12:00:00z":          time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		"2024-05-01 12:00 +0200":        time.Date(2024, 5, 1, 12, 0, 0, 0, plus2),
		"2024-05-01 12:00+02:00":        time.Date(2024, 5, 1, 12, 0, 0, 0, plus2),
		"2024-05-01T12:00+02":           time.Date(2024, 5, 1, 12, 0, 0, 0, plus2),
		"2024-05-01 12:00:00+02:00":     time.Date(2024, 5, 1, 12, 0, 0, 0, plus2),
		"2024-05-01 12:00:00Z":          time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		"2024-05-01 12:00:00 UTC":       time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		"2024-05-01T12:00:00.250-05:30": time.Date(2024, 5, 1, 12, 0, 0, 250e6, minus0530),
		"2024-5-1 9:05":                 time.Date(2024, 5, 1, 9, 5, 0, 0, time.UTC),
		"1714557600 +0200":              time.Unix(1714557600, 0),
	} {
		got, err := ParseDate(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"2024-13-01T12:00", "2024-02-30 12:00", "2024-05-01T25:00", "2024-05-01 12:60", "2024-05-01 12:00 +2500"} {
		if got, err := ParseDate(in, now); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, got)
		}
	}
	// With a time, --until is that instant; a bare date is all its day.
	for in, want := range map[string]time.Time{
		"2024-05-01T12:00": time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		"2024-5-1":         time.Date(2024, 5, 1, 23, 59, 59, 0, time.UTC),
	} {
		if got, err := ParseUntil(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseUntil(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

// git log --since reads "last week", "two weeks ago" and ages of several
// units ("2 weeks 3 days ago"); they were unknown dates.
func TestParseDateRelativeWords(t *testing.T) {
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"last week":              now.AddDate(0, 0, -7),
		"Last Month":             now.AddDate(0, -1, 0),
		"last year":              now.AddDate(-1, 0, 0),
		"last day":               now.AddDate(0, 0, -1),
		"two weeks ago":          now.AddDate(0, 0, -14),
		"ten days":               now.AddDate(0, 0, -10),
		"2 weeks 3 days ago":     now.AddDate(0, 0, -17),
		"1 year, 2 months ago":   now.AddDate(-1, -2, 0),
		"1.year.2.months.ago":    now.AddDate(-1, -2, 0),
		"3 hours 30 minutes ago": now.Add(-210 * time.Minute),
		"one day 2h":             now.AddDate(0, 0, -1).Add(-2 * time.Hour),
	} {
		got, err := ParseDate(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"last", "two", "weeks ago", "last noon", "2 weeks ago ago", "2 weeks and 3 days", "eleven days ago"} {
		if got, err := ParseDate(in, now); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, got)
		}
	}
}

// "3m" was three minutes: whoever meant three months got none of their
// commits, silently (and git reads it as the 3rd of the month). An age
// in "m" is refused, alone or among others; "mo" and "min" say which.
func TestParseDateMinutesOrMonths(t *testing.T) {
	now := time.Date(2024, 5, 15, 12, 0, 0, 0, time.UTC)
	for _, in := range []string{"3m", "3M", "3 m ago", "3.m.ago", "1y 3m", "1 year, 2 m"} {
		var amb *AmbiguousAgeError
		if got, err := ParseDate(in, now); !errors.As(err, &amb) || amb.Given != in {
			t.Errorf("ParseDate(%q) = %v, %v; want it refused as minutes or months", in, got, err)
		}
	}
	for in, want := range map[string]time.Time{
		"3mo":     now.AddDate(0, -3, 0),
		"3 mo":    now.AddDate(0, -3, 0),
		"90min":   now.Add(-90 * time.Minute),
		"2w":      now.AddDate(0, 0, -14),
		"1y":      now.AddDate(-1, 0, 0),
		"5h":      now.Add(-5 * time.Hour),
		"30s":     now.Add(-30 * time.Second),
		"1y 3mo":  now.AddDate(-1, -3, 0),
		"3months": now.AddDate(0, -3, 0),
	} {
		if got, err := ParseDate(in, now); err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

// brokenQueries is an embedder that embeds commits but fails on queries,
// as an ONNX model that does not run on a query's tokens does.
type brokenQueries struct{ *fakeEmbedder }

func (brokenQueries) EmbedQueries(context.Context, []string) ([][]float32, error) {
	return nil, errors.New("running model.onnx: indices element out of data bounds")
}

// A query the embedder fails on failed the whole search ("search
// failed: running model.onnx: …"): the ONNX side never fails a search,
// so hybrid search answers lexically and says why, and --mode semantic
// is unavailable.
func TestQueryEmbeddingFailureLeavesLexical(t *testing.T) {
	s := history(t).searcher(fakeEmbedders{})
	fe, ok := s.emb.(*fakeEmbedder)
	if !ok {
		t.Fatalf("embedder %T", s.emb)
	}
	s.emb = brokenQueries{fe}
	ctx := context.Background()
	hits, err := s.Search(ctx, Query{Text: "turbine", Mode: Hybrid})
	if err != nil {
		t.Fatalf("hybrid search failed: %v", err)
	}
	if got := subjects(hits); got != "turbine: first draft | add the spinning parts | refactor the engine" {
		t.Errorf("hybrid without the query's vector = %s, want the lexical ranking", got)
	}
	if !strings.Contains(s.SemanticErr, "embedding the query: running model.onnx") {
		t.Errorf("SemanticErr = %q", s.SemanticErr)
	}
	var unavailable *ErrSemanticUnavailable
	if _, err := s.Search(ctx, Query{Text: "turbine", Mode: Semantic}); !errors.As(err, &unavailable) {
		t.Errorf("semantic search: %v, want ErrSemanticUnavailable", err)
	}
}

// learnedEmbedders is fakeEmbedders whose model says, as the built-in
// one does, how many commits it learned from, and of how many distinct
// messages (0: not said).
type learnedEmbedders struct{ commits, messages int }

type learnedFake struct {
	fakeEmbedder
	meta builtin.Meta
}

func (l *learnedFake) Meta() builtin.Meta { return l.meta }

func (learnedEmbedders) Configured(context.Context, *gitrepo.Repo) string { return "" }
func (l learnedEmbedders) Select(_ context.Context, _ *gitrepo.Repo, m *index.StoredModel) (embed.Embedder, string, error) {
	if m == nil {
		return nil, "", nil
	}
	return &learnedFake{fakeEmbedder{id: string(m.Data)}, builtin.Meta{Commits: l.commits, Messages: l.messages}}, "fake", nil
}
func (l learnedEmbedders) Train(_ context.Context, _ *gitrepo.Repo, msgs []string) (embed.Embedder, []byte, error) {
	id := fmt.Sprintf("builtin:fake-%d", len(msgs))
	return &learnedFake{fakeEmbedder{id: id}, builtin.Meta{Commits: l.commits, Messages: l.messages}}, []byte(id), nil
}

// A built-in model learned from a small history weighs its lists in
// proportion to it (SmallHistory): the semantic first place that a model
// of a grown history puts first ("panic while spinning", for "crash" in
// a question the lexical first place answers weakly) gives way to the
// lexical one when the model learned from a handful of commits.
func TestSmallHistoryModelWeighsLess(t *testing.T) {
	defer func(n int) { store.PostingsFrom = n }(store.PostingsFrom)
	store.PostingsFrom = 1
	weighed := DefaultTuning
	weighed.WeakCover = 0
	weighed.SemanticWeight = 20 // the semantic list decides at full weight
	firstWith := func(commits int, tu Tuning) string {
		t.Helper()
		f := history(t)
		f.commit("2024-04-05T10:00:00Z", "Ada Lovelace|ada@example.com", "panic while spinning", nil)
		f.commit("2024-04-06T10:00:00Z", "Ada Lovelace|ada@example.com", "tidy the parser", map[string]string{"parse/parse.go": "package parse\nfunc okapiCount() {}\n"})
		s := f.searcher(learnedEmbedders{commits: commits})
		s.Tuning = tu
		hits, err := s.Search(context.Background(), Query{Text: "crash zebra quagga okapi", Mode: Hybrid, Limit: 3})
		if err != nil || len(hits) == 0 {
			t.Fatalf("%d commits: %v, %v", commits, hits, err)
		}
		return hits[0].Subject
	}
	if got := firstWith(200, weighed); got != "panic while spinning" {
		t.Fatalf("a model of 200 commits: first %q, want the semantic first place", got)
	}
	if got := firstWith(6, weighed); got != "tidy the parser" {
		t.Fatalf("a model of 6 commits: first %q, want the lexical first place", got)
	}
	off := weighed
	off.SmallHistory = 0
	if got := firstWith(6, off); got != "panic while spinning" {
		t.Fatalf("SmallHistory 0: first %q, want the semantic first place", got)
	}
}

// A bot's commits that repeat one message do not make a weak lexical
// answer strong. "crash okapi": the best lexical hit holds "okapi" and
// not "crash", which no commit holds; in a history of 7 commits that is
// 0.35 of the question's idf, and 30 more commits, all "chore: format
// code", raised both words' idf by as much and made it 0.42, above the
// weak answer's line (0.4 here), so the lexical list kept its say. The
// model learned them as one message, and the cover counts them so.
func TestRepeatedMessagesDoNotStrengthenAWeakAnswer(t *testing.T) {
	defer func(n int) { store.PostingsFrom = n }(store.PostingsFrom)
	store.PostingsFrom = 1 // the cover is computed from the cached lists
	const line = 0.4
	cover := func(bots, messages int) float64 {
		t.Helper()
		f := history(t)
		f.commit("2024-04-05T10:00:00Z", "Ada Lovelace|ada@example.com", "panic while spinning", nil)
		f.commit("2024-04-06T10:00:00Z", "Ada Lovelace|ada@example.com", "tidy the parser", map[string]string{"parse/parse.go": "package parse\nfunc okapiCount() {}\n"})
		for i := range bots {
			f.commit(fmt.Sprintf("2024-04-07T10:%02d:00Z", i), "github-actions[bot]|41898282+github-actions[bot]@users.noreply.github.com", "chore: format code", map[string]string{"sdk/gen.ts": fmt.Sprintf("// %d\n", i)})
		}
		s := f.searcher(learnedEmbedders{commits: 6 + bots, messages: messages})
		lex, cover, err := s.lexical(context.Background(), uniqueTerms("crash okapi"), nil, nil, 10)
		if err != nil || len(lex) != 1 {
			t.Fatalf("%d bots: %v, %v; want one hit, the parser's commit", bots, lex, err)
		}
		return cover
	}
	one := cover(1, 7)
	if one >= line {
		t.Fatalf("one bot commit: cover %.3f; want a weak answer", one)
	}
	if many := cover(30, 7); math.Abs(many-one) > 1e-9 {
		t.Fatalf("30 bot commits learned as one message: cover %.3f, %.3f with one; want the same", many, one)
	}
	// A question with the bots' own word: "format" is in 30 commits,
	// more than the 7 documents the cover counts. Its idf is the least,
	// not a NaN that made every comparison with the cover false.
	f := history(t)
	f.commit("2024-04-06T10:00:00Z", "Ada Lovelace|ada@example.com", "tidy the parser", map[string]string{"parse/parse.go": "package parse\nfunc okapiCount() {}\n"})
	for i := range 30 {
		f.commit(fmt.Sprintf("2024-04-07T10:%02d:00Z", i), "github-actions[bot]|41898282+github-actions[bot]@users.noreply.github.com", "chore: format code", nil)
	}
	s := f.searcher(learnedEmbedders{commits: 35, messages: 6})
	if _, c, err := s.lexical(context.Background(), uniqueTerms("format okapi"), nil, nil, 10); err != nil || math.IsNaN(c) || c < 0 || c > 1 {
		t.Fatalf("a question with the bots' word: cover %v, %v; want a share of its idf", c, err)
	}
	// A model that does not say how many messages it learned from (one
	// from before it did, or an ONNX model's) counts each commit.
	if counted := cover(30, 0); counted < line {
		t.Fatalf("30 commits counted each: cover %.3f; want a strong answer", counted)
	}
}

// Dates git log reads that were unknown dates here: a weekday, noon and
// midnight, a month and day without the year, a day as 01/05/2024. A
// day whose two readings (US and European) are both dates is refused.
func TestParseDateDayWords(t *testing.T) {
	now := time.Date(2024, 5, 15, 10, 0, 0, 0, time.UTC) // a Wednesday
	day := func(m time.Month, d, h int) time.Time { return time.Date(2024, m, d, h, 0, 0, 0, time.UTC) }
	for in, want := range map[string]time.Time{
		"monday":           day(5, 13, 0),
		"Mon":              day(5, 13, 0),
		"wednesday":        day(5, 15, 0),
		"last wednesday":   day(5, 8, 0),
		"last monday":      day(5, 13, 0),
		"thursday":         day(5, 9, 0),
		"noon":             day(5, 14, 12), // before noon: yesterday's
		"midnight":         day(5, 15, 0),
		"yesterday noon":   day(5, 14, 12),
		"today midnight":   day(5, 15, 0),
		"friday noon":      day(5, 10, 12),
		"Jan 5":            day(1, 5, 0),
		"5 January":        day(1, 5, 0),
		"Dec 25":           time.Date(2023, 12, 25, 0, 0, 0, 0, time.UTC), // not yet this year
		"13/05/2024":       day(5, 13, 0),
		"05/13/2024":       day(5, 13, 0),
		"05/05/2024":       day(5, 5, 0),
		"1/2/2024 ":        time.Time{},
		"tuesday midnight": day(5, 14, 0),
	} {
		got, err := ParseDate(in, now)
		if want.IsZero() {
			var amb *AmbiguousDayError
			if !errors.As(err, &amb) || amb.Error() != `"1/2/2024" could be January 2 or February 1` {
				t.Errorf("ParseDate(%q) = %v, %v; want it refused as ambiguous", in, got, err)
			}
			continue
		}
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// A day is all of it to --until; noon is noon.
	for in, want := range map[string]time.Time{
		"monday":      time.Date(2024, 5, 13, 23, 59, 59, 0, time.UTC),
		"Jan 5":       time.Date(2024, 1, 5, 23, 59, 59, 0, time.UTC),
		"13/05/2024":  time.Date(2024, 5, 13, 23, 59, 59, 0, time.UTC),
		"monday noon": time.Date(2024, 5, 13, 12, 0, 0, 0, time.UTC),
		"midnight":    time.Date(2024, 5, 15, 0, 0, 0, 0, time.UTC),
	} {
		got, err := ParseUntil(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseUntil(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"mondays", "noonish", "Jan 32", "13/13/2024", "monday garbage", "next monday"} {
		if got, err := ParseDate(in, now); err == nil {
			t.Errorf("ParseDate(%q) = %v, want an error", in, got)
		}
	}
}

// A search that began before a 'git scry index --full' switched its
// rebuild in (the command opens the index, then searches: a window of
// milliseconds; eval's many queries, seconds) found no commit, or
// fewer, and said nothing: the ids it read from the old index are no
// commit's in the rebuild. It answers from the index as it is now.
func TestSearchAcrossRebuildSwitch(t *testing.T) {
	f := history(t)
	e := fakeEmbedders{}
	s := f.searcher(e)
	ctx := context.Background()
	r, err := gitrepo.Open(ctx, f.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range Modes {
		q := Query{Text: "turbine", Mode: m}
		before, err := s.Search(ctx, q)
		if err != nil || len(before) == 0 {
			t.Fatalf("%s before the rebuild: %v, %v", m, subjects(before), err)
		}
		if _, err := index.Run(ctx, r, index.Options{Full: true, Embedders: e}); err != nil {
			t.Fatal(err)
		}
		after, err := s.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := subjects(after), subjects(before); got != want {
			t.Errorf("%s: a search opened before the rebuild's switch finds %q after it; want %q", m, got, want)
		}
	}
}
