package gitrepo

import (
	"slices"
	"testing"
)

// git scry index --background with GIT_DIR=repo/.git GIT_WORK_TREE=repo
// started its run in the work tree, which read them from there.
func TestAbsEnvAnchorsRelativeRepositoryVariables(t *testing.T) {
	got := AbsEnv([]string{"GIT_DIR=repo/.git", "GIT_WORK_TREE=repo", "GIT_COMMON_DIR=/abs/common", "GIT_OBJECT_DIRECTORY=", "HOME=home", "PATH=/bin"}, "/caller")
	want := []string{"GIT_DIR=/caller/repo/.git", "GIT_WORK_TREE=/caller/repo", "GIT_COMMON_DIR=/abs/common", "GIT_OBJECT_DIRECTORY=", "HOME=home", "PATH=/bin"}
	if !slices.Equal(got, want) {
		t.Fatalf("AbsEnv = %q, want %q", got, want)
	}
}
