package index

import (
	"context"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// DocumentSource is implemented by embedder sources that read the
// repository's documents at HEAD (what the built-in embedder learns
// from besides the history): the index keeps their paragraphs for
// search's document feedback.
type DocumentSource interface {
	Documents(ctx context.Context, r *gitrepo.Repo) ([]string, error)
}

// minParagraphTerms: a shorter paragraph (a heading, a line of a list)
// says too little to stand for a question.
const minParagraphTerms = 6

// documents starts reading the document paragraphs into the index when
// it has none yet, or the history has grown since they were read as much
// as makes the built-in model learn again (needsRetrain): reading them
// costs what the training's reading does, which it shares, and nothing
// on the post-commit hook's runs in between. They are read and analysed
// while the commits are embedded; the function returned, called once
// the run has embedded, writes them (nil: no documents to read).
// Documents that cannot be read leave the paragraphs read before, if
// any, as they were: they are read again when the history has grown,
// not on every run.
//
// Where the built-in model is in use, the readings keep to its
// trainings: a run that trains it reads them too, due or not (the
// training gathered the documents: nothing is read twice), and a first
// reading on a run that does not train (an index made before the
// paragraphs, or one whose paragraphs' table was lost) is recorded as
// made when the model learned. Recorded at that run's count, the next
// reading fell a few commits after the model's next training, and so
// on: each reading of the documents on a hook's run of its own, besides
// the training's.
func (ix *indexer) documents(ctx context.Context, total int64) (write func() error, err error) {
	ds, ok := ix.opt.Embedders.(DocumentSource)
	if !ok || total == 0 {
		return nil, nil
	}
	read, err := ix.st.DocumentsRead(ctx)
	if err != nil {
		return nil, err
	}
	var paras [][]string
	var readErr error
	var done chan struct{}
	start := func() {
		done = make(chan struct{})
		go func() {
			defer close(done)
			var docs []string
			docs, readErr = ds.Documents(ctx, ix.r)
			paras = paragraphs(docs)
		}()
	}
	if read == 0 || needsRetrain(total, read) {
		start()
	}
	return func() error {
		if done == nil {
			if !ix.res.Trained {
				return nil
			}
			start()
		}
		<-done
		if ctx.Err() != nil {
			return ctx.Err()
		}
		at := total
		if read == 0 && !ix.res.Trained {
			on, err := ix.builtinTrainedOn(ctx, total)
			if err != nil {
				return err
			}
			at = on
		}
		b, err := ix.st.Begin(ctx, ix.loadPaths(ctx))
		if err != nil {
			return err
		}
		set := func() error { return b.SetDocuments(paras, at) }
		if readErr != nil {
			set = func() error { return b.SetDocumentsRead(at) }
		}
		if err := set(); err != nil {
			b.Rollback()
			return err
		}
		return b.Commit()
	}, nil
}

// builtinTrainedOn is the number of commits the built-in model learned
// from when its vectors are the ones this run embedded with, else total
// (another embedder in use, whose paragraphs keep a schedule of their
// own).
func (ix *indexer) builtinTrainedOn(ctx context.Context, total int64) (int64, error) {
	m, err := ix.st.Model(ctx)
	if err != nil || m == nil || m.ID != ix.res.Embedder || m.Commits <= 0 {
		return total, err
	}
	return m.Commits, nil
}

// paragraphs splits documents at blank lines and analyses each paragraph
// as commits are (package text), keeping those of minParagraphTerms terms
// or more, cut at store.MaxParagraphTerms. A line of nothing but
// whitespace is blank: a document with Windows line ends has "\r\n\r\n"
// between its paragraphs, and a comment's empty line can keep a space
// or a carriage return; split at "\n\n" alone, each was one paragraph
// cut at MaxParagraphTerms, the rest of it lost.
func paragraphs(docs []string) [][]string {
	var out [][]string
	var para strings.Builder
	flush := func() {
		ts := text.Terms(para.String())
		para.Reset()
		if len(ts) >= minParagraphTerms {
			out = append(out, ts[:min(len(ts), store.MaxParagraphTerms)])
		}
	}
	for _, d := range docs {
		for line := range strings.Lines(d) {
			if strings.TrimSpace(line) == "" {
				flush()
				continue
			}
			para.WriteString(line)
		}
		flush()
	}
	return out
}
