package session

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// SyncResult is what a sync (or a post-commit hook run) did.
type SyncResult struct {
	Range    string      `json:"range"`
	Commits  int         `json:"commits"`
	Tags     []TagResult `json:"tags"`
	Warnings []string    `json:"warnings"`
	// Opened are the sessions opened by markers, in commit order.
	Opened []Opened `json:"-"`
	// Closed are the ids closed by markers.
	Closed []string `json:"-"`
	// startTitles are the warnings of start tags here whose message a
	// repair elsewhere would not make (checkStartMessage), by tag.
	startTitles map[string]string
}

// QuietStartTitles drops the warnings that a start tag here says another
// title than its record for the tags settled says need nothing more: ones
// the remote has as here, or that were just pushed, which every clone
// then fetches rather than makes. Their hint, push the tag, is done.
func (r *SyncResult) QuietStartTitles(settled func(tag string) bool) {
	for tag, w := range r.startTitles {
		if !settled(tag) {
			continue
		}
		r.Warnings = slices.DeleteFunc(r.Warnings, func(x string) bool { return x == w })
		delete(r.startTitles, tag)
	}
}

// Opened is a session a marker opened.
type Opened struct {
	ID, Title, Agent, Tag, Commit string
	Time                          time.Time
}

// Created lists the tags that were made.
func (r *SyncResult) Created() []TagResult { return r.filter(TagCreated) }

// Conflicts lists the tags whose names were taken by tags elsewhere.
func (r *SyncResult) Conflicts() []TagResult { return r.filter(TagConflict) }

// AlreadyThere counts the tags the range calls for that were there
// already: on their commit, or kept where a record names another. Both
// summaries (stderr's, the step summary) say it, so that a sync that
// made nothing is not read as having found nothing to make.
func (r *SyncResult) AlreadyThere() int {
	return len(r.filter(TagExists)) + len(r.filter(TagKept))
}

// Failed lists the tags git could not create.
func (r *SyncResult) Failed() []TagResult { return r.filter(TagFailed) }

func (r *SyncResult) filter(status string) []TagResult {
	out := []TagResult{}
	for _, t := range r.Tags {
		if t.Status == status {
			out = append(out, t)
		}
	}
	return out
}

// CheckRemote compares the session tags of a sync with the ones remote
// has (theirs: name → commit, as gitrepo.RemoteTags reads them) before
// they are pushed. A tag the remote has on another commit becomes a
// conflict (Remote names the remote, Existing is the commit there, Commit
// the one here) and is not to be pushed: the push would be refused, and a
// later sync would find the tag here and take it for done. The tags the
// remote lacks are returned, to be pushed: the ones made now, and the ones
// made here before (by the post-commit hook, or by a sync whose push
// failed).
func (r *SyncResult) CheckRemote(remote string, theirs map[string]string) (push []string) {
	queued := map[string]bool{}
	for i := range r.Tags {
		t := &r.Tags[i]
		here := t.Commit
		switch t.Status {
		case TagCreated, TagExists:
		case TagKept:
			here = t.Existing // the tag here is kept where it is
		default:
			continue
		}
		there, ok := theirs[t.Tag]
		switch {
		case !ok && !queued[t.Tag]:
			queued[t.Tag] = true
			push = append(push, t.Tag)
		case ok && there != here:
			t.Status, t.Commit, t.Existing, t.Remote = TagConflict, here, there, remote
		}
	}
	return push
}

// RemoteConflicts lists the conflicts CheckRemote found.
func (r *SyncResult) RemoteConflicts() []TagResult {
	out := []TagResult{}
	for _, t := range r.Conflicts() {
		if t.Remote != "" {
			out = append(out, t)
		}
	}
	return out
}

// DivergedTag is a session tag that a remote has on another commit.
type DivergedTag struct{ Name, Here, There string }

// Diverged lists the session tags of this repository that the remote has
// (theirs, as for CheckRemote) on other commits, by name: the tags a fetch
// of the remote's session tags refuses to overwrite.
func Diverged(ctx context.Context, repo *gitrepo.Repo, theirs map[string]string) ([]DivergedTag, error) {
	tags, err := repo.Tags(ctx, TagPrefix)
	if err != nil {
		return nil, err
	}
	var out []DivergedTag
	for _, t := range tags {
		if there, ok := theirs[t.Name]; ok && there != t.Commit {
			out = append(out, DivergedTag{Name: t.Name, Here: t.Commit, There: there})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RangeError is a range that names no commits of this repository.
type RangeError struct {
	Msg  string
	Hint string // what to do, when more is known than the range's form
}

func (e *RangeError) Error() string { return e.Msg }

// ResolveRange turns a sync range into git log arguments. "A..B" is the
// commits of B not in A; "B" or "..B" is all of B's history; "" is HEAD's.
// An A of all zeros (a push that created the branch) or an A this
// repository does not have (a force-push, a shallow clone) also means all
// of B, with a warning for the latter: syncing more than needed is safe
// because it is idempotent. A B of all zeros (a push that deleted the
// branch) is no commits: args is nil.
func ResolveRange(ctx context.Context, repo *gitrepo.Repo, spec string) (args []string, warnings []string, err error) {
	if strings.Contains(spec, "...") {
		return nil, nil, &RangeError{Msg: fmt.Sprintf("range %q: use A..B, not A...B", spec)}
	}
	from, to, isRange := strings.Cut(spec, "..")
	if !isRange {
		from, to = "", spec
	}
	if to == "" {
		to = "HEAD"
	}
	if isZeros(to) {
		return nil, nil, nil // a push that deleted the branch: nothing to read
	}
	if spec == "" && !repo.HasCommits(ctx) {
		return nil, nil, nil // all of an unborn HEAD: nothing yet
	}
	toHash, err := repo.ResolveCommit(ctx, to)
	if err != nil {
		return nil, nil, &RangeError{Msg: fmt.Sprintf("range %q: %s is not a commit in this repository", spec, to)}
	}
	if from == "" || isZeros(from) {
		// All of B: in a shallow clone (actions/checkout's default) that
		// is only what was fetched, and markers further back were missed
		// without a word.
		if repo.IsShallow(ctx) {
			return []string{toHash}, []string{fmt.Sprintf("this is a shallow clone: only the commits it has of %s were read, and markers in older ones are missed; fetch the full history (actions/checkout: fetch-depth: 0)", to)}, nil
		}
		return []string{toHash}, nil, nil
	}
	fromHash, err := repo.ResolveCommit(ctx, from)
	if err != nil && !commitID.MatchString(from) {
		// A force-push's old head is a commit id (CI's github.event.before);
		// a word that is none and names no ref is a typo, which would
		// sync all of B with a warning about a force-push.
		return nil, nil, &RangeError{
			Msg:  fmt.Sprintf("range %q: %s names no commit, branch or tag in this repository", spec, from),
			Hint: fmt.Sprintf("check the spelling of %s (a branch, tag or commit); a commit this clone lacks (a force-push) is given by its hash, and means all of %s", from, to),
		}
	}
	if err != nil {
		w := fmt.Sprintf("%s is not in this repository's history (a force-push or a shallow clone?): syncing all of %s", from, to)
		if repo.IsShallow(ctx) {
			w += "; this is a shallow clone, so fetch the full history (actions/checkout: fetch-depth: 0)"
		}
		return []string{toHash}, []string{w}, nil
	}
	return []string{"^" + fromHash, toHash}, nil, nil
}

// commitID is what a commit id given for one this clone lacks looks like:
// a hash, at least as long as git abbreviates one.
var commitID = regexp.MustCompile(`^[0-9a-fA-F]{7,64}$`)

// isZeros reports whether rev is the all-zeros id git uses for "no
// commit", in full (gitrepo.IsZeroID: 40 zeros, or 64) or abbreviated as
// any commit id of a range may be (commitID): "0000000..HEAD" is all of
// HEAD and "HEAD..0000000" no commits, where gitrepo.IsZeroID, as git
// itself, reads a short run of zeros as a hash prefix that names nothing.
func isZeros(rev string) bool { return len(rev) >= 7 && strings.Trim(rev, "0") == "" }

// Sync creates the session tags that the commits of a range call for:
// those of their markers, and the missing tags of the archived records
// they add or change. It never moves a tag; conflicts are reported in the
// result, not returned as errors.
func Sync(ctx context.Context, repo *gitrepo.Repo, dir, spec string) (*SyncResult, error) {
	args, warns, err := ResolveRange(ctx, repo, spec)
	if err != nil {
		return nil, err
	}
	p, err := newProcessor(ctx, repo, dir)
	if err != nil {
		return nil, err
	}
	p.res.Range = spec
	p.res.Warnings = append(p.res.Warnings, warns...)
	if args == nil {
		return p.res, nil
	}
	changes, err := repo.ChangedPaths(ctx, append([]string{"--topo-order"}, args...), dir)
	if err != nil {
		return nil, err
	}
	byCommit := make(map[string][]gitrepo.PathChange, len(changes))
	for _, c := range changes {
		byCommit[c.Hash] = c.Changes
	}
	err = repo.EachCommit(ctx, func(c *gitrepo.Commit) error {
		p.res.Commits++
		return p.commit(ctx, c, byCommit[c.Hash], true)
	}, append([]string{"--reverse", "--topo-order"}, args...)...)
	if err != nil {
		return nil, err
	}
	p.flushUnknownClose()
	return p.res, nil
}

// flushUnknownClose warns about the closing markers whose session got no
// end tag from a later record either.
func (p *processor) flushUnknownClose() {
	ids := make([]string, 0, len(p.unknownClose))
	for id := range p.unknownClose {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !slices.ContainsFunc(p.res.Tags, func(t TagResult) bool { return t.Session == id && t.Edge == "end" }) {
			p.warnf("%s", p.unknownClose[id])
		}
	}
	p.unknownClose = nil
}

// processor applies one commit at a time, oldest first.
type processor struct {
	repo      *gitrepo.Repo
	dir       string
	tags      *tagger
	res       *SyncResult
	skipClose string
	done      map[string]bool // record ids repaired in this run
	seen      map[string]bool // "tag commit" already reported
	// renamed maps the ids of sessions whose marker commit a rewrite
	// replaced to the ids their copies derive (post-rewrite).
	renamed map[string]string
	// unknownClose holds, by session id, the warning about a closing
	// marker of a session no start tag or record was known of yet: a
	// record archived later in the range (a session 'git session start'
	// opened, a Session-End trailer closed and 'end' archived) tags it.
	unknownClose map[string]string
}

func newProcessor(ctx context.Context, repo *gitrepo.Repo, dir string) (*processor, error) {
	t, err := newTagger(ctx, repo)
	if err != nil {
		return nil, err
	}
	return processorOf(repo, dir, t), nil
}

// processorOf is newProcessor with the tagger made already.
func processorOf(repo *gitrepo.Repo, dir string, t *tagger) *processor {
	return &processor{repo: repo, dir: dir, tags: t, res: &SyncResult{Tags: []TagResult{}, Warnings: []string{}}, done: map[string]bool{}, seen: map[string]bool{}, renamed: map[string]string{}}
}

func (p *processor) warnf(format string, args ...any) {
	p.res.Warnings = append(p.res.Warnings, fmt.Sprintf(format, args...))
}

func (p *processor) tag(ctx context.Context, res TagResult, message string) error {
	// A record and a marker of the same commit can both name a tag:
	// report it once.
	key := res.Tag + " " + res.Commit
	if p.seen[key] {
		return nil
	}
	p.seen[key] = true
	res, err := p.tags.ensure(ctx, res, message)
	if err != nil {
		return err
	}
	if res.Status == TagConflict && res.Source == "record" {
		res.Status = TagKept
	}
	p.res.Tags = append(p.res.Tags, res)
	return nil
}

// commit handles one commit: the records it archived first (they name
// their tags exactly), then the sessions it closes, then the one it opens.
func (p *processor) commit(ctx context.Context, c *gitrepo.Commit, changes []gitrepo.PathChange, records bool) error {
	if records {
		for _, ch := range changes {
			if (ch.Status == 'A' || ch.Status == 'M') && isRecordPath(p.dir, ch.Path) {
				if err := p.record(ctx, c, ch); err != nil {
					return err
				}
			}
		}
	}
	m := ParseMarkers(c.Message)
	for _, pr := range m.Problems {
		p.warnf("%s: %s", c.Short(), pr)
	}
	for _, id := range m.Close {
		if id == p.skipClose {
			continue
		}
		if err := p.close(ctx, c, id, m.Agent); err != nil {
			return err
		}
	}
	if m.Open != "" {
		return p.open(ctx, c, m.Open, m.Agent)
	}
	return nil
}

func (p *processor) open(ctx context.Context, c *gitrepo.Commit, title, agentTrailer string) error {
	agent := MarkerAgent(agentTrailer, c.AuthorName)
	id, name, holder := p.markerID(ctx, c, agent)
	res := TagResult{Tag: name, Commit: c.Hash, Session: id, Edge: "start", Source: "marker", From: c.Subject}
	if holder != "" {
		// The id is held by a tag that no earlier marker explains (made
		// by hand, or by 'git session start' on another commit): taking
		// the next second would make this name depend on that tag, so it
		// is a conflict. It is reported as that tag, which exists (the
		// name this marker would take may not).
		res.Tag, res.Status, res.Existing = holder, TagConflict, p.tags.commitOf(holder)
		p.res.Tags = append(p.res.Tags, res)
		return nil
	}
	if err := p.tag(ctx, res, c.Subject); err != nil {
		return err
	}
	if p.res.Tags[len(p.res.Tags)-1].Status == TagConflict {
		return nil
	}
	if ti, ok := ParseTag(name); ok {
		agent = ti.Agent
	}
	p.res.Opened = append(p.res.Opened, Opened{ID: id, Title: title, Agent: agent, Tag: name, Commit: c.Hash, Time: c.CommitTime.UTC()})
	return nil
}

// markerID is the id and start tag of the session marker commit c opens:
// its committer time in UTC, or, when earlier marker commits of the same
// second hold that id, the next second they leave free. The rule depends
// only on the commits, so every clone that tags them in history order
// derives the same names. holder is a start tag that holds the id on a
// commit that is not such a marker commit.
func (p *processor) markerID(ctx context.Context, c *gitrepo.Commit, agent string) (id, name, holder string) {
	id = NewID(c.CommitTime)
	for {
		starts := p.tags.startTags(id)
		if len(starts) == 0 {
			return id, StartTag(id, agent), ""
		}
		for _, n := range starts {
			if p.tags.commitOf(n) == c.Hash {
				return id, n, ""
			}
		}
		for _, n := range starts {
			if h := p.tags.commitOf(n); !p.markerClaims(ctx, h, id) {
				return id, StartTag(id, agent), n
			}
		}
		id = NextID(id)
	}
}

// markerClaims reports whether commit opens a session by a marker and
// could have claimed id by markerID's rule (its own second is id or
// earlier).
func (p *processor) markerClaims(ctx context.Context, commit, id string) bool {
	c, err := p.repo.Commit(ctx, commit)
	if err != nil {
		return false
	}
	return ParseMarkers(c.Message).Open != "" && NewID(c.CommitTime) <= id
}

func (p *processor) close(ctx context.Context, c *gitrepo.Commit, id, agentTrailer string) error {
	name := ""
	if a := Slug(agentTrailer); a != "" {
		name = EndTag(id, a)
	} else if starts := p.tags.startTags(id); len(starts) == 1 {
		name = endTagFor(starts[0])
	} else if len(starts) > 1 {
		p.warnf("%s closes session %s, which has %d start tags (%s): add a Session-Agent trailer to say which", c.Short(), id, len(starts), strings.Join(starts, ", "))
		return nil
	} else if rec := p.recordAt(ctx, c.Hash, p.dir+"/"+id+".md"); rec != nil {
		name = rec.EndTagName()
	} else if to := p.renamed[id]; to != "" {
		p.warnf("%s closes session %s, which this rewrite renamed %s (the copy of its marker commit has a new committer time): no end tag is made, as a clone of the rewritten history makes none; to close it, reword the marker to name %s", c.Short(), id, to, to)
		return nil
	} else {
		if p.unknownClose == nil {
			p.unknownClose = map[string]string{}
		}
		if _, ok := p.unknownClose[id]; !ok {
			p.unknownClose[id] = fmt.Sprintf("%s closes session %s, but no start tag or record of it is known here: sync a range that includes its start, or add a Session-Agent trailer", c.Short(), id)
		}
		return nil
	}
	p.res.Closed = append(p.res.Closed, id)
	return p.tag(ctx, TagResult{Tag: name, Commit: c.Hash, Session: id, Edge: "end", Source: "marker", From: c.Subject}, c.Subject)
}

func (p *processor) recordAt(ctx context.Context, commit, path string) *Record {
	data, ok, err := p.repo.FileAt(ctx, commit, path)
	if err != nil || !ok {
		return nil
	}
	rec, err := Parse(path, data)
	if err != nil {
		return nil
	}
	return rec
}

// record repairs the tags of a record that commit c added or changed: an
// archived record that names its id, agent and starting commit gets its
// start tag on that commit and its end tag on the commit that archived it,
// whatever that commit's message says.
func (p *processor) record(ctx context.Context, c *gitrepo.Commit, ch gitrepo.PathChange) error {
	data, ok, err := p.repo.FileAt(ctx, c.Hash, ch.Path)
	if err != nil {
		return err
	}
	if !ok {
		return nil
	}
	rec, perr := Parse(ch.Path, data)
	if perr != nil {
		p.warnf("%s at %s: cannot read the record (%v); skipped", ch.Path, c.Short(), perr)
		return nil
	}
	if !rec.Archived() || rec.Type != "session" || p.done[rec.ID] {
		return nil
	}
	p.done[rec.ID] = true
	if !IsID(rec.ID) {
		p.warnf("%s: id %q is not YYYYMMDD-HHMMSS; no tags made", ch.Path, rec.ID)
		return nil
	}
	if rec.Git.StartingCommit == "" {
		p.warnf("%s: the record names no starting commit; no tags made", ch.Path)
		return nil
	}
	startName, endName := p.recordTagNames(rec)
	archived, err := p.archiveCommit(ctx, c, ch)
	if err != nil {
		return err
	}
	if start, err := p.repo.ResolveCommit(ctx, rec.Git.StartingCommit); err != nil {
		p.warnf("%s: starting commit %s is not in this repository; %s not made", ch.Path, rec.Git.StartingCommit, startName)
	} else {
		// The messages 'git session start' and 'end' gave the tags they
		// made (the record's title is the one they had): the same
		// objects as theirs, which a plain git push leaves behind.
		msg := p.recordStartMessage(ctx, rec, start, startName)
		p.checkStartMessage(ctx, rec, start, startName, msg)
		if err := p.tag(ctx, TagResult{Tag: startName, Commit: start, Session: rec.ID, Edge: "start", Source: "record", From: ch.Path}, msg); err != nil {
			return err
		}
	}
	endMsg := endMessage(rec.Title)
	if d := p.closingMarker(ctx, rec, archived); d != nil {
		// A closing marker ended the session before its record was
		// archived ('git session end' after a Session-End trailer): the
		// end tag is the one the post-commit hook made of the marker
		// where the commit was made, and the archive commit's own
		// closing subject calls for none.
		p.seen[endName+" "+archived] = true
		archived, endMsg = d.Hash, d.Subject
	}
	return p.tag(ctx, TagResult{Tag: endName, Commit: archived, Session: rec.ID, Edge: "end", Source: "record", From: ch.Path}, endMsg)
}

// closingMarker is the first commit after rec's starting commit and
// before its archive commit whose message closes rec's session, nil when
// none does.
func (p *processor) closingMarker(ctx context.Context, rec *Record, archived string) *gitrepo.Commit {
	start, err := p.repo.ResolveCommit(ctx, rec.Git.StartingCommit)
	if err != nil || start == archived {
		return nil
	}
	cs, err := p.repo.Log(ctx, "-i", "--fixed-strings", "--grep="+rec.ID, start+".."+archived+"^")
	if err != nil {
		return nil
	}
	for i := len(cs) - 1; i >= 0; i-- {
		if slices.Contains(ParseMarkers(cs[i].Message).Close, rec.ID) {
			return &cs[i]
		}
	}
	return nil
}

// recordStartMessage is the message of the start tag a repair makes for
// rec on commit start: the one the tag's maker gave it. A session that
// the start commit's marker opened (its title, its agent, an id no
// earlier than the commit's second) was tagged by the hook with the
// commit's subject, and 'end' archived it; any other, by 'git session
// start'.
func (p *processor) recordStartMessage(ctx context.Context, rec *Record, start, name string) string {
	c, err := p.repo.Commit(ctx, start)
	if err != nil {
		return startMessage(rec.Title)
	}
	m := ParseMarkers(c.Message)
	if m.Open != "" && m.Open == rec.Title && NewID(c.CommitTime) <= rec.ID && name == StartTag(rec.ID, MarkerAgent(m.Agent, c.AuthorName)) {
		return c.Subject
	}
	return startMessage(rec.Title)
}

// checkStartMessage warns when the start tag name is here on commit
// start with another message than msg, the one a repair of rec makes
// (a record titled otherwise than the session was started, say). A clone
// that lacks the tag, CI's, makes it from the record: another object of
// that name, which git fetch --tags refuses to take, or to give, in
// place of the other. The tag here is never moved, so the fix is the
// user's: push it before CI makes its own, or retitle the record.
func (p *processor) checkStartMessage(ctx context.Context, rec *Record, start, name, msg string) {
	if p.tags.commitOf(name) != start {
		return // none yet, or on another commit (kept, and reported so)
	}
	t, ok, err := p.repo.LookupTag(ctx, name)
	if err != nil || !ok || !t.Annotated {
		return
	}
	have := strings.TrimSpace(t.Message)
	if have == msg {
		return
	}
	remote := p.repo.DefaultRemote(ctx)
	if remote == "" {
		remote = "origin"
	}
	fix := fmt.Sprintf("push the start tag now (git push %s refs/tags/%s)", remote, name)
	if title := p.startTitle(ctx, start, have); title != "" {
		fix += fmt.Sprintf(", or make the record's title %q", title)
	}
	p.warnf("tag %s says %q, but %s titles the session %q: a clone without the tag (CI's git session sync) makes it %q, and git fetch --tags then refuses one or the other; %s",
		name, have, rec.Path, rec.Title, msg, fix)
	if p.res.startTitles == nil {
		p.res.startTitles = map[string]string{}
	}
	p.res.startTitles[name] = p.res.Warnings[len(p.res.Warnings)-1]
}

// startTitle is the title a start tag's message have gives its session:
// the one 'git session start' wrote in it, else the title of the marker
// of commit start, whose subject a marker's tag carries.
func (p *processor) startTitle(ctx context.Context, start, have string) string {
	if t, ok := strings.CutPrefix(have, startMessage("")); ok {
		return t
	}
	if c, err := p.repo.Commit(ctx, start); err == nil {
		return ParseMarkers(c.Message).Open
	}
	return ""
}

// recordTagNames are the tags a record names, else the ones its id and
// agent give; a named tag that is not a tag of this session is ignored.
func (p *processor) recordTagNames(rec *Record) (start, end string) {
	start, end = rec.StartTagName(), rec.EndTagName()
	if ti, ok := ParseTag(start); !ok || ti.ID != rec.ID || ti.End {
		p.warnf("%s: start tag %q is not a start tag of session %s; using %s", rec.Path, start, rec.ID, StartTag(rec.ID, Slug(rec.Agent)))
		start = StartTag(rec.ID, Slug(rec.Agent))
	}
	if ti, ok := ParseTag(end); !ok || ti.ID != rec.ID || !ti.End {
		end = endTagFor(start)
	}
	return start, end
}

// archiveCommit is the commit that archived the record c changed: c, when
// the record was not archived before it; else the first commit in the
// record's history whose version is archived. The history follows the
// record across moves, so a record moved to another directory or renamed
// after it was archived keeps its end tag on the commit that archived it,
// not on the move.
func (p *processor) archiveCommit(ctx context.Context, c *gitrepo.Commit, ch gitrepo.PathChange) (string, error) {
	if len(c.Parents) == 0 {
		return c.Hash, nil
	}
	switch ch.Status {
	case 'A':
		renames, err := p.repo.Renames(ctx, c.Hash)
		if err != nil {
			return "", err
		}
		if renames[ch.Path] == "" {
			return c.Hash, nil
		}
	default:
		if prev := p.recordAt(ctx, c.Parents[0], ch.Path); prev == nil || !prev.Archived() {
			return c.Hash, nil
		}
	}
	hist, err := p.repo.FileHistory(ctx, c.Hash, ch.Path)
	if err != nil {
		return "", err
	}
	for i := len(hist) - 1; i >= 0; i-- {
		h := hist[i]
		if rec := p.recordAt(ctx, h.Hash, h.Path); rec != nil && rec.Archived() {
			return h.Hash, nil
		}
	}
	return c.Hash, nil
}
