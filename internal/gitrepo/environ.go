package gitrepo

import (
	"path/filepath"
	"strings"
)

// locationVars are the variables naming a repository's files that git
// reads relative to its working directory.
var locationVars = []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY"}

// AbsEnv returns environ with the repository's location variables
// made absolute against dir, the directory they were given in: a process
// started in another directory (the top of the work tree) finds the
// repository its caller was in, not one relative to where it runs.
func AbsEnv(environ []string, dir string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		for _, name := range locationVars {
			if ok && k == name && v != "" && !filepath.IsAbs(v) {
				kv = k + "=" + filepath.Join(dir, v)
			}
		}
		out = append(out, kv)
	}
	return out
}
