package release

import (
	"regexp"
	"slices"
	"strings"
)

var (
	// revertBodyRE is the line git revert writes in the body: "This
	// reverts commit <sha>." (", reversing changes made to …" for a
	// merge), or with --reference an abbreviated sha followed by the
	// subject and date.
	revertBodyRE = regexp.MustCompile(`(?m)^This reverts commit ([0-9a-f]{7,64})\b`)
	// gitRevertSubjectRE is git revert's default subject: Revert "…", and
	// from git 2.43 Reapply "…" for the revert of a revert.
	gitRevertSubjectRE = regexp.MustCompile(`^(Revert|Reapply) "(.*)"$`)
	// revertMainlineRE is the parent a revert of a merge kept (git revert
	// -m N): the changes reverted are the merge's over it.
	revertMainlineRE = regexp.MustCompile(`(?m)^This reverts commit [0-9a-f]{7,64}, reversing\s+changes made to ([0-9a-f]{7,64})\b`)
)

// parseGitRevert reads git revert's default subject into c, which is not a
// conventional commit: an odd number of reverts (Reapply counting two) is
// a revert, listed as git wrote it; an even number puts the original
// change back, and is read as the innermost subject.
func parseGitRevert(c *Change, subject string) {
	reverts, inner := 0, subject
	for {
		m := gitRevertSubjectRE.FindStringSubmatch(inner)
		if m == nil {
			break
		}
		reverts++
		if m[1] == "Reapply" {
			reverts++
		}
		inner = m[2]
	}
	switch {
	case reverts == 0:
	case reverts%2 == 1:
		c.Type = "revert"
	default:
		orig := ParseChange(c.Hash, inner, "")
		c.Type, c.Scope, c.Summary, c.Breaking = orig.Type, orig.Scope, orig.Summary, orig.Breaking
	}
}

// dropReverted marks the commits a release does not ship: a commit
// reverted by a later one of the same release, and every revert whose
// reverted commit is in it (oldest first; the commits of one release).
// The revert of a revert puts the original back: along a chain of
// reverts (matched on the sha git revert writes in the body, not on
// subjects) the original is shipped when the last revert of the chain
// reverted a revert. A revert of a commit released before stays: it is
// this release's change. Reverts naming an abbreviated sha get the full
// one of the commit it names.
func dropReverted(changes []Change) {
	full := func(sha string) (int, bool) {
		found := -1
		for i, c := range changes {
			if strings.HasPrefix(c.Hash, sha) {
				if found >= 0 {
					return 0, false // ambiguous: left as it is
				}
				found = i
			}
		}
		return found, found >= 0
	}
	target := make([]int, len(changes))
	for i := range changes {
		target[i] = -1
		if changes[i].Reverts == "" {
			continue
		}
		if j, ok := full(changes[i].Reverts); ok && j != i {
			target[i], changes[i].Reverts = j, changes[j].Hash
		}
	}
	// root is the first commit of i's chain and how many reverts lead
	// from it to i.
	root := func(i int) (int, int) {
		depth := 0
		for target[i] >= 0 && depth <= len(changes) {
			i, depth = target[i], depth+1
		}
		return i, depth
	}
	shipped := map[int]bool{}
	for i := range changes {
		if target[i] < 0 {
			continue
		}
		changes[i].Dropped = true
		r, depth := root(i)
		shipped[r] = depth%2 == 0
	}
	for r, ok := range shipped {
		changes[r].Dropped = !ok
	}
}

// dropRevertedMerges is dropReverted where a revert may name a merge of
// the release (git revert -m): merges are no changes of their own, so the
// merge stands for the commits it brought into the release (those of its
// other parents not reachable from the parent the revert kept, mainline
// by the revert's body, else the first). Reverted, they are dropped with
// the revert; a revert of that revert ships them again. A merge released
// before is not in h: its revert stays, as any revert of an earlier
// release. mainline: by revert commit, the parent its body names.
func dropRevertedMerges(changes []Change, h *history, mainline map[string]string) []Change {
	known := func(sha string) bool {
		return slices.ContainsFunc(changes, func(c Change) bool { return strings.HasPrefix(c.Hash, sha) })
	}
	var brought [][]string
	all := slices.Clip(changes)
	for _, c := range changes {
		if c.Reverts == "" || known(c.Reverts) {
			continue
		}
		m, ok := h.unique(c.Reverts)
		if !ok || len(h.parents[m]) < 2 || slices.ContainsFunc(all[len(changes):], func(p Change) bool { return p.Hash == m }) {
			continue
		}
		kept := h.parents[m][0]
		if want := mainline[c.Hash]; want != "" {
			for _, p := range h.parents[m] {
				if strings.HasPrefix(p, want) {
					kept = p
				}
			}
		}
		all = append(all, Change{Hash: m})
		brought = append(brought, h.brought(m, kept))
	}
	dropReverted(all)
	out := all[:len(changes)]
	for i, m := range all[len(changes):] {
		if !m.Dropped {
			continue
		}
		for j := range out {
			if slices.Contains(brought[i], out[j].Hash) {
				out[j].Dropped = true
			}
		}
	}
	return out
}
