// Package embedders is where git scry's index and search get their
// embedder: the active ONNX model of the user's registry when it runs,
// else the repository's built-in model (internal/scry/model.Select), and
// the training of a built-in model from the repository's history, its
// documents and the machine's technical English.
package embedders

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/model"
	"github.com/verdigris-dev/verdigris/internal/scry/search"
	"github.com/verdigris-dev/verdigris/internal/userdir"
)

// MachineTextEnv set to 0 keeps the machine's technical English (Go and
// Python documentation, manual pages) out of the built-in model: it
// learns from the repository alone, faster and more narrowly.
const MachineTextEnv = "VERDIGRIS_SCRY_MACHINE_TEXT"

// Source implements index.Embedders.
type Source struct {
	Getenv func(string) string

	mu       sync.Mutex
	gathered chan struct{} // closed when gathering is done; nil: not started
	g        *builtin.Gathered
	gErr     error
}

var (
	_ index.Embedders      = (*Source)(nil)
	_ index.Prefetcher     = (*Source)(nil)
	_ index.DocumentSource = (*Source)(nil)
	_ search.ModelChecker  = (*Source)(nil)
)

// repoOptions is how git scry trains the built-in embedder.
func (s *Source) repoOptions() builtin.RepoOptions {
	opt := builtin.RepoOptions{NoMachine: s.Getenv(MachineTextEnv) == "0"}
	// Without a cache directory the machine's text is learned every time.
	if dir, err := userdir.Cache(s.Getenv); err == nil {
		opt.MachineCache = filepath.Join(dir, "scry-machine-text.bin")
		opt.SpaceCache = filepath.Join(dir, "scry-machine-space.bin")
	}
	return opt
}

// Prefetch starts gathering what the built-in embedder learns from
// besides the history (the repository's documents, the machine's text),
// while the index reads the commits; Train waits for it. Only the first
// call starts anything, and nothing when an ONNX model is configured.
func (s *Source) Prefetch(ctx context.Context, r *gitrepo.Repo) bool {
	if !strings.HasPrefix(s.Configured(ctx, r), model.Builtin) {
		return false
	}
	s.start(ctx, r)
	return true
}

func (s *Source) start(ctx context.Context, r *gitrepo.Repo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gathered != nil {
		return
	}
	done := make(chan struct{})
	s.gathered = done
	go func() {
		defer close(done)
		s.g, s.gErr = builtin.Gather(ctx, r, s.repoOptions())
	}()
}

// Configured names the registry's choice without loading a model: the
// ID the active model's embedder will have (made of all its vectors
// depend on: its files' sha256s, external data included, its passage
// prefix, how this binary tokenizes), or "builtin". An active model
// that cannot run here (no runtime library, its files changed) is named
// "builtin, instead of …": the index embeds with the built-in embedder
// then, and must embed with the model again once it can run, which it
// knows by this name changing.
func (s *Source) Configured(ctx context.Context, r *gitrepo.Repo) string {
	path, err := model.Path(s.Getenv)
	if err != nil {
		return model.Builtin
	}
	reg, err := model.Load(path)
	if err != nil || reg.Active == "" || reg.Active == model.Builtin {
		return model.Builtin
	}
	e, ok := reg.Find(reg.Active)
	if !ok {
		return model.Builtin
	}
	c := e.Config(s.Getenv)
	cfg := c.ID()
	if model.Usable(e, s.Getenv) != nil {
		return model.Builtin + ", instead of " + cfg
	}
	return cfg
}

// PassedOver says why the model in use cannot run here, and what to do
// ("" when none is in use or nothing stops it), loading nothing.
func (s *Source) PassedOver(ctx context.Context, r *gitrepo.Repo) (cause, hint string) {
	return model.PassedOver(s.Getenv)
}

// Select loads the embedder to use. A stored built-in model that does not
// load (another version's format, damage) counts as none: the index
// trains a new one.
func (s *Source) Select(ctx context.Context, r *gitrepo.Repo, stored *index.StoredModel) (embed.Embedder, string, error) {
	e, reason, err := model.Select(ctx, s.Getenv, func() (*builtin.Model, error) {
		if stored == nil {
			return nil, nil
		}
		load := builtin.Unmarshal
		if stored.Unchecked {
			load = builtin.UnmarshalUnchecked
		}
		m, err := load(stored.Data)
		if err != nil {
			return nil, nil
		}
		return m, nil
	})
	if err != nil || e == nil {
		return nil, reason, err
	}
	return e, reason, nil
}

// Documents are the repository's documents at HEAD: those the built-in
// embedder's training gathered in this run, else read now.
func (s *Source) Documents(ctx context.Context, r *gitrepo.Repo) ([]string, error) {
	s.mu.Lock()
	done := s.gathered
	s.mu.Unlock()
	if done == nil {
		return builtin.RepoDocuments(ctx, r, builtin.Limits{})
	}
	select {
	case <-done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if s.gErr != nil {
		// The machine's text failed, not necessarily the documents.
		return builtin.RepoDocuments(ctx, r, builtin.Limits{})
	}
	return s.g.Documents, nil
}

// Train learns a built-in model from the commit messages, the
// repository's documents at HEAD and the machine's technical English.
func (s *Source) Train(ctx context.Context, r *gitrepo.Repo, messages []string) (embed.Embedder, []byte, error) {
	s.start(ctx, r)
	s.mu.Lock()
	done := s.gathered
	s.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	if s.gErr != nil {
		return nil, nil, s.gErr
	}
	m, err := s.g.Train(ctx, messages, builtin.Options{})
	if errors.Is(err, builtin.ErrNoText) {
		return nil, nil, errors.New("too little text in this repository to learn from yet")
	}
	if err != nil {
		return nil, nil, err
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		return nil, nil, err
	}
	return m, blob, nil
}
