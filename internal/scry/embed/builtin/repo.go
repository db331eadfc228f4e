package builtin

import (
	"context"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// RepoOptions shape TrainRepo.
type RepoOptions struct {
	Documents Limits        // what to read of the repository at HEAD
	Machine   MachineLimits // what to read of the machine's own text
	NoMachine bool          // learn from the repository alone
	Train     Options
}

// TrainRepo is the standard recipe: learn from the given commit messages,
// the repository's documents at HEAD and the machine's technical text.
func TrainRepo(ctx context.Context, repo *gitrepo.Repo, commits []string, opt RepoOptions) (*Model, error) {
	docs, err := RepoDocuments(ctx, repo, opt.Documents)
	if err != nil {
		return nil, err
	}
	var bg []string
	if !opt.NoMachine {
		if bg, err = MachineDocuments(ctx, opt.Machine); err != nil {
			return nil, err
		}
	}
	return Train(ctx, Sources{Commits: commits, Documents: docs, Background: bg}, opt.Train)
}

// NeedsRetrain reports whether a model trained on m.Meta().Commits
// messages should be rebuilt now that the history has commits: when it
// grew by a quarter (at least 20 commits) — new words and topics appear
// as a project grows — or shrank (rewritten history). Meanwhile new
// commits are embedded with the current model.
func NeedsRetrain(m *Model, commits int) bool {
	had := m.Meta().Commits
	grown := commits - had
	return commits < had || (grown >= 20 && grown*4 >= had)
}
