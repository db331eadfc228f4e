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
	src, ok := r.ConfigSourceOf(ctx, "core.hooksPath")
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
