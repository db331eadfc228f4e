package release

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/session"
)

// sessionTagRE reads a session tag name: session-<id>[-<agent>]-start|end,
// the id being YYYYMMDD-HHMMSS.
var sessionTagRE = regexp.MustCompile(`^session-(\d{8}-\d{6})((?:-.+)?)-(start|end)$`)

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
// result maps a commit hash to session ids, sorted; commits maps the
// release's commits to their messages.
func SessionsOf(ctx context.Context, r *gitrepo.Repo, prevTag string, commits map[string]string) (map[string][]string, error) {
	h, err := loadHistory(ctx, r, prevTag)
	if err != nil {
		return nil, err
	}
	return sessionsOf(ctx, r, h, commits)
}

// history is the commits of a release (HEAD, not the previous release
// tag), merges included, with their parents: one git process, walked in
// memory however many sessions there are.
type history struct {
	prevTag string
	head    string
	parents map[string][]string
}

func loadHistory(ctx context.Context, r *gitrepo.Repo, prevTag string) (*history, error) {
	args := []string{"--parents", "HEAD"}
	if prevTag != "" {
		args = append(args, "^"+prevTag)
	}
	lines, err := r.RevList(ctx, args...)
	if err != nil {
		return nil, err
	}
	h := &history{prevTag: prevTag, parents: make(map[string][]string, len(lines))}
	for _, l := range lines {
		f := strings.Fields(l)
		h.parents[f[0]] = f[1:]
		if h.head == "" {
			h.head = f[0]
		}
	}
	return h, nil
}

func sessionsOf(ctx context.Context, r *gitrepo.Repo, h *history, commits map[string]string) (map[string][]string, error) {
	prevTag := h.prevTag
	commitOf, err := r.PeeledTags(ctx, "session-*")
	if err != nil || len(commitOf) == 0 {
		return nil, err
	}
	sessions := map[string]*sessionTags{}
	for name := range commitOf {
		m := sessionTagRE.FindStringSubmatch(name)
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
			s.start = name
		} else {
			s.end = name
		}
	}
	keys := make([]string, 0, len(sessions))
	for k := range sessions {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	graph, head := h.parents, h.head
	// Which session tags HEAD reaches, asked once and only if a tag lies
	// outside the release (an older session, or one on another branch).
	var reached map[string]bool
	reaches := func(tag string) (bool, error) {
		if _, ok := graph[commitOf[tag]]; ok {
			return true, nil
		}
		if reached == nil {
			if reached, err = tagSet(ctx, r, "HEAD"); err != nil {
				return false, err
			}
		}
		return reached[tag], nil
	}

	out := map[string][]string{}
	for _, k := range keys {
		s := sessions[k]
		if s.start == "" {
			continue // cannot be bounded: left out rather than guessed at
		}
		if ok, err := reaches(s.start); err != nil {
			return nil, err
		} else if !ok {
			continue // began outside HEAD's history
		}
		startCommit, end := commitOf[s.start], head
		if s.end != "" {
			end = commitOf[s.end]
		}
		var members []string
		if _, ok := graph[end]; ok {
			// Everything the start commit reaches in the release is not
			// the session's; what the end reaches, short of that, is.
			members = walk(graph, end, walk(graph, startCommit, nil))
		} else if ok, err := reaches(s.end); err != nil {
			return nil, err
		} else if ok {
			continue // HEAD reaches the end, the release does not: it ended before the previous release
		} else {
			// An end tag outside HEAD's history (the session went on on a
			// branch merged part-way): ask git.
			args := []string{end, "^" + startCommit}
			if prevTag != "" {
				args = append(args, "^"+prevTag)
			}
			if members, err = r.RevList(ctx, args...); err != nil {
				return nil, err
			}
		}
		if msg, ok := commits[startCommit]; ok && openedByMarker(msg) {
			members = append(members, startCommit)
		}
		for _, h := range members {
			if _, ok := commits[h]; ok && !slices.Contains(out[h], s.id) {
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

// walk returns the commits of graph (hash → parents) reachable from from
// without passing through stop; commits outside graph end the walk.
func walk(graph map[string][]string, from string, stop []string) []string {
	stopSet := make(map[string]bool, len(stop))
	for _, h := range stop {
		stopSet[h] = true
	}
	seen := map[string]bool{}
	var out []string
	todo := []string{from}
	for len(todo) > 0 {
		h := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		parents, ok := graph[h]
		if !ok || seen[h] || stopSet[h] {
			continue
		}
		seen[h] = true
		out = append(out, h)
		todo = append(todo, parents...)
	}
	return out
}

// openedByMarker says whether a commit message opens a session by its
// markers, read as git session reads them (a Session-Start trailer in
// git's trailer block, or a "session: start" subject; one quoted in the
// body opens nothing). A session opened that way is tagged on the marker
// commit itself, which is then part of it; a session started from the
// command line is tagged on the commit before its first one.
func openedByMarker(msg string) bool {
	return session.ParseMarkers(msg).Open != ""
}

// unique is the commit of the release whose hash starts with sha, when
// one does and no other.
func (h *history) unique(sha string) (string, bool) {
	found := ""
	for c := range h.parents {
		if strings.HasPrefix(c, sha) {
			if found != "" {
				return "", false
			}
			found = c
		}
	}
	return found, found != ""
}

// brought lists the commits of the release that merge brought in over
// its parent kept: reachable from merge, not from kept, merge left out.
func (h *history) brought(merge, kept string) []string {
	reach := func(from string) map[string]bool {
		seen := map[string]bool{}
		stack := []string{from}
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if _, ok := h.parents[c]; !ok || seen[c] {
				continue // outside the release, or seen
			}
			seen[c] = true
			stack = append(stack, h.parents[c]...)
		}
		return seen
	}
	old := reach(kept)
	var out []string
	for c := range reach(merge) {
		if c != merge && !old[c] {
			out = append(out, c)
		}
	}
	return out
}
