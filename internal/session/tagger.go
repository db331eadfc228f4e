package session

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// TagResult is what happened to one session tag.
type TagResult struct {
	Tag     string `json:"tag"`
	Commit  string `json:"commit"`
	Session string `json:"session"`
	Edge    string `json:"edge"`   // "start" or "end"
	Source  string `json:"source"` // "marker", "record" or "command"
	Status  string `json:"status"` // TagCreated, TagExists or TagConflict
	// Existing is the commit a conflicting tag already points at: here,
	// or, when Remote is set, at that remote.
	Existing string `json:"existing_commit,omitempty"`
	// Remote names the remote whose tag of this name is on another
	// commit than the one here (sync --push); the tag was not pushed.
	Remote string `json:"remote,omitempty"`
	// From is the marker commit's subject or the record's path.
	From string `json:"from,omitempty"`
	// Error is why a tag failed.
	Error string `json:"error,omitempty"`
}

// Tag statuses.
const (
	TagCreated  = "created"
	TagExists   = "exists"   // already there, on the same commit: nothing to do
	TagConflict = "conflict" // the name is taken by a tag on another commit; left alone
	// TagFailed: git could not create it (the error says why).
	TagFailed = "failed"
	// TagKept: repair found the record's tag already made, on another
	// commit (by the tool that wrote the record); it is not missing, so it
	// is kept where it is and is not a conflict.
	TagKept = "kept"
)

// tagger creates session tags, never moving one: it knows every session
// tag of the repository (read once) and the ones it made since.
type tagger struct {
	repo *gitrepo.Repo
	tags map[string]string // name → commit
}

func newTagger(ctx context.Context, repo *gitrepo.Repo) (*tagger, error) {
	tags, err := repo.Tags(ctx, TagPrefix)
	if err != nil {
		return nil, err
	}
	return taggerOf(repo, tags), nil
}

// taggerOf is newTagger for the repository's session tags, read already.
func taggerOf(repo *gitrepo.Repo, tags []gitrepo.Tag) *tagger {
	t := &tagger{repo: repo, tags: make(map[string]string, len(tags))}
	for _, tg := range tags {
		t.tags[tg.Name] = tg.Commit
	}
	return t
}

// ensure makes the annotated tag name on commit unless it is there; a tag
// of that name on another commit is a conflict and is left as it is.
// One of that name on the commit is there, whichever object it is: a tag
// made before tags were derived, say, is never moved or replaced. Every
// tag is made of the commit it marks and message (CreateCommitTag, see
// startMessage), whatever its source: one a rewrite moves too, so that
// the copy's tag is the one CI makes of the copy.
func (t *tagger) ensure(ctx context.Context, res TagResult, message string) (TagResult, error) {
	if c, ok := t.tags[res.Tag]; ok {
		return t.compare(res, c), nil
	}
	err := t.repo.CreateCommitTag(ctx, res.Tag, res.Commit, message)
	if errors.Is(err, gitrepo.ErrTagExists) {
		// Made by someone else since we looked (a concurrent hook).
		tg, ok, lerr := t.repo.LookupTag(ctx, res.Tag)
		if lerr != nil || !ok {
			return res, err
		}
		t.tags[res.Tag] = tg.Commit
		return t.compare(res, tg.Commit), nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return res, err
		}
		// One tag git refuses (a name it rejects, an object it cannot
		// read) must not stop the others.
		res.Status, res.Error = TagFailed, err.Error()
		return res, nil
	}
	t.tags[res.Tag] = res.Commit
	res.Status = TagCreated
	return res, nil
}

// startMessage and endMessage are the messages of the start and end tags
// of the session titled title, whoever makes them: 'git session start'
// and 'end' on the user's machine, or the repair of the archived record
// by 'git session sync' in CI or in another clone, which knows the
// session by its record alone. Each tag is an object of the commit it
// marks and this message (gitrepo.CreateCommitTag: tagger and date the
// commit's committer, never signed), so the clones make one object, and
// fetch and push each other's as their own; made with git tag, it named
// whoever ran it and when, and git refused to clobber one with the
// other. (A marker's start and end tags take the marker commit's
// subject.)
func startMessage(title string) string { return "Session start: " + title }

// endMessage: see startMessage.
func endMessage(title string) string { return "Session end: " + title }

func (t *tagger) compare(res TagResult, existing string) TagResult {
	if existing == res.Commit {
		res.Status = TagExists
	} else {
		res.Status, res.Existing = TagConflict, existing
	}
	return res
}

// startTags lists the start tags of session id, sorted.
func (t *tagger) startTags(id string) []string {
	var out []string
	prefix := TagPrefix + id + "-"
	for name := range t.tags {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		if ti, ok := ParseTag(name); ok && !ti.End && ti.ID == id {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// commitOf is the commit tag name points at, "" when there is no such tag.
func (t *tagger) commitOf(name string) string { return t.tags[name] }

// freeID returns the first id from id on that no session holds: no start
// tag names it and taken (a record file, say) does not claim it. Sessions
// started in the same second so get consecutive ids; an id is never given
// to two sessions.
func (t *tagger) freeID(id string, taken func(string) bool) string {
	for len(t.startTags(id)) > 0 || (taken != nil && taken(id)) {
		id = NextID(id)
	}
	return id
}

// endTagFor turns a start tag name into its end tag's.
func endTagFor(start string) string {
	return strings.TrimSuffix(start, "-start") + "-end"
}
