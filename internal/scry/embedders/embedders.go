// Package embedders is where git scry's index and search get their
// embedder: the active ONNX model of the user's registry when it runs,
// else the repository's built-in model (internal/scry/model.Select), and
// the training of a built-in model from the repository's history, its
// documents and the machine's technical English.
package embedders

import (
	"context"
	"errors"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/embed"
	"github.com/verdigris-dev/verdigris/internal/scry/embed/builtin"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/model"
)

// MachineTextEnv set to 0 keeps the machine's technical English (Go and
// Python documentation, manual pages) out of the built-in model: it
// learns from the repository alone, faster and more narrowly.
const MachineTextEnv = "VERDIGRIS_SCRY_MACHINE_TEXT"

// Source implements index.Embedders.
type Source struct {
	Getenv func(string) string
}

var _ index.Embedders = (*Source)(nil)

// Configured names the registry's choice without loading anything: the
// active model and the sha256 it was registered with, or "builtin".
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
	return "onnx:" + e.Name + "@" + e.Model.SHA256
}

// Select loads the embedder to use. A stored built-in model that does not
// load (another version's format, damage) counts as none: the index
// trains a new one.
func (s *Source) Select(ctx context.Context, r *gitrepo.Repo, stored *index.StoredModel) (embed.Embedder, string, error) {
	e, reason, err := model.Select(ctx, s.Getenv, func() (*builtin.Model, error) {
		if stored == nil {
			return nil, nil
		}
		m, err := builtin.Unmarshal(stored.Data)
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

// Train learns a built-in model from the commit messages, the
// repository's documents at HEAD and the machine's technical English.
func (s *Source) Train(ctx context.Context, r *gitrepo.Repo, messages []string) (embed.Embedder, []byte, error) {
	docs, err := builtin.RepoDocuments(ctx, r, builtin.Limits{})
	if err != nil && ctx.Err() != nil {
		return nil, nil, err
	}
	var background []string
	if s.Getenv(MachineTextEnv) != "0" {
		background, err = builtin.MachineDocuments(ctx, builtin.MachineLimits{})
		if err != nil && ctx.Err() != nil {
			return nil, nil, err
		}
	}
	m, err := builtin.Train(ctx, builtin.Sources{Commits: messages, Documents: docs, Background: background}, builtin.Options{})
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
