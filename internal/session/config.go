package session

import (
	"errors"
	"path"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// RecordsDir is the sessions directory of the repository, relative to its
// root with forward slashes: `[session] dir` of toolchain.toml, else
// layer/sessions.
func RecordsDir(repo *gitrepo.Repo) (string, error) {
	dir := config.DefaultSessionDir
	if repo.Root != "" {
		f, err := config.Load(repo.Root)
		switch {
		case errors.Is(err, config.ErrNotFound):
		case err != nil:
			return "", err
		default:
			dir = f.Session.Dir
		}
	}
	return strings.TrimSuffix(path.Clean(strings.ReplaceAll(dir, "\\", "/")), "/"), nil
}

// isRecordPath reports whether p (slash-separated, repository-relative) is
// a record: a .md file directly inside dir.
func isRecordPath(dir, p string) bool {
	d, f := path.Split(p)
	return strings.TrimSuffix(d, "/") == dir && strings.HasSuffix(f, ".md")
}
