package gitrepo

import (
	"os"
	"path/filepath"
	"strings"
)

// locationVars are the variables naming a repository's files. git reads
// them relative to the folder it was run in (GIT_COMMON_DIR,
// GIT_INDEX_FILE and GIT_OBJECT_DIRECTORY relative to the top of the
// work tree when it was run below it, where git goes), and the git
// processes a Repo starts run elsewhere: in the top of the work tree, or
// the git directory.
var locationVars = []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"}

// relativeVars returns the location variables environ gives relative.
func relativeVars(environ []string) []string {
	var rel []string
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if isLocationVar(k) && v != "" && !filepath.IsAbs(v) {
			rel = append(rel, k)
		}
	}
	return rel
}

func isLocationVar(k string) bool {
	for _, name := range locationVars {
		if k == name {
			return true
		}
	}
	return false
}

// absEnv returns the location variables environ gives relative, made
// absolute against dir, the folder they were given in: for when git
// cannot say how it reads them there.
func absEnv(environ []string, dir string) []string {
	var out []string
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if isLocationVar(k) && v != "" && !filepath.IsAbs(v) {
			out = append(out, k+"="+filepath.Join(dir, v))
		}
	}
	return out
}

// withVars returns environ with the variables of vars ("K=V") set to
// their values there, replacing those environ has.
func withVars(environ, vars []string) []string {
	if len(vars) == 0 {
		return environ
	}
	set := map[string]bool{}
	for _, kv := range vars {
		k, _, _ := strings.Cut(kv, "=")
		set[k] = true
	}
	out := make([]string, 0, len(environ)+len(vars))
	for _, kv := range environ {
		if k, _, _ := strings.Cut(kv, "="); !set[k] {
			out = append(out, kv)
		}
	}
	return append(out, vars...)
}

// Environ is the environment of a process started in Dir that is to
// find this repository (git, or a verdigris binary run in the
// background): the process's, with the location variables given relative
// (git --git-dir=../.dotfiles --work-tree=.. from a folder below $HOME)
// absolute, as git run where they were given reads them.
func (r *Repo) Environ() []string {
	return withVars(os.Environ(), r.env)
}
