package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Embedders is where the index and the search get their embedder from.
type Embedders interface {
	// Configured names, cheaply (nothing loaded), the embedder the
	// repository's configuration asks for; when it changes, the index
	// selects again and re-embeds.
	Configured(ctx context.Context, r *gitrepo.Repo) string
	// Select loads the embedder to use: the configured external model if
	// it loads, else the built-in model restored from stored. It returns a
	// nil embedder when the built-in one is wanted and none is stored yet,
	// and says why it chose what it chose.
	Select(ctx context.Context, r *gitrepo.Repo, stored *StoredModel) (embed.Embedder, string, error)
	// Train learns a built-in model from the commit messages and the
	// repository's own documents, and returns it with its serialised form.
	Train(ctx context.Context, r *gitrepo.Repo, messages []string) (embed.Embedder, []byte, error)
}

// Prefetcher is implemented by embedder sources that can gather what
// training learns from besides the history while the commits are being
// indexed (the index calls it when a training is coming). It reports
// whether the built-in embedder is the one configured, so that training
// is coming indeed.
type Prefetcher interface {
	Prefetch(ctx context.Context, r *gitrepo.Repo) bool
}

// Retrain when the history has grown by a quarter since the built-in
// model learned it: its vocabulary and term statistics are stale by then,
// and retraining (and re-embedding every commit) is cheap next to that.
func needsRetrain(total, trainedOn int64) bool {
	return total > trainedOn && total*4 >= trainedOn*5
}

const embedBatch = 512

// embed brings the vectors up to date with the active embedder: trains
// the built-in model when there is none or it is stale, starts a new
// vector space when the embedder changed, and embeds every commit that
// has no vector yet. It reports whether it wrote anything.
func (ix *indexer) embed(ctx context.Context, total int64, changed bool) (bool, error) {
	e := ix.opt.Embedders
	if e == nil || total == 0 {
		return false, nil
	}
	configured := e.Configured(ctx, ix.r)
	vs, err := ix.st.VectorSpace(ctx)
	if err != nil {
		return false, err
	}
	lastConfig, err := ix.st.Meta(ctx, "vec_config")
	if err != nil {
		return false, err
	}
	var modelID string
	var trainedOn int64
	if m, err := ix.st.Model(ctx); err != nil {
		return false, err
	} else if m != nil {
		modelID, trainedOn = m.ID, m.Commits
	}
	if !changed && configured == lastConfig && vs.Gen > 0 {
		pending, err := ix.st.Unembedded(ctx, vs, 1)
		if err != nil {
			return false, err
		}
		stale := vs.Embedder == modelID && needsRetrain(total, trainedOn)
		// Built-in vectors of another model than the stored one: a run
		// stopped between storing a new model and starting its vector
		// space. Searches load the stored model and cannot use them.
		orphaned := strings.HasPrefix(vs.Embedder, "builtin:") && modelID != "" && vs.Embedder != modelID
		if len(pending) == 0 && !stale && !orphaned {
			ix.res.Embedder = vs.Embedder
			return false, nil // nothing to do, and no model loaded to find out
		}
	}

	stored, err := LoadModel(ctx, ix.r, ix.st)
	if err != nil {
		return false, err
	}
	emb, reason, err := e.Select(ctx, ix.r, stored)
	if err != nil {
		// Semantic search degrades; lexical search and the index do not.
		ix.res.EmbedWarning = err.Error()
		return false, nil
	}
	builtin := emb == nil || (stored != nil && emb.ID() == stored.ID)
	if builtin && (emb == nil || needsRetrain(total, stored.Commits)) {
		failedAt, err := ix.st.MetaInt(ctx, "train_failed")
		if err != nil {
			return false, err
		}
		// A history too small to learn from is retried once it grows, not
		// on every run.
		if failedAt == 0 || total > failedAt {
			trained, err := ix.train(ctx, total)
			switch {
			case err != nil:
				ix.res.EmbedWarning = "training the built-in embedder: " + err.Error()
				if ctx.Err() != nil {
					return false, ctx.Err()
				}
				if err := ix.st.SetMeta(ctx, "train_failed", fmt.Sprint(total)); err != nil {
					return false, err
				}
			default:
				if emb != nil {
					emb.Close()
				}
				// Select again, from what was stored, for the reason as a
				// search will give it.
				emb = trained
				if stored, err := LoadModel(ctx, ix.r, ix.st); err == nil && stored != nil {
					if again, why, err := e.Select(ctx, ix.r, stored); err == nil && again != nil && again.ID() == trained.ID() {
						trained.Close()
						emb, reason = again, why
					}
				}
			}
		}
		if emb == nil {
			if ix.res.EmbedWarning == "" {
				ix.res.EmbedWarning = "the built-in embedder has too little text to learn from yet"
			}
			// Why the built-in embedder was the one to train: a model
			// in use that cannot run here is what to fix first.
			ix.res.EmbedReason = reason
			return false, nil
		}
	}
	defer emb.Close()
	ix.res.Embedder, ix.res.EmbedReason = emb.ID(), reason

	b, err := ix.st.Begin(ctx, ix.loadPaths(ctx))
	if err != nil {
		return false, err
	}
	if vs.Embedder != emb.ID() || vs.Dim != emb.Dim() || vs.Gen == 0 {
		if vs, err = b.NewVectorSpace(emb.ID(), emb.Dim()); err != nil {
			b.Rollback()
			return false, err
		}
		// Another embedder's failure says nothing of this one.
		if err := b.SetMeta(embedFailedKey, ""); err != nil {
			b.Rollback()
			return false, err
		}
	}
	if err := b.SetMeta("vec_config", configured); err != nil {
		b.Rollback()
		return false, err
	}
	if err := b.SetMeta("vec_reason", reason); err != nil {
		b.Rollback()
		return false, err
	}
	if err := b.Commit(); err != nil {
		return false, err
	}
	err = ix.embedPending(ctx, emb, vs)
	var ee *embedError
	if errors.As(err, &ee) && ctx.Err() == nil {
		// The embedder's failure (an ONNX model that loads but does not
		// run on these texts) is no damage to the index: what was
		// embedded is kept, the rest is tried again next run, and
		// lexical search works meanwhile. Searches say why the rest
		// is missing: another run fails the same.
		ix.res.EmbedWarning, ix.res.Unembeddable = ee.Error(), ee.skipped
		return true, ix.st.SetMeta(ctx, embedFailedKey, ee.cause.Error())
	}
	if err == nil {
		if failed, _ := ix.st.Meta(ctx, embedFailedKey); failed != "" {
			err = ix.st.SetMeta(ctx, embedFailedKey, "")
		}
	}
	return true, err
}

// embedFailedKey is the meta key of the last run's failure to embed
// commits with the embedder of the vector space ("" when it did not
// fail): those commits stay without a vector until a run succeeds.
const embedFailedKey = "embed_failed"

// embedError is the embedder failing, as opposed to the store: cause is
// its own error; skipped counts the commits it failed on when it
// embedded the others.
type embedError struct {
	err, cause error
	skipped    int
}

func (e *embedError) Error() string { return e.err.Error() }
func (e *embedError) Unwrap() error { return e.err }

func (ix *indexer) train(ctx context.Context, total int64) (embed.Embedder, error) {
	start := time.Now()
	var msgs []string
	if err := ix.st.AllMessages(ctx, func(_ int64, m string) { msgs = append(msgs, m) }); err != nil {
		return nil, err
	}
	emb, blob := ix.takePretrained(ctx, msgs)
	if emb == nil {
		var err error
		emb, blob, err = ix.opt.Embedders.Train(ctx, ix.r, msgs)
		ix.res.TrainTime = time.Since(start)
		if err != nil {
			return nil, err
		}
	}
	if err := ix.saveModel(ctx, emb.ID(), blob, total); err != nil {
		emb.Close()
		return nil, err
	}
	ix.res.Trained = true
	return emb, nil
}

// embedPending embeds, batch by batch, every commit without a vector in
// the space; each batch is one transaction, so a killed run resumes here.
func (ix *indexer) embedPending(ctx context.Context, emb embed.Embedder, vs store.VectorSpace) error {
	start := time.Now()
	defer func() { ix.res.EmbedTime = time.Since(start) }()
	var bar *progress
	defer func() { bar.done() }()
	// The commits the model failed on, one by one: left without a
	// vector (tried again next run), and not fetched again in this one.
	skip := map[int64]bool{}
	var failed error
	for {
		ids, err := ix.st.Unembedded(ctx, vs, embedBatch+len(skip))
		if err != nil {
			return err
		}
		ids = slices.DeleteFunc(ids, func(id int64) bool { return skip[id] })
		if len(ids) == 0 {
			break
		}
		ids = ids[:min(len(ids), embedBatch)]
		if bar == nil {
			if rest, err := ix.st.CountUnembedded(ctx, vs); err == nil {
				bar = newProgress(ix.opt.Progress, "embedding", int(rest))
			}
		}
		msgs, err := ix.st.Messages(ctx, ids)
		if err != nil {
			return err
		}
		texts := make([]string, len(ids))
		for i, id := range ids {
			texts[i] = msgs[id]
		}
		vecs, err := emb.EmbedPassages(ctx, texts)
		if err != nil && ctx.Err() == nil {
			// One text the model cannot take (a token its table lacks)
			// fails its whole batch: the others are embedded one by one.
			var bad []int64
			var first error
			full := len(ids) == embedBatch
			ids, vecs, bad, first = embedEach(ctx, emb, ids, texts)
			if len(ids) == 0 && (full || !ix.hasVectors(ctx, vs)) {
				// It runs on none of a whole batch, or of any commit:
				// the model, not a text (the last commits alone can all
				// be such texts).
				return &embedError{err: fmt.Errorf("embedding commits with %s: %w", emb.ID(), err), cause: err}
			}
			for _, id := range bad {
				skip[id] = true
			}
			if failed == nil {
				failed = first
			}
			bar.add(len(bad))
			err = nil
			if len(ids) == 0 {
				continue
			}
		}
		if err != nil {
			return &embedError{err: fmt.Errorf("embedding commits with %s: %w", emb.ID(), err), cause: err}
		}
		b, err := ix.st.Begin(ctx, ix.loadPaths(ctx))
		if err != nil {
			return err
		}
		if err := b.AddVectors(vs, ids, vecs); err != nil {
			b.Rollback()
			return err
		}
		if err := b.Commit(); err != nil {
			return err
		}
		ix.res.Embedded += len(ids)
		bar.add(len(ids))
	}
	if n := len(skip); n > 0 {
		commits := "commits"
		if n == 1 {
			commits = "commit"
		}
		return &embedError{err: fmt.Errorf("%d %s could not be embedded with %s: %w", n, commits, emb.ID(), failed), cause: failed, skipped: n}
	}
	return nil
}

// hasVectors reports whether some commit has a vector in the space.
func (ix *indexer) hasVectors(ctx context.Context, vs store.VectorSpace) bool {
	rest, err := ix.st.CountUnembedded(ctx, vs)
	if err != nil {
		return false
	}
	total, err := ix.st.CountCommits(ctx)
	return err == nil && rest < total
}

// embedEach embeds texts one at a time, and returns the ids and vectors
// of those the embedder took, the ids of the others and the first of
// their errors.
func embedEach(ctx context.Context, emb embed.Embedder, ids []int64, texts []string) (okIDs []int64, vecs [][]float32, bad []int64, first error) {
	for i, t := range texts {
		v, err := emb.EmbedPassages(ctx, []string{t})
		if err == nil && len(v) != 1 {
			err = fmt.Errorf("%d vectors for one text", len(v))
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, nil, ctx.Err()
			}
			if first == nil {
				first = err
			}
			bad = append(bad, ids[i])
			continue
		}
		okIDs, vecs = append(okIDs, ids[i]), append(vecs, v[0])
	}
	return okIDs, vecs, bad, first
}
