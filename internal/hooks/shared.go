package hooks

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// SharedDir is a hooks directory that core.hooksPath in the global or
// system config names: every repository without a core.hooksPath of its
// own runs the hooks there, so install installs them for all of those, and
// uninstall in any of them removes them for all.
type SharedDir struct {
	Dir   string
	Scope string // "global" or "system"
	File  string // the config file that sets it
}

func (s *SharedDir) String() string {
	return fmt.Sprintf("core.hooksPath comes from the %s git config (%s): the hooks folder %s is shared by every repository that uses it", s.Scope, s.File, s.Dir)
}

// Shared returns the hooks directory when a config outside the repository
// names it, nil otherwise. A relative core.hooksPath there (.githooks) is
// each repository's own folder: git runs hooks from the top of the
// worktree.
func Shared(ctx context.Context, r *gitrepo.Repo) *SharedDir {
	src, ok := r.FileConfigSourceOf(ctx, "core.hooksPath")
	if !ok || (src.Scope != "global" && src.Scope != "system") {
		return nil
	}
	if !filepath.IsAbs(src.Value) && !strings.HasPrefix(src.Value, "~") {
		return nil
	}
	dir, err := Dir(ctx, r)
	if err != nil {
		return nil
	}
	return &SharedDir{Dir: dir, Scope: src.Scope, File: src.File()}
}

// OverrideDir is the hooks folder that git run in this environment uses
// instead of Dir: core.hooksPath given on its command line or in the
// environment (git -c exports it to what git runs as
// GIT_CONFIG_PARAMETERS). The shims in Dir do not run for it.
type OverrideDir struct {
	Dir        string
	Configured string   // Dir, the folder install uses
	Vars       []string // the variables that carry it
}

func (o *OverrideDir) String() string {
	return fmt.Sprintf("git run in this environment runs hooks from %s (core.hooksPath given by %s), not from %s where verdigris's shims are: its commits and pushes skip them", o.Dir, strings.Join(o.Vars, " or "), o.Configured)
}

// Hint says how to have verdigris's hooks run.
func (o *OverrideDir) Hint() string {
	if hooksOff(o.Dir) {
		// /dev/null turns hooks off: as the repository's, it would too.
		return fmt.Sprintf("unset %s where git should run verdigris's hooks: %s is not a folder, so that git runs no hooks", strings.Join(o.Vars, " and "), o.Dir)
	}
	return fmt.Sprintf("unset %s where git should run verdigris's hooks, or make that folder the repository's (git config core.hooksPath %s) and run 'verdigris install'", strings.Join(o.Vars, " and "), o.Dir)
}

// Override returns the folder git run in this environment (getenv) runs
// hooks from when that is not Dir, nil otherwise.
func Override(ctx context.Context, r *gitrepo.Repo, getenv func(string) string) *OverrideDir {
	src, ok := r.ConfigSourceOf(ctx, "core.hooksPath")
	if !ok || src.Scope != "command" {
		return nil
	}
	here, err := r.HooksDir(ctx)
	if err != nil {
		return nil
	}
	dir, err := Dir(ctx, r)
	if err != nil || sameFolder(here, dir) {
		return nil
	}
	o := &OverrideDir{Dir: here, Configured: dir}
	for _, v := range []string{"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"} {
		if getenv(v) != "" {
			o.Vars = append(o.Vars, v)
		}
	}
	if len(o.Vars) == 0 {
		o.Vars = []string{"GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT"}
	}
	return o
}
