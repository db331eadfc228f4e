package release

import (
	"context"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// Notes returns the release notes of version (X.Y.Z or vX.Y.Z; "" is the
// current version): the tag message without its "## [X.Y.Z] - date"
// heading.
func Notes(ctx context.Context, r *gitrepo.Repo, version string) (string, error) {
	tag := ""
	if version == "" {
		_, t, err := CurrentVersion(ctx, r)
		if err != nil {
			return "", err
		}
		if t == "" {
			return "", refuse("cut one with git release", "no vX.Y.Z release tag in HEAD's history")
		}
		tag = t
	} else {
		v, err := ParseVersion(version)
		if err != nil {
			return "", &Error{Usage: true, Msg: err.Error(), Hint: "give a version as X.Y.Z or vX.Y.Z"}
		}
		tag = v.Tag()
	}
	t, ok, err := r.LookupTag(ctx, tag)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", refuse("list the release tags with git tag --list 'v*'", "no tag %s", tag)
	}
	if !t.Annotated || strings.TrimSpace(t.Message) == "" {
		return "", refuse("git release makes annotated tags whose message is the changelog section", "tag %s has no message", tag)
	}
	msg := strings.TrimLeft(t.Message, "\n")
	if first, rest, _ := strings.Cut(msg, "\n"); strings.HasPrefix(first, "## ") {
		msg = strings.TrimLeft(rest, "\n")
	}
	msg = strings.TrimRight(msg, "\n") + "\n"
	return msg, nil
}
