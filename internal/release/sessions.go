package release

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// sessionTagRE reads a session tag name: session-<id>[-<agent>]-start|end,
// the id being YYYYMMDD-HHMMSS.
var sessionTagRE = regexp.MustCompile(`^session-(\d{8}-\d{6})((?:-.+)?)-(start|end)$`)

// openedByMarkerRE finds the commit-message markers that open a session:
// a Session-Start trailer or a "session: start" subject. A session opened
// that way is tagged on the marker commit itself, which is then part of it;
// a session started from the command line is tagged on the commit before
// its first one.
var openedByMarkerRE = regexp.MustCompile(`(?im)(^session-start:)|(\Asession: *start\b)`)

type sessionTags struct {
	id         string
	start, end string // tag names; end is "" while the session is open
}

// SessionsOf says which sessions each commit of a release belongs to.
//
// A commit C is in session S when S's end tag reaches C and S's start
// tag's commit does not, where the start commit itself also counts when
// its own message opened the session (a Session-Start marker). A session
// without an end tag is open: HEAD is its end. Only sessions whose start
// tag HEAD reaches and whose end the previous release tag does not reach
// can hold commits of this release, so the others are never walked. The
// result maps a commit hash to session ids, sorted.
func SessionsOf(ctx context.Context, r *gitrepo.Repo, prevTag string, commits map[string]bool) (map[string][]string, error) {
	all, err := r.Tags(ctx, "session-")
	if err != nil {
		return nil, err
	}
	reached, err := tagSet(ctx, r, "HEAD")
	if err != nil {
		return nil, err
	}
	inPrev := map[string]bool{}
	if prevTag != "" {
		if inPrev, err = tagSet(ctx, r, prevTag); err != nil {
			return nil, err
		}
	}
	sessions := map[string]*sessionTags{}
	for _, t := range all {
		m := sessionTagRE.FindStringSubmatch(t.Name)
		if m == nil {
			continue
		}
		key := m[1] + m[2]
		s := sessions[key]
		if s == nil {
			s = &sessionTags{id: m[1]}
			sessions[key] = s
		}
		if m[3] == "start" {
			s.start = t.Name
		} else {
			s.end = t.Name
		}
	}
	keys := make([]string, 0, len(sessions))
	for k := range sessions {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := map[string][]string{}
	for _, k := range keys {
		s := sessions[k]
		if s.start == "" || !reached[s.start] {
			// A session that began outside HEAD's history holds none of
			// its commits; one with no start tag cannot be bounded and is
			// left out rather than guessed at.
			continue
		}
		end := s.end
		if end == "" {
			end = "HEAD"
		} else if inPrev[end] {
			continue // finished before the previous release
		}
		args := []string{end, "^" + s.start}
		if prevTag != "" {
			args = append(args, "^"+prevTag)
		}
		members, err := r.RevList(ctx, args...)
		if err != nil {
			return nil, err
		}
		start, err := r.Commit(ctx, s.start)
		if err != nil {
			return nil, err
		}
		if openedByMarkerRE.MatchString(strings.TrimLeft(start.Message, "\n")) {
			members = append(members, start.Hash)
		}
		for _, h := range members {
			if commits[h] && !slices.Contains(out[h], s.id) {
				out[h] = append(out[h], s.id)
			}
		}
	}
	for h := range out {
		sort.Strings(out[h])
	}
	return out, nil
}

// tagSet is the set of session tags rev reaches.
func tagSet(ctx context.Context, r *gitrepo.Repo, rev string) (map[string]bool, error) {
	names, err := r.TagsMerged(ctx, rev, "session-*")
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[n] = true
	}
	return set, err
}
