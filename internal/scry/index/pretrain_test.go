package index

import (
	"context"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// builtinEmbedders trains the real built-in model from the messages alone
// (no documents, no machine text: deterministic and quick), and records
// what each training learned from.
type builtinEmbedders struct {
	mu     sync.Mutex
	trains [][]string
}

func (e *builtinEmbedders) Configured(context.Context, *gitrepo.Repo) string { return "" }

func (e *builtinEmbedders) Select(_ context.Context, _ *gitrepo.Repo, stored *StoredModel) (embed.Embedder, string, error) {
	if stored == nil {
		return nil, "built-in embedder", nil
	}
	m, err := builtin.Unmarshal(stored.Data)
	return m, "built-in embedder", err
}

func (e *builtinEmbedders) Train(ctx context.Context, _ *gitrepo.Repo, messages []string) (embed.Embedder, []byte, error) {
	e.mu.Lock()
	e.trains = append(e.trains, slices.Clone(messages))
	e.mu.Unlock()
	m, err := builtin.Train(ctx, builtin.Sources{Commits: messages}, builtin.Options{Dim: 8})
	if err != nil {
		return nil, nil, err
	}
	blob, err := m.MarshalBinary()
	return m, blob, err
}

// prefetching is builtinEmbedders announcing trainings, which lets a new
// index train while it reads the commits.
type prefetching struct{ *builtinEmbedders }

func (prefetching) Prefetch(context.Context, *gitrepo.Repo) bool { return true }

// A new index trains its built-in model while it reads the commits, from
// the messages read ahead of the diffs; that model must be the one
// training after the commits makes: the same messages in the same order
// (trailers left out, ties in author time kept in indexing order).
func TestNewIndexTrainsWhileReadingCommits(t *testing.T) {
	tr := newTestRepo(t)
	t.Setenv("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z") // every commit ties
	msgs := []string{
		"add the parser\n\nIt reads the configuration file.\n\nSigned-off-by: A <a@example.com>",
		"parser: accept comments in the configuration",
		"fix the cache eviction\n\nEntries outlived their deadline.",
		"cache: count hits and misses",
		"docs: describe the configuration file and the cache",
		"refactor the parser into stages",
		"speed up the cache lookups",
		"test the parser against broken configuration",
	}
	for _, m := range msgs {
		tr.commit(m)
	}
	os.Unsetenv("GIT_AUTHOR_DATE")
	tr.commit("later: release the parser and the cache")

	early := &builtinEmbedders{}
	res := tr.index(prefetching{early})
	if !res.Trained || !res.TrainedEarly || len(early.trains) != 1 {
		t.Fatalf("new index: trained %v, early %v, %d trainings; want one, while reading the commits", res.Trained, res.TrainedEarly, len(early.trains))
	}
	st, err := store.Open(context.Background(), DBPath(tr.repo()))
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	st.AllMessages(context.Background(), func(_ int64, m string) { stored = append(stored, m) })
	m, err := st.Model(context.Background())
	st.Close()
	if err != nil || m == nil {
		t.Fatalf("model %v, %v", m, err)
	}
	if !slices.Equal(early.trains[0], stored) {
		t.Fatalf("trained on\n%q\nthe store holds\n%q", early.trains[0], stored)
	}
	earlyID := m.ID

	// The same history indexed without the announcement trains after the
	// commits, from the store: the same model, byte for byte.
	os.RemoveAll(tr.repo().StateDir())
	late := &builtinEmbedders{}
	res = tr.index(late)
	if !res.Trained || res.TrainedEarly || len(late.trains) != 1 {
		t.Fatalf("without prefetch: trained %v, early %v, %d trainings", res.Trained, res.TrainedEarly, len(late.trains))
	}
	st, err = store.Open(context.Background(), DBPath(tr.repo()))
	if err != nil {
		t.Fatal(err)
	}
	m, err = st.Model(context.Background())
	st.Close()
	if err != nil || m == nil || m.ID != earlyID {
		t.Fatalf("model trained after the commits %v (%v); trained early %s", m, err, earlyID)
	}

	// An index that already has a model does not train early: a retrain
	// learns from the store.
	for i := 0; i < 4; i++ {
		tr.commit("grow the history " + string(rune('a'+i)))
	}
	more := &builtinEmbedders{}
	res = tr.index(prefetching{more})
	if !res.Trained || res.TrainedEarly || len(more.trains) != 1 {
		t.Fatalf("retrain: trained %v, early %v, %d trainings", res.Trained, res.TrainedEarly, len(more.trains))
	}
}

// A model trained early on other messages than the store ends up with is
// dropped, closed, and training runs again.
func TestPretrainedModelOnOtherMessagesIsDropped(t *testing.T) {
	closed := false
	done := make(chan struct{})
	close(done)
	ix := &indexer{res: &Result{}}
	ix.pre = &pretraining{cancel: func() {}, done: done, msgs: []string{"a", "b"}, emb: &closeRecorder{closed: &closed}}
	if emb, _ := ix.takePretrained(context.Background(), []string{"b", "a"}); emb != nil {
		t.Fatal("took a model trained on other messages")
	}
	if !closed || ix.pre != nil || ix.res.TrainedEarly {
		t.Fatalf("closed %v, pending %v, early %v", closed, ix.pre != nil, ix.res.TrainedEarly)
	}
}

type closeRecorder struct {
	fakeEmbedder
	closed *bool
}

func (c *closeRecorder) Close() error { *c.closed = true; return nil }
