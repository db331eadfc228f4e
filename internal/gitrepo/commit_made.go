package gitrepo

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
)

// summaryArgs start a 'git commit' whose summary line names the commit it
// made in full ("[main 0123…] subject"; the hash abbreviated to 40 digits
// at least, which every git accepts, and resolved after). HEAD read after
// the commit is not that commit when another process commits at once (a
// post-commit hook, a loop of commits beside 'git session end'): a tag
// meant for the commit went on someone else's.
var summaryArgs = []string{"-c", "core.abbrev=40", "commit"}

// summaryLine is the summary's first line: the branch (no spaces in a ref
// name; "detached HEAD", "(root-commit)" before the hash), the hash, "]".
var summaryLine = regexp.MustCompile(`(?m)^\[.* ([0-9a-f]{40,64})\] `)

// madeCommit is the full hash of the commit whose summary 'git commit'
// printed on out.
func (r *Repo) madeCommit(ctx context.Context, args []string, out []byte) (string, error) {
	m := summaryLine.FindSubmatch(out)
	if m == nil {
		return "", &Error{Args: args, Err: fmt.Errorf("no commit named in its output: %q", firstLine(out))}
	}
	return r.ResolveCommit(ctx, string(m[1]))
}

func firstLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
