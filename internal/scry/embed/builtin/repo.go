package builtin

import (
	"context"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// RepoOptions shape Gather and TrainRepo.
type RepoOptions struct {
	Documents Limits        // what to read of the repository at HEAD
	Machine   MachineLimits // what to read of the machine's own text
	NoMachine bool          // learn from the repository alone
	// MachineCache is the file that keeps the analysed machine text
	// between runs (MachineText), SpaceCache the one that keeps the space
	// learned from it (MachineSpaceCached); "" reads or learns it every
	// time.
	MachineCache, SpaceCache string
	Train                    Options
}

// Gathered is what a model learns from besides the commit messages: the
// repository's documents at HEAD and the machine's space. It
// does not depend on the history, so it can be gathered while the
// commits are being indexed.
type Gathered struct {
	Documents []string
	Space     *MachineSpace
	// MachineCached says the machine space came from the cache.
	MachineCached bool
}

// Gather reads the repository's documents and the machine's space,
// learned with opt.Train (Train must be given the same options). A
// repository whose documents cannot be read is learned from without them.
// Neither needs the other, so they are read side by side: on a history
// of a hundred commits the two in a row were a third of training's time.
func Gather(ctx context.Context, repo *gitrepo.Repo, opt RepoOptions) (*Gathered, error) {
	g := &Gathered{}
	var spaceErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		if !opt.NoMachine {
			g.Space, g.MachineCached, spaceErr = MachineSpaceCached(ctx, opt.Machine, opt.MachineCache, opt.SpaceCache, opt.Train)
		}
	}()
	docs, err := RepoDocuments(ctx, repo, opt.Documents)
	<-done
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if spaceErr != nil {
		return nil, spaceErr
	}
	if err == nil {
		g.Documents = docs
	}
	return g, nil
}

// Train learns a model from the commit messages and what was gathered.
func (g *Gathered) Train(ctx context.Context, commits []string, opt Options) (*Model, error) {
	return Train(ctx, Sources{Commits: commits, Documents: g.Documents, Space: g.Space}, opt)
}

// TrainRepo is the standard recipe: learn from the given commit messages,
// the repository's documents at HEAD and the machine's technical text.
func TrainRepo(ctx context.Context, repo *gitrepo.Repo, commits []string, opt RepoOptions) (*Model, error) {
	g, err := Gather(ctx, repo, opt)
	if err != nil {
		return nil, err
	}
	return g.Train(ctx, commits, opt.Train)
}
