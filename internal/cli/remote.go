package cli

import (
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// PushURLCommand is command, a git command line with the word URL where
// the repository goes, as a hint gives it for where git push sends
// remote's pushes: with the remote's name when it has no push URL of its
// own (pushURLs is 0, as gitrepo's PushURLs says); else git ls-remote NAME
// or git pull NAME would ask its fetch URL, another repository, so with the
// push URL, named through 'git remote get-url --push' and never printed (a
// URL may hold credentials). With several push URLs, each is to be asked:
// command keeps the word URL and each says so (" for each URL ... prints"),
// to follow the command where the hint quotes it.
func PushURLCommand(command, remote string, pushURLs int) (cmd, each string) {
	switch pushURLs {
	case 0:
		return strings.Replace(command, "URL", ShellWord(remote), 1), ""
	case 1:
		return strings.Replace(command, "URL", `"$(git remote get-url --push `+ShellWord(remote)+`)"`, 1), ""
	}
	return command, " for each URL that 'git remote get-url --push --all " + ShellWord(remote) + "' prints"
}

// DisagreeHint is the hint for push URLs that have a tag on different
// commits: no retry mends that, one of them has the wrong tag. pushURLs
// is how many there are.
func DisagreeHint(e *gitrepo.PushURLsDisagreeError, pushURLs int) string {
	tag := "TAG"
	if len(e.Tags) == 1 {
		tag = e.Tags[0]
	}
	ls, each := PushURLCommand("git ls-remote URL refs/tags/"+tag, e.Remote, pushURLs)
	del, _ := PushURLCommand("git push URL :refs/tags/"+tag, e.Remote, pushURLs)
	return "tags are never moved: see which commit is right with '" + ls + "'" + each + ", and delete the wrong one there (" + del + ")"
}
