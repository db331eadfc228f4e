package vault

import (
	"bytes"
	"context"
	"fmt"
	"path"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// A union merge keeps both sides of every hunk in which the two
// branches' changes touch: a secret changed on one branch only comes out
// with its old line beside its new one when the other branch added a
// secret on the next line (and so does one after git stash pop). Which
// line replaced which is not in the file but in history: the commit that
// introduced a line, and what that secret's line was in its first
// parent. A value is only ever read on that proof; without it (a line in
// no commit, a shallow clone, a squash merge) the secret stays a
// conflict, as one both branches changed is.

// mergeVerdict is what history says of a secret with more than one line
// that counts.
type mergeVerdict struct {
	winner   *Entry // the line that replaced all the others; nil: a conflict
	replaced int    // how many lines it replaced
	// uncommitted: a line is in no commit, so history cannot tell.
	uncommitted bool
	// shallow: the clone is shallow, and deeper history might tell.
	shallow bool
}

// lineOrigin is what history says of one line of the secrets file.
type lineOrigin struct {
	// replaced are the lines of the same secret that the commits that
	// introduced it replaced.
	replaced []string
	// committed: a commit introduced it.
	committed bool
	// parentless: a commit without a parent introduced it (a root
	// commit, or one at the edge of a shallow clone).
	parentless bool
}

// lineHistory is where lines' origins are looked up.
type lineHistory interface {
	origin(ctx context.Context, name, line string) (lineOrigin, error)
	shallow(ctx context.Context) bool
}

// maxHistoryLines bounds how many lines of one secret resolving it
// follows back through history (one git log each); a secret replaced
// more often since the lines parted stays a conflict.
const maxHistoryLines = 32

// newest is the index of the one line of lines (distinct lines of one
// secret) that history proves replaced every other, directly or through
// lines since replaced, or -1: when none does, or when more than one does
// (a revert reintroduces a line that a later one replaced), or when one
// of lines is in no commit, which uncommitted reports; parentless, a line
// followed that a commit without a parent introduced.
func newest(ctx context.Context, lines []string, origin func(line string) (lineOrigin, error)) (winner int, uncommitted, parentless bool) {
	seen := map[string]*lineOrigin{}
	complete := true
	visit := func(l string) *lineOrigin {
		if n, ok := seen[l]; ok {
			return n
		}
		if len(seen) >= maxHistoryLines || ctx.Err() != nil {
			complete = false
			return &lineOrigin{}
		}
		o, err := origin(l)
		if err != nil {
			// No proof; and a graph with an edge missing could
			// show one line newest where all of it shows two.
			complete = false
			o = lineOrigin{}
		}
		parentless = parentless || o.parentless
		seen[l] = &o
		return &o
	}
	winner = -1
	candidates := 0
	for i, l := range lines {
		if !visit(l).committed {
			uncommitted = true
		}
		reach := map[string]bool{}
		queue := []string{l}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for _, r := range visit(cur).replaced {
				if !reach[r] {
					reach[r] = true
					queue = append(queue, r)
				}
			}
		}
		all := true
		for j, o := range lines {
			if j != i && !reach[o] {
				all = false
			}
		}
		if all {
			winner = i
			candidates++
		}
	}
	// A line in no commit has no history to be placed in, whatever the
	// others' says.
	if candidates != 1 || !complete || uncommitted {
		return -1, uncommitted, parentless
	}
	return winner, uncommitted, parentless
}

// resolveMerges looks in history for the secrets that have more than one
// line that counts, and only for those: a vault without any makes no
// git call. open gives the history to look in.
func (v *Vault) resolveMerges(ctx context.Context, open func() (lineHistory, error)) error {
	v.merged = nil
	var h lineHistory
	seen := map[string]bool{}
	for _, e := range v.Secrets.Entries {
		if seen[e.Name] {
			continue
		}
		seen[e.Name] = true
		es := v.lines(e.Name)
		if len(es) < 2 {
			continue
		}
		if h == nil {
			var err error
			if h, err = open(); err != nil {
				h = noHistory{}
			}
		}
		lines := make([]string, len(es))
		for i, e := range es {
			lines[i] = e.line()
		}
		name := e.Name
		w, unc, cut := newest(ctx, lines, func(l string) (lineOrigin, error) { return h.origin(ctx, name, l) })
		if err := ctx.Err(); err != nil {
			v.merged = nil
			return err
		}
		verdict := &mergeVerdict{uncommitted: unc}
		if w >= 0 {
			verdict.winner, verdict.replaced = &es[w], len(es)-1
		} else if !unc && cut {
			verdict.shallow = h.shallow(ctx)
		}
		if v.merged == nil {
			v.merged = map[string]*mergeVerdict{}
		}
		v.merged[e.Name] = verdict
	}
	return nil
}

// noHistory is no repository to look in: nothing is proved.
type noHistory struct{}

func (noHistory) origin(context.Context, string, string) (lineOrigin, error) {
	return lineOrigin{}, nil
}
func (noHistory) shallow(context.Context) bool { return false }

// gitHistory is the history of the vault's secrets file in the
// repository of the worktree root.
type gitHistory struct {
	r    *gitrepo.Repo
	path string // the secrets file, relative to the worktree root
}

func openGitHistory(ctx context.Context, root string) func() (lineHistory, error) {
	return func() (lineHistory, error) {
		r, err := gitrepo.Open(ctx, root)
		if err != nil {
			return nil, err
		}
		return &gitHistory{r: r, path: path.Join(Dir, SecretsName)}, nil
	}
}

// pickaxeLen is how much of a value git log -S looks for: its start is
// the random nonce, which no other line shares, and all of a value (up
// to 1.4 MB) would not fit in one argument. Lines are compared whole
// afterwards.
const pickaxeLen = 64

func (g *gitHistory) origin(ctx context.Context, name, line string) (lineOrigin, error) {
	var o lineOrigin
	value, ok := valueString(line)
	if !ok {
		return o, fmt.Errorf("not a secrets line")
	}
	// The value string is ciphertext, public: nothing secret reaches argv.
	commits, err := g.r.Pickaxe(ctx, value[:min(len(value), pickaxeLen)], g.path)
	if err != nil {
		return o, err
	}
	for _, c := range commits {
		after, _, err := g.r.FileAt(ctx, c.Hash, g.path)
		if err != nil {
			return o, err
		}
		var before []byte
		if c.Parent != "" {
			if before, _, err = g.r.FileAt(ctx, c.Parent, g.path); err != nil {
				return o, err
			}
		}
		after, before = lf(after), lf(before)
		if countLine(after, line) <= countLine(before, line) {
			continue // a commit that removed it
		}
		o.committed = true
		o.parentless = o.parentless || c.Parent == ""
		// What this commit replaced: the secret's lines in its parent
		// that it no longer has.
		for _, l := range bytes.Split(before, []byte{'\n'}) {
			if bytes.HasPrefix(l, []byte(name+" = ")) && countLine(after, string(l)) == 0 {
				o.replaced = append(o.replaced, string(l))
			}
		}
	}
	return o, nil
}

func (g *gitHistory) shallow(ctx context.Context) bool { return g.r.IsShallow(ctx) }

// lf reads a committed file as readVaultFile reads the worktree's.
func lf(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }

// countLine counts the lines of data that are line.
func countLine(data []byte, line string) int {
	n := 0
	for _, l := range bytes.Split(data, []byte{'\n'}) {
		if string(l) == line {
			n++
		}
	}
	return n
}

// valueString is a secrets line's value string (v1:GEN:…).
func valueString(line string) (string, bool) {
	m := entryRE.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	return "v1:" + m[3] + ":" + m[4], true
}
