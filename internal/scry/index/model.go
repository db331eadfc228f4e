package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// StoredModel is the built-in model as the index keeps it: its row, and
// its weights mapped read-only into memory (a search touches only the
// pages of its query's terms).
type StoredModel struct {
	store.Model
	Data []byte
	// Unchecked lets the embedder source skip the weights' checksum (a
	// search: the next index run checks them and retrains on damage).
	Unchecked bool
}

const modelPrefix = "scry-model-"

func modelFileName(id string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, id)
	return modelPrefix + safe + ".bin"
}

// LoadModel maps the stored built-in model; nil when there is none (or
// its file is gone: the next index run trains a new one).
func LoadModel(ctx context.Context, r *gitrepo.Repo, st *store.Store) (*StoredModel, error) {
	m, err := st.Model(ctx)
	if err != nil || m == nil {
		return nil, err
	}
	// Mapped for the life of the process: the embedder reads its weights
	// without copying them, and a newer model gets a new file.
	data, err := store.MapFile(filepath.Join(r.StateDir(), m.File))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the built-in model: %w", err)
	}
	return &StoredModel{Model: *m, Data: data}, nil
}

// saveModel writes a trained model's weights (atomically: a killed run
// leaves the old file or the new one) and records it. Files of older
// models are removed once the new one is recorded.
func (ix *indexer) saveModel(ctx context.Context, id string, data []byte, commits int64) error {
	name := modelFileName(id)
	if err := atomicfile.Write(filepath.Join(ix.r.StateDir(), name), data, 0o644); err != nil {
		return err
	}
	b, err := ix.st.Begin(ctx, ix.loadPaths(ctx))
	if err != nil {
		return err
	}
	if err := b.SetModel(&store.Model{ID: id, File: name, Commits: commits, Created: time.Now()}); err != nil {
		b.Rollback()
		return err
	}
	if err := b.SetMeta("train_failed", "0"); err != nil {
		b.Rollback()
		return err
	}
	if err := b.Commit(); err != nil {
		return err
	}
	if !ix.aside {
		// A rebuild's searches still read the index it replaces, and
		// with it that index's model: its file goes at the switch.
		removeModelsBut(ix.r, name)
	}
	return nil
}

// removeModelsBut removes the files of the built-in models other than
// the one named keep.
func removeModelsBut(r *gitrepo.Repo, keep string) {
	old, _ := filepath.Glob(filepath.Join(r.StateDir(), modelPrefix+"*.bin"))
	for _, p := range old {
		if filepath.Base(p) != keep {
			os.Remove(p)
		}
	}
}
