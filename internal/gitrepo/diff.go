package gitrepo

import (
	"context"
	"strings"
)

// AddedLine is one line a commit (or the index) adds to a file.
type AddedLine struct {
	Commit string // "" for staged changes
	Path   string
	Line   int // line number in the new file
	Text   []byte
}

// RevList lists the commits git rev-list selects with args.
func (r *Repo) RevList(ctx context.Context, args ...string) ([]string, error) {
	out, err := r.Git(ctx, append([]string{"rev-list"}, args...)...)
	if err != nil || out == "" {
		return nil, err
	}
	return strings.Split(out, "\n"), nil
}

// UnresolvedRangeEnd returns an end of the range A..B (or A...B) that
// names nothing here, "" when both name something; an end left out is
// HEAD, as git reads it. An end is resolved as a name, not walked: a
// full hash of a commit this clone lacks resolves, and the walk fails on
// it as on any missing object. An end starting with "-" is taken as a
// revision, never an option, and so names nothing.
func (r *Repo) UnresolvedRangeEnd(ctx context.Context, rng string) string {
	a, b, _ := RangeEnds(rng)
	for _, name := range []string{a, b} {
		if _, err := r.Git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", name); err != nil {
			return name
		}
	}
	return ""
}

// RangeEnds splits the range A..B (or A...B: op is "..." then) into its
// ends, an end left out being HEAD, as git reads it.
func RangeEnds(rng string) (a, b, op string) {
	op = "..."
	a, b, ok := strings.Cut(rng, op)
	if !ok {
		op = ".."
		a, b, _ = strings.Cut(rng, op)
	}
	if a == "" {
		a = "HEAD"
	}
	if b == "" {
		b = "HEAD"
	}
	return a, b, op
}

// IsZeroID reports whether rev is the all-zero id (40 zeros, or 64 in a
// SHA-256 repository), which names no object: what git gives a pre-push
// hook (and GitHub a push event) for the side of a ref that does not
// exist, a new branch's remote commit or a deleted branch's local one,
// and what a raw diff (--no-abbrev) gives for the side of a file that
// does not exist. A full one resolves as any full hash does, and git
// then fails on it as on a missing object. Only the full length is the
// id: git reads a shorter run of zeros as an abbreviated hash, which
// names nothing.
func IsZeroID(rev string) bool { return isHash(rev) && strings.Trim(rev, "0") == "" }

// ObjectMissing reports whether rev, a name that resolves (a full hash
// resolves without its object: UnresolvedRangeEnd), names an object this
// repository does not have.
func (r *Repo) ObjectMissing(ctx context.Context, rev string) bool {
	if strings.HasPrefix(rev, ":/") {
		return false // a commit found by its message is one that is here
	}
	_, err := r.Git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{object}")
	return err != nil
}

// HasObject reports whether the object named by hash is in the repository.
func (r *Repo) HasObject(ctx context.Context, hash string) bool {
	_, err := r.Git(ctx, "cat-file", "-e", hash+"^{commit}")
	return err == nil
}

// EachAddedLine streams the lines added by commits (their own diffs
// against their first parent; merges add nothing of their own), or by the
// index against HEAD when commits is nil. Renamed files add only the
// lines they changed; binary files are skipped; a gitlink's change is its
// one "Subproject commit" line. The Text slice is only valid during fn.
// It reads the patch as the index does (DiffCommits, DiffStaged): one
// parser of git's diffs.
func (r *Repo) EachAddedLine(ctx context.Context, commits []string, fn func(*AddedLine)) error {
	al := &AddedLine{}
	opt := DiffOptions{Patch: true, Renames: true, OnAdded: func(c *CommitDiff, file, line int, text []byte) {
		al.Commit, al.Path, al.Line, al.Text = c.Hash, c.Files[file].Path, line, text
		fn(al)
	}}
	done := func(*CommitDiff) error { return nil }
	if commits == nil {
		return r.DiffStaged(ctx, opt, done)
	}
	return r.DiffCommits(ctx, commits, opt, done)
}
