package index

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// fakeEmbedders stands in for the built-in and ONNX embedders in tests:
// its "model" is a hashed bag of terms, its serialised form is its id.
type fakeEmbedders struct {
	configured string // "" for the built-in embedder, else an external model's name
	trains     int
	prefetches int
	salt       string // mixed into the hashes: another salt is another model
	broken     bool   // the external model loads but fails to embed
	failOn     string // the external model fails on texts holding this
}

// Prefetch counts the index's announcements of a coming training.
func (e *fakeEmbedders) Prefetch(context.Context, *gitrepo.Repo) bool {
	e.prefetches++
	return e.configured == ""
}

type fakeEmbedder struct {
	id     string
	dim    int
	salt   string
	broken bool
	failOn string
}

func (f *fakeEmbedder) ID() string   { return f.id }
func (f *fakeEmbedder) Dim() int     { return f.dim }
func (f *fakeEmbedder) Close() error { return nil }
func (f *fakeEmbedder) EmbedQueries(ctx context.Context, texts []string) ([][]float32, error) {
	return f.EmbedPassages(ctx, texts)
}
func (f *fakeEmbedder) EmbedPassages(_ context.Context, texts []string) ([][]float32, error) {
	if f.broken || (f.failOn != "" && slices.ContainsFunc(texts, func(t string) bool { return strings.Contains(t, f.failOn) })) {
		return nil, errors.New("running model.onnx: indices element out of data bounds")
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, f.dim)
		for _, term := range text.Terms(t) {
			h := fnv.New32a()
			h.Write([]byte(f.salt + term))
			v[h.Sum32()%uint32(f.dim)]++
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

func (e *fakeEmbedders) Configured(context.Context, *gitrepo.Repo) string { return e.configured }

func (e *fakeEmbedders) Select(_ context.Context, _ *gitrepo.Repo, stored *StoredModel) (embed.Embedder, string, error) {
	if e.configured != "" {
		return &fakeEmbedder{id: "onnx:" + e.configured, dim: 24, broken: e.broken, failOn: e.failOn}, "ONNX model " + e.configured, nil
	}
	if stored == nil {
		return nil, "built-in embedder", nil
	}
	return &fakeEmbedder{id: string(stored.Data), dim: 32, salt: e.salt}, "built-in embedder", nil
}

func (e *fakeEmbedders) Train(_ context.Context, _ *gitrepo.Repo, messages []string) (embed.Embedder, []byte, error) {
	e.trains++
	id := fmt.Sprintf("builtin:fake%s-%d", e.salt, len(messages))
	return &fakeEmbedder{id: id, dim: 32, salt: e.salt}, []byte(id), nil
}

// testRepo is a repository with a clean git environment.
type testRepo struct {
	t   *testing.T
	dir string
	r   *gitrepo.Repo
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gitconfig")
	os.WriteFile(cfg, []byte("[user]\nname = T\nemail = t@example.com\n[init]\ndefaultBranch = main\n"), 0o644)
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	repo := &testRepo{t: t, dir: filepath.Join(dir, "repo")}
	repo.git("init", "-q", repo.dir)
	return repo
}

func (tr *testRepo) git(args ...string) string {
	tr.t.Helper()
	cmd := exec.Command("git", args...)
	if tr.r != nil || len(args) == 0 || args[0] != "init" {
		cmd.Dir = tr.dir
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		tr.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit makes a commit changing one file.
func (tr *testRepo) commit(msg string) {
	tr.t.Helper()
	f := filepath.Join(tr.dir, "file.txt")
	old, _ := os.ReadFile(f)
	os.WriteFile(f, append(old, []byte(msg+"\n")...), 0o644)
	tr.git("add", "-A")
	tr.git("commit", "-q", "-m", msg)
}

func (tr *testRepo) repo() *gitrepo.Repo {
	if tr.r == nil {
		r, err := gitrepo.Open(context.Background(), tr.dir)
		if err != nil {
			tr.t.Fatal(err)
		}
		tr.r = r
	}
	return tr.r
}

func (tr *testRepo) index(e Embedders) *Result {
	tr.t.Helper()
	res, err := Run(context.Background(), tr.repo(), Options{Embedders: e})
	if err != nil {
		tr.t.Fatal(err)
	}
	return res
}

func vectorCount(t *testing.T, r *gitrepo.Repo) (store.VectorSpace, int) {
	t.Helper()
	st, err := store.Open(context.Background(), DBPath(r))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	vs, err := st.VectorSpace(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	st.ScanVectors(context.Background(), vs, func(c *store.Chunk) error { n += len(c.IDs); return nil })
	return vs, n
}

// TestEmbedderLifecycle pins when the index trains, retrains and
// re-embeds: the built-in model is trained on the first run, reused while
// the history grows by less than a quarter, retrained past that (every
// commit re-embedded), and an embedder change re-embeds everything once.
func TestEmbedderLifecycle(t *testing.T) {
	tr := newTestRepo(t)
	for i := 0; i < 8; i++ {
		tr.commit(fmt.Sprintf("commit number %d about gears", i))
	}
	e := &fakeEmbedders{}
	res := tr.index(e)
	if !res.Trained || e.trains != 1 || res.Embedded != 8 || res.Embedder != "builtin:fake-8" {
		t.Fatalf("first run: %+v (trains %d)", res, e.trains)
	}
	if e.prefetches != 1 {
		t.Fatalf("first run: %d prefetches, want 1 (a training is coming)", e.prefetches)
	}
	if vs, n := vectorCount(t, tr.repo()); n != 8 || vs.Embedder != "builtin:fake-8" || vs.Dim != 32 {
		t.Fatalf("vectors: %+v, %d", vs, n)
	}
	models, _ := filepath.Glob(filepath.Join(tr.repo().StateDir(), "scry-model-*.bin"))
	if len(models) != 1 {
		t.Fatalf("model files: %v", models)
	}

	res = tr.index(e)
	if !res.UpToDate || res.Embedded != 0 || e.trains != 1 {
		t.Fatalf("idle run: %+v (trains %d)", res, e.trains)
	}

	// +1 commit: embedded with the current model.
	tr.commit("one more about gears")
	res = tr.index(e)
	if res.Trained || res.Embedded != 1 || res.Added != 1 || e.trains != 1 {
		t.Fatalf("+1: %+v (trains %d)", res, e.trains)
	}
	if e.prefetches != 1 {
		t.Fatalf("+1: %d prefetches, want none since the first run (no training coming)", e.prefetches)
	}
	// +25% since training: retrained, every commit re-embedded.
	tr.commit("and another")
	res = tr.index(e)
	if !res.Trained || res.Embedded != 10 || e.trains != 2 || res.Embedder != "builtin:fake-10" {
		t.Fatalf("+25%%: %+v (trains %d)", res, e.trains)
	}
	if e.prefetches != 2 {
		t.Fatalf("+25%%: %d prefetches, want 2 (the retraining announced)", e.prefetches)
	}
	if vs, n := vectorCount(t, tr.repo()); n != 10 || vs.Embedder != "builtin:fake-10" {
		t.Fatalf("vectors after retraining: %+v, %d", vs, n)
	}
	models, _ = filepath.Glob(filepath.Join(tr.repo().StateDir(), "scry-model-*.bin"))
	if len(models) != 1 || !strings.Contains(models[0], "fake-10") {
		t.Fatalf("model files after retraining: %v", models)
	}

	// Another embedder configured: everything re-embedded, no training.
	e.configured = "minilm"
	res = tr.index(e)
	if res.Trained || res.Embedded != 10 || res.Embedder != "onnx:minilm" || res.EmbedReason != "ONNX model minilm" {
		t.Fatalf("embedder change: %+v", res)
	}
	if vs, n := vectorCount(t, tr.repo()); n != 10 || vs.Dim != 24 {
		t.Fatalf("vectors after the change: %+v, %d", vs, n)
	}
	if res := tr.index(e); !res.UpToDate {
		t.Fatalf("idle run after the change: %+v", res)
	}

	// Pruned commits lose their vectors.
	tr.git("reset", "-q", "--hard", "HEAD~2")
	res = tr.index(e)
	if res.Pruned != 2 {
		t.Fatalf("prune: %+v", res)
	}
	if _, n := vectorCount(t, tr.repo()); n != 8 {
		t.Fatalf("vectors after pruning: %d, want 8", n)
	}
}

// TestFullRebuildRewritesSearchCache pins a bug: 'git scry index --full'
// empties the index, whose content version then counts from the start
// again, so the search cache of the index before looked current (or was
// grown instead of rebuilt) and searches scored queries of the new model
// against the old model's vectors. The same holds for an index rebuilt
// after its file was removed.
func TestFullRebuildRewritesSearchCache(t *testing.T) {
	tr := newTestRepo(t)
	for i := range 6 {
		tr.commit(fmt.Sprintf("change %d of the retry loop", i))
	}
	tr.index(&fakeEmbedders{salt: "a"})
	for _, rebuild := range []func(){
		func() {
			if _, err := Run(context.Background(), tr.repo(), Options{Embedders: &fakeEmbedders{salt: "b"}, Full: true}); err != nil {
				t.Fatal(err)
			}
		},
		func() {
			os.Remove(DBPath(tr.repo()))
			tr.index(&fakeEmbedders{salt: "c"})
		},
	} {
		rebuild()
		ctx := context.Background()
		st, err := store.Open(ctx, DBPath(tr.repo()))
		if err != nil {
			t.Fatal(err)
		}
		vs, _ := st.VectorSpace(ctx)
		version, _ := st.CacheVersion(ctx)
		want := map[int64][]int8{}
		st.ScanVectors(ctx, vs, func(c *store.Chunk) error {
			for i, id := range c.IDs {
				want[id] = slices.Clone(c.Vecs[i*c.Dim : (i+1)*c.Dim])
			}
			return nil
		})
		st.Close()
		c, err := store.OpenCache(cachePath(tr.repo()), vs, version)
		if err != nil {
			t.Fatalf("search cache after the rebuild: %v", err)
		}
		if c.Vectors == nil || len(c.Vectors.IDs) != len(want) || len(want) != 6 {
			t.Fatalf("cache holds %v vectors, the index %d", c.Vectors, len(want))
		}
		for i, id := range c.Vectors.IDs {
			if got := c.Vectors.Vecs[i*c.Vectors.Dim : (i+1)*c.Vectors.Dim]; !slices.Equal(got, want[id]) {
				t.Fatalf("commit %d: the cache has another model's vector", id)
			}
		}
	}
}

// A search cache or model write killed before its rename (kill -9 of an
// index run) left its temp file in the git dir for good: megabytes at a
// large history, one more for every such kill. The next run removes
// them, cache temp files named as builds before this one named them, and
// what a killed switch of a full rebuild left of the rebuild's files.
func TestIndexRemovesKilledWrites(t *testing.T) {
	tr := newTestRepo(t)
	tr.commit("first change of the retry loop")
	tr.index(&fakeEmbedders{})
	cache := cachePath(tr.repo())
	dir := filepath.Dir(cache)
	left := []string{
		filepath.Join(dir, "."+filepath.Base(cache)+".tmp-123"),
		cache + ".tmp456",
		filepath.Join(dir, "."+modelFileName("0123abcd")+".tmp-789"),
		// A full rebuild's switch killed while it deleted its files.
		asidePath(tr.repo()) + "-wal",
		asidePath(tr.repo()) + "-shm",
	}
	for _, p := range left {
		if err := os.WriteFile(p, []byte("half a cache"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tr.commit("second change of the retry loop")
	tr.index(&fakeEmbedders{})
	for _, p := range left {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is still there", filepath.Base(p))
		}
	}
	if _, err := os.Stat(cache); err != nil {
		t.Fatalf("the cache itself: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("left in the state directory: %s", e.Name())
		}
	}
}

// 'git scry index --background --full' while another run held the lock
// handed that run a plain rerun: the --full was lost. The writer's next
// run is now a full rebuild, and a plain mark made after it does not
// take the rebuild back.
func TestBusyFullRunHandsOnTheRebuild(t *testing.T) {
	tr := newTestRepo(t)
	for i := range 3 {
		tr.commit(fmt.Sprintf("change %d of the retry loop", i))
	}
	tr.index(&fakeEmbedders{})
	held, err := filelock.TryLock(lockPath(tr.repo()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, full := range []bool{true, false} {
		res, err := Run(ctx, tr.repo(), Options{Embedders: &fakeEmbedders{}, Coalesce: true, Full: full})
		if err != nil || !res.Deferred {
			t.Fatalf("busy run (full %v) = %+v, %v; want it deferred", full, res, err)
		}
	}
	held.Unlock()
	res := tr.index(&fakeEmbedders{})
	if res.Added != 3 {
		t.Fatalf("the next run added %d commits; want all 3 again (a full rebuild)", res.Added)
	}
	if res := tr.index(&fakeEmbedders{}); res.Added != 0 {
		t.Fatalf("the run after it added %d commits; want none", res.Added)
	}
}

// An ONNX model that loads but fails to embed (a graph whose vocabulary
// is smaller than its tokenizer's) failed every index run, "indexing
// failed" with a hint to rebuild the index, which fails the same way:
// the commits are indexed, and semantic search is said to be unavailable
// and why, as when the model does not load.
func TestBrokenExternalModelLeavesIndexing(t *testing.T) {
	tr := newTestRepo(t)
	for i := range 5 {
		tr.commit(fmt.Sprintf("change %d of the retry loop", i))
	}
	e := &fakeEmbedders{configured: "minilm", broken: true}
	res, err := Run(context.Background(), tr.repo(), Options{Embedders: e})
	if err != nil {
		t.Fatalf("index run failed: %v", err)
	}
	if res.Added != 5 || res.Embedded != 0 || !strings.Contains(res.EmbedWarning, "embedding commits with onnx:minilm: running model.onnx") {
		t.Fatalf("%+v", res)
	}
	e.broken = false
	if res := tr.index(e); res.Embedded != 5 || res.EmbedWarning != "" {
		t.Fatalf("once the model runs: %+v", res)
	}
}

// A model that fails on one commit's text failed the whole batch it was
// in, and the run stopped there: every commit of that batch and after it
// stayed out of semantic search, run after run. The others are embedded;
// the one it fails on is counted, and tried again by the next run.
func TestModelFailingOnOneCommitEmbedsTheOthers(t *testing.T) {
	tr := newTestRepo(t)
	for i := range 5 {
		msg := fmt.Sprintf("change %d of the retry loop", i)
		if i == 2 {
			msg += " upbeat"
		}
		tr.commit(msg)
	}
	e := &fakeEmbedders{configured: "minilm", failOn: "upbeat"}
	res := tr.index(e)
	if res.Embedded != 4 || res.Unembeddable != 1 || !strings.Contains(res.EmbedWarning, "1 commit could not be embedded with onnx:minilm: running model.onnx") {
		t.Fatalf("%+v", res)
	}
	if vs, n := vectorCount(t, tr.repo()); n != 4 || vs.Embedder != "onnx:minilm" {
		t.Fatalf("%d vectors of %s, want 4 of onnx:minilm", n, vs.Embedder)
	}
	if res := tr.index(e); res.Embedded != 0 || res.Unembeddable != 1 {
		t.Fatalf("the next run: %+v", res)
	}
	e.failOn = ""
	if res := tr.index(e); res.Embedded != 1 || res.EmbedWarning != "" {
		t.Fatalf("once the model runs on it: %+v", res)
	}
}
