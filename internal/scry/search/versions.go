package search

import (
	"context"
	"slices"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// pinVersions puts first the hits that hold a version number the query
// names ("when did we ship 1.7.17", "v2.0.0"): a version is a name, as a
// sha is, and the semantic list knows nothing of it (its terms are
// lexical only), so at twice the lexical list's weight it ranked what the
// query's other words mean above the release. The holders keep their
// fused order among themselves, and those fusion left out follow them in
// the lexical order of the version terms alone; their scores are raised
// above every other hit's, so that scores still fall down the list. A
// query without a version, or whose versions no commit holds, is left as
// fused.
func (s *Searcher) pinVersions(ctx context.Context, query string, ranked []scored, allow *idSet, n int) ([]scored, error) {
	versions := text.Versions(query)
	if len(versions) == 0 {
		return ranked, nil
	}
	holders, _, err := s.lexical(ctx, versions, nil, allow, n)
	if err != nil || len(holders) == 0 {
		return ranked, err
	}
	return pinFirst(ranked, holders), nil
}

// pinFirst puts the holders first: those in ranked in its order, then
// the others in theirs, scored above the rest with scores that still
// fall down the list.
func pinFirst(ranked, holders []scored) []scored {
	held := make(map[int64]bool, len(holders))
	for _, h := range holders {
		held[h.id] = true
	}
	var pinned, rest []scored
	inRanked := map[int64]bool{}
	for _, h := range ranked {
		inRanked[h.id] = true
		if held[h.id] {
			pinned = append(pinned, h)
		} else {
			rest = append(rest, h)
		}
	}
	for _, h := range holders {
		if !inRanked[h.id] {
			pinned = append(pinned, scored{id: h.id})
		}
	}
	// With no other hit, a holder no list found (a pasted hash, as a
	// rule) scores a plain 1, not a hair above nothing ("1e-09").
	top := 1.0
	if len(rest) > 0 {
		top = rest[0].score
	}
	// Above the best other hit, in the order they are in; the last of
	// them a hair above it.
	out := make([]scored, 0, len(pinned)+len(rest))
	for i, h := range pinned {
		h.score = top + float64(len(pinned)-i)*1e-9 + max(h.score, 0)
		out = append(out, h)
	}
	for i := 1; i < len(out); i++ {
		if out[i].score > out[i-1].score {
			out[i].score = out[i-1].score - 1e-9
		}
	}
	return append(out, rest...)
}

// pinCommit puts first the commit a query that is one hash names ("git
// scry 3b17249", pasted from a log or a review): its hex is no word of
// any commit, so no list finds it. The lists' hits follow. A prefix that
// no indexed commit has, or several, or one of a commit a filter leaves
// out, changes nothing.
func (s *Searcher) pinCommit(ctx context.Context, query string, ranked []scored, allow *idSet) ([]scored, error) {
	prefix := hashPrefix(query)
	if prefix == "" {
		return ranked, nil
	}
	found, err := s.st.WithPrefix(ctx, prefix)
	if err != nil || len(found) != 1 || allow.blocks(found[0].ID) {
		return ranked, err
	}
	return pinFirst(ranked, []scored{{id: found[0].ID}}), nil
}

// hashPrefix is a query that is one hex word of 7 (git's shortest
// abbreviation) to 64 (a SHA-256 hash) characters, lower-cased; "" for
// any other.
func hashPrefix(query string) string {
	q := strings.TrimSpace(query)
	if len(q) < 7 || len(q) > 64 {
		return ""
	}
	q = strings.ToLower(q)
	for i := range len(q) {
		if c := q[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return ""
		}
	}
	return q
}

// pinName puts first the commits holding the closed form of a query that
// is one hyphenated word and nothing else ("go-git", "pre-commit"): such a
// query names a thing, as a version does, and the semantic list knows
// only its parts ("go", "git"), which at twice the lexical list's weight
// ranked any commit saying both above the ones about go-git. A question
// that only uses a hyphenated word ("kill a long-running command") is
// ranked as fused: pinning its holders cost the paraphrased sets
// (docs/benchmarks.md).
func (s *Searcher) pinName(ctx context.Context, query string, ranked []scored, allow *idSet, n int) ([]scored, error) {
	name := bareCompound(query)
	if name == "" {
		return ranked, nil
	}
	holders, _, err := s.lexical(ctx, []string{text.Stem(name)}, nil, allow, n)
	if err != nil || len(holders) == 0 {
		return ranked, err
	}
	return pinFirst(ranked, holders), nil
}

// bareCompound is the hyphenated word a query consists of, stop words
// aside, or "" when it says anything else.
func bareCompound(query string) string {
	words := text.Words(query)
	name := ""
	for _, w := range words {
		if text.Compound(w) {
			if name != "" && name != w {
				return ""
			}
			name = w
		}
	}
	if name == "" {
		return ""
	}
	parts := strings.Split(name, "-")
	for _, w := range words {
		if w != name && !slices.Contains(parts, w) && len(w) > 1 && !text.IsStopWord(w) {
			return ""
		}
	}
	return name
}
