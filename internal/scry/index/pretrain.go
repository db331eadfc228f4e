package index

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// pretraining is the built-in model of a new index, trained while the
// commits are being indexed. Training needs only the messages, which git
// reads in a blink, not the diffs that take most of an index run; on a
// history of a few hundred commits training is the larger part of the
// run. The model is used only when the store then holds exactly the
// messages it learned from, in the same order, so it is the model
// training after the commits would have made; otherwise it is dropped
// and training runs as before.
type pretraining struct {
	cancel context.CancelFunc
	done   chan struct{}
	msgs   []string
	emb    embed.Embedder
	blob   []byte
	err    error
	took   time.Duration
}

// pretrain starts training on the messages of the commits about to be
// indexed.
func (ix *indexer) pretrain(ctx context.Context, todo []string) {
	ctx, cancel := context.WithCancel(ctx)
	p := &pretraining{cancel: cancel, done: make(chan struct{})}
	ix.pre = p
	go func() {
		defer close(p.done)
		if p.msgs, p.err = messagesOf(ctx, ix.r, todo); p.err != nil {
			return
		}
		start := time.Now()
		p.emb, p.blob, p.err = ix.opt.Embedders.Train(ctx, ix.r, p.msgs)
		p.took = time.Since(start)
	}()
}

// messagesOf reads the commits' messages as the store will give them to
// training (store.AllMessages): trailers left out, ordered by author time,
// ties in the order the commits are indexed.
func messagesOf(ctx context.Context, r *gitrepo.Repo, hashes []string) ([]string, error) {
	type msg struct {
		at   int64
		text string
	}
	var ms []msg
	err := r.CommitsOf(ctx, hashes, func(c *gitrepo.Commit) error {
		body, _, _, _ := indexedBody(c.Body)
		ms = append(ms, msg{c.AuthorTime.Unix(), store.PassageText(c.Subject, body)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].at < ms[j].at })
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.text
	}
	return out, nil
}

// takePretrained waits for the pretraining and returns its model when it
// learned from exactly msgs; nil when there was none, it failed, or the
// messages differ.
func (ix *indexer) takePretrained(ctx context.Context, msgs []string) (embed.Embedder, []byte) {
	p := ix.pre
	if p == nil {
		return nil, nil
	}
	ix.pre = nil
	select {
	case <-p.done:
	case <-ctx.Done():
		p.cancel()
		<-p.done
	}
	p.cancel()
	if p.err != nil || p.emb == nil || !slices.Equal(p.msgs, msgs) {
		if p.emb != nil {
			p.emb.Close()
		}
		return nil, nil
	}
	ix.res.TrainTime, ix.res.TrainedEarly = p.took, true
	return p.emb, p.blob
}

// stopPretraining ends a pretraining nothing took (the run failed or
// needed no model), so no goroutine outlives the run.
func (ix *indexer) stopPretraining() {
	if p := ix.pre; p != nil {
		ix.pre = nil
		p.cancel()
		<-p.done
		if p.emb != nil {
			p.emb.Close()
		}
	}
}
