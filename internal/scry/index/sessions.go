package index

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Session tags are session-<id>-<agent>-start and -end; the id is
// YYYYMMDD-HHMMSS (UTC), with a numeric suffix when two sessions started
// in the same second.
var sessionName = regexp.MustCompile(`^(\d{8}-\d{6}(?:-\d{1,3})?)-(.+)$`)

// sessions maps commits to the working sessions whose tag range holds
// them: after the start tag's commit, up to the end tag's (up to HEAD
// while a session is open). Only sessions whose tags moved are recomputed.
func (ix *indexer) sessions(ctx context.Context, tips map[string]string) error {
	type pair struct{ start, end string }
	found := map[string]*pair{}
	for ref, commit := range tips {
		name, ok := strings.CutPrefix(ref, "refs/tags/session-")
		if !ok {
			continue
		}
		if base, ok := strings.CutSuffix(name, "-start"); ok {
			if found[base] == nil {
				found[base] = &pair{}
			}
			found[base].start = commit
		} else if base, ok := strings.CutSuffix(name, "-end"); ok {
			if found[base] == nil {
				found[base] = &pair{}
			}
			found[base].end = commit
		}
	}
	known, err := ix.st.Sessions(ctx)
	if err != nil {
		return err
	}
	want := map[string]store.Session{}
	for name, p := range found {
		m := sessionName.FindStringSubmatch(name)
		if p.start == "" || m == nil {
			continue
		}
		end := p.end
		if end == "" {
			end = tips["HEAD"]
		}
		if end == "" {
			continue
		}
		want[name] = store.Session{Name: name, ID: m[1], Agent: m[2], Start: p.start, End: end}
	}
	ix.res.Sessions = len(want)
	type update struct {
		s       store.Session
		commits []string
	}
	var updates []update
	for name, s := range want {
		if k, ok := known[name]; ok && k == s {
			continue
		}
		commits, err := ix.r.NonMergeCommits(ctx, []string{s.End}, []string{s.Start})
		// A damaged history gives the commits that can be read.
		var de *gitrepo.HistoryDamagedError
		if err != nil && !errors.As(err, &de) {
			return err
		}
		updates = append(updates, update{s, commits})
	}
	var drop []string
	for name := range known {
		if _, ok := want[name]; !ok {
			drop = append(drop, name)
		}
	}
	if len(updates) == 0 && len(drop) == 0 {
		return nil
	}
	b, err := ix.st.Begin(ctx, ix.loadPaths(ctx))
	if err != nil {
		return err
	}
	for _, u := range updates {
		if err := b.SetSession(u.s, u.commits); err != nil {
			b.Rollback()
			return err
		}
	}
	for _, name := range drop {
		if err := b.DeleteSession(name); err != nil {
			b.Rollback()
			return err
		}
	}
	return b.Commit()
}
