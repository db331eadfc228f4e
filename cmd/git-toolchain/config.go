package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/toolchain"
)

// loadConfig opens the repository and parses its toolchain.toml. A
// missing or invalid file is a failed operation (exit 1), not bad usage:
// the command line was right, the repository is not ready.
func loadConfig(ctx context.Context, env *cli.Env) (*gitrepo.Repo, *config.File, error) {
	r, err := cli.OpenWorktree(ctx, env)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := config.Load(r.Root)
	if err != nil {
		return r, nil, configError(err)
	}
	return r, cfg, nil
}

func configError(err error) error {
	if errors.Is(err, config.ErrNotFound) {
		return cli.Failf("%s", err).WithHint("create %s at the repository root: [tools], [checks.NAME] and [sets] (see the README, section \"git toolchain\")", config.FileName)
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		e := cli.Failf("%s", ce)
		if ce.Hint != "" {
			return e.WithHint("%s", ce.Hint)
		}
		if ce.Line > 0 {
			return e.WithHint("fix line %d of %s (the format is in the README, section \"git toolchain\")", ce.Line, ce.Path)
		}
		return e.WithHint("fix %s (the format is in the README, section \"git toolchain\")", ce.Path)
	}
	return err
}

// workspacePath makes a path relative to the repository root relative to
// GITHUB_WORKSPACE instead, as annotations need, when the repository is
// a subdirectory of the workspace.
func workspacePath(env *cli.Env, root, rel string) string {
	ws := env.Env("GITHUB_WORKSPACE")
	if ws == "" || filepath.IsAbs(rel) {
		return rel
	}
	if r, err := filepath.Rel(ws, filepath.Join(root, rel)); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return rel
}

// probeEnv is what the probes see of the environment.
func probeEnv(env *cli.Env, root string) *toolchain.Env {
	return &toolchain.Env{Root: root, Getenv: env.Env, Environ: os.Environ}
}

// fileFailure gives a pin file or workflow that could not be read its
// hint; other errors pass through.
func fileFailure(err error) error {
	var fe *toolchain.FileError
	if !errors.As(err, &fe) {
		return err
	}
	e := cli.Failf("%s", fe)
	if fe.Workflow {
		return e.WithHint("make %s a readable workflow file, or remove it (or name the files to lint: 'git toolchain lint-ci FILE…')", fe.File)
	}
	return e.WithHint("make %s a file that pins the version, or remove it", fe.File)
}
