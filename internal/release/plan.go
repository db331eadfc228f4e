package release

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	// Tags and commits are read in-process (go-git), as the design asks
	// for refs, tags and objects; only git-scry, whose searches must start
	// fast, goes without.
	_ "github.com/verdigris-dev/verdigris/internal/gitrepo/inprocess"
)

// Options are what the user asked for.
type Options struct {
	// Bump is patch, minor, major, auto (or "") or an explicit X.Y.Z.
	Bump    string
	Message string
	Push    bool
	Now     time.Time
	Config  config.Release
}

// Plan is a release worked out and checked, before anything is written;
// Apply carries it out.
type Plan struct {
	Version     string        `json:"version"`
	Tag         string        `json:"tag"`
	TagSigned   bool          `json:"tag_signed"` // tag.gpgSign or tag.forceSignAnnotated asks for it
	Previous    string        `json:"previous_version"`
	PreviousTag string        `json:"previous_tag,omitempty"`
	Bump        string        `json:"bump"` // patch, minor, major, or explicit
	Reason      string        `json:"reason"`
	Branch      string        `json:"branch"`
	Remote      string        `json:"remote,omitempty"`
	RemoteRef   string        `json:"remote_ref,omitempty"`
	Changes     []Change      `json:"commits"` // oldest first
	Files       []*FileChange `json:"files"`
	Changelog   string        `json:"changelog,omitempty"` // path; "" when not kept
	Notes       string        `json:"notes"`               // the changelog section, also the tag message
	Message     string        `json:"message"`             // the release commit's message
	Warnings    []string      `json:"warnings,omitempty"`

	// Resumed: HEAD is this release's commit, made by a run killed before
	// it tagged; Apply only tags (and pushes).
	Resumed bool `json:"resumed,omitempty"`

	// Filled in by Apply. Commit is the release commit while it stands
	// (none once a failed tag took it back); Tagged, that the tag was made.
	Commit string `json:"release_commit,omitempty"`
	Tagged bool   `json:"tagged"`
	Pushed bool   `json:"pushed"`

	push bool
}

// releaseSubjectRE is the subject of a release commit: "release: vX.Y.Z",
// with " - MESSAGE" when one was given.
var releaseSubjectRE = regexp.MustCompile(`^release: (v\d+\.\d+\.\d+)(?: - |$)`)

// Unfinished is a release a killed run left half made: a release commit
// on the branch since the last release tag, with its section in the
// changelog it holds, whose tag does not exist. The next run refused it
// ("already has a section") where only the tag was missing; now git
// release finishes it (resume), and doctor warns of it.
type Unfinished struct {
	Version     Version
	Commit      *gitrepo.Commit // the release commit
	AtHead      bool            // HEAD is the release commit
	Changelog   string          // the changelog's path, slash-separated
	Section     string          // its section of the changelog: the tag's message
	Previous    Version
	PreviousTag string
}

// FindUnfinished finds the release git release would finish, given the
// [release] changelog ("" keeps none: no section to tag with, nothing to
// finish); nil when there is none.
func FindUnfinished(ctx context.Context, r *gitrepo.Repo, changelog string) (*Unfinished, error) {
	if changelog == "" {
		return nil, nil
	}
	prev, prevTag, err := CurrentVersion(ctx, r)
	if err != nil {
		return nil, err
	}
	head, err := r.Commit(ctx, "HEAD")
	if err != nil {
		return nil, err
	}
	rel, v, ok, err := untaggedRelease(ctx, r, head, prev, prevTag)
	if err != nil || !ok {
		return nil, err
	}
	changelog = filepath.ToSlash(filepath.Clean(changelog))
	var data []byte
	if rel.Hash == head.Hash {
		if data, err = os.ReadFile(filepath.Join(r.Root, filepath.FromSlash(changelog))); err != nil {
			return nil, nil
		}
	} else if data, ok, err = r.FileAt(ctx, rel.Hash, changelog); err != nil || !ok {
		return nil, err
	}
	section := SectionOf(data, v)
	if section == "" {
		return nil, nil
	}
	return &Unfinished{Version: v, Commit: rel, AtHead: rel.Hash == head.Hash, Changelog: changelog, Section: section,
		Previous: prev, PreviousTag: prevTag}, nil
}

// resume finishes an Unfinished release: HEAD is its commit, or commits
// came after it (the release looked done): they are left for the next
// run, and the tag goes where the release was committed.
func (p *Plan) resume(ctx context.Context, r *gitrepo.Repo, o Options) (bool, error) {
	if o.Bump != "" && o.Bump != "auto" {
		return false, nil
	}
	u, err := FindUnfinished(ctx, r, o.Config.Changelog)
	if err != nil || u == nil {
		return false, err
	}
	rel, v, prev, prevTag, changelog, section := u.Commit, u.Version, u.Previous, u.PreviousTag, u.Changelog, u.Section
	if p.push && p.Remote == "" {
		return false, refuse("add one (git remote add origin URL), or release without --push", "--push: the repository has no remote")
	}
	p.Tag = v.Tag()
	if p.push {
		// The tag made here would only be refused by the push after it;
		// another version needs the release commit taken back first, or
		// the next run finishes this one again.
		if err := p.checkRemoteTag(ctx, r, v); err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Hint = "take back the release commit (git reset --keep HEAD~1), fetch the tag (git fetch --tags) and release another version"
				if !u.AtHead {
					e.Hint = fmt.Sprintf("fetch the tag (git fetch --tags); the release commit %s stays, and the changelog section for %s with it", gitrepo.Short(rel.Hash), v)
				}
			}
			return false, err
		}
	}
	p.Resumed, p.Version, p.Tag, p.Commit = true, v.String(), v.Tag(), rel.Hash
	p.Previous, p.PreviousTag, p.Bump, p.Reason = prev.String(), prevTag, "resumed", "the release commit is made; its tag is not"
	p.Changelog, p.Notes, p.Message = changelog, section, rel.Subject
	if u.AtHead {
		p.Warnings = append(p.Warnings, fmt.Sprintf("finishing %s: HEAD is its release commit, which a run stopped before tagging", p.Tag))
	} else {
		n, err := r.CountCommits(ctx, rel.Hash+"..HEAD")
		if err != nil {
			return false, err
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("finishing %s: its release commit %s, which a run stopped before tagging; run git release again to release the %s after it",
			p.Tag, gitrepo.Short(rel.Hash), cli.Count(n, "commit")))
	}
	return true, nil
}

// untaggedRelease is the oldest release commit on HEAD's first-parent
// line since prevTag whose version is above prev and has no tag: HEAD
// itself when it is one.
func untaggedRelease(ctx context.Context, r *gitrepo.Repo, head *gitrepo.Commit, prev Version, prevTag string) (*gitrepo.Commit, Version, bool, error) {
	candidates := []string{head.Hash}
	if !releaseSubjectRE.MatchString(head.Subject) {
		args := []string{"--first-parent", "--grep=^release: v", "HEAD"}
		if prevTag != "" {
			args = append(args, "^"+prevTag)
		}
		var err error
		if candidates, err = r.RevList(ctx, args...); err != nil {
			return nil, Version{}, false, err
		}
		slices.Reverse(candidates)
	}
	for _, h := range candidates {
		c := head
		if h != head.Hash {
			var err error
			if c, err = r.Commit(ctx, h); err != nil {
				return nil, Version{}, false, err
			}
		}
		m := releaseSubjectRE.FindStringSubmatch(c.Subject)
		if m == nil {
			continue
		}
		v, err := ParseVersion(m[1])
		if err != nil || v.Compare(prev) <= 0 {
			continue
		}
		if _, ok, err := r.LookupTag(ctx, v.Tag()); err != nil {
			return nil, Version{}, false, err
		} else if ok {
			continue
		}
		return c, v, true, nil
	}
	return nil, Version{}, false, nil
}

// checkRemoteTag refuses a version whose tag the remote has (or marks with
// build metadata): any push URL that has it refuses the atomic push
// there, after the release was made, so what one of them has is taken.
func (p *Plan) checkRemoteTag(ctx context.Context, r *gitrepo.Repo, v Version) error {
	remote, err := r.PublishedTags(ctx, p.Remote, v.Tag())
	if err != nil {
		return nil
	}
	if remote[v.Tag()] {
		return refuse("fetch it (git fetch --tags) and release another version",
			"tag %s already exists on %s", v.Tag(), p.Remote)
	}
	if t := buildTagOf(v, slices.Sorted(maps.Keys(remote))); t != "" {
		return refuse("fetch it (git fetch --tags) and release another version",
			"tag %s already marks version %s on %s", t, v, p.Remote)
	}
	return nil
}

// Prepare checks that a release can be cut here and computes it: the
// safeguards refuse a dirty tree, a branch behind or diverged from its
// upstream, a detached HEAD, nothing to release and an existing tag; a
// branch other than the configured one is a warning.
func Prepare(ctx context.Context, r *gitrepo.Repo, o Options) (*Plan, error) {
	p := &Plan{push: o.Push}
	// A bad argument is a usage error (exit 2) whatever the repository's
	// state: it was found only after the safeguards.
	if err := checkBump(o.Bump, o.Message); err != nil {
		return nil, err
	}
	if b, others, unborn := r.UnbornBranch(ctx); unborn && len(others) > 0 {
		to := gitrepo.PreferredBranch(others)
		if slices.Contains(others, o.Config.Branch) {
			to = o.Config.Branch
		}
		return nil, refuse(fmt.Sprintf("switch to the branch to release (git switch %s)", to), "branch %s has no commits yet", b)
	}
	if !r.HasCommits(ctx) {
		return nil, refuse("commit something first", "the repository has no commits")
	}
	// The last release tag and the commits since it may lie past the
	// cut-off: the release was worked out from 0.0.0 as the first one.
	if r.IsShallow(ctx) {
		return nil, refuse("fetch the whole history first (git fetch --unshallow --tags; in GitHub Actions, actions/checkout with fetch-depth: 0), then release",
			"this is a shallow clone: the release tags and commits before its cut-off are missing, so the current version cannot be known")
	}
	branch, err := r.CurrentBranch(ctx)
	if err != nil {
		return nil, err
	}
	if branch == "" {
		return nil, refuse(fmt.Sprintf("check out the release branch (git switch %s) and run git release there", o.Config.Branch),
			"HEAD is detached: a release is committed on a branch")
	}
	p.Branch = branch
	dirty, err := r.DirtyTracked(ctx)
	if err != nil {
		return nil, err
	}
	if len(dirty) > 0 {
		more := ""
		if len(dirty) > 1 {
			more = fmt.Sprintf(" and %d more", len(dirty)-1)
		}
		return nil, refuse("commit or stash your changes (git stash), then release",
			"uncommitted changes to tracked files: %s%s", dirty[0], more)
	}
	if o.Config.Branch != "" && branch != o.Config.Branch {
		p.Warnings = append(p.Warnings, fmt.Sprintf("releasing from branch %s, not the release branch %s ([release] branch in toolchain.toml)", branch, o.Config.Branch))
	}
	if err := p.checkUpstream(ctx, r, branch, o.Push); err != nil {
		return nil, err
	}
	p.TagSigned = r.SignsTags(ctx)
	if ok, err := p.resume(ctx, r, o); ok || err != nil {
		return p, err
	}

	prev, prevTag, err := CurrentVersion(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := checkOtherReleaseTags(ctx, r, prev, prevTag); err != nil {
		return nil, err
	}
	p.Previous, p.PreviousTag = prev.String(), prevTag
	// "since TAG" where there is one: a first release's refusals ended
	// "since " and nothing.
	since := ""
	if prevTag != "" {
		since = " since " + prevTag
	}
	hist, err := loadHistory(ctx, r, prevTag)
	if err != nil {
		return nil, err
	}
	if len(hist.parents) == 0 {
		return nil, refuse("commit the changes to release first", "nothing to release: no commits%s", since)
	}
	rangeArgs := []string{"HEAD"}
	if prevTag != "" {
		rangeArgs = append(rangeArgs, "^"+prevTag)
	}
	commits, err := r.Log(ctx, append([]string{"--no-merges", "--reverse"}, rangeArgs...)...)
	if err != nil {
		return nil, err
	}
	inRange := make(map[string]string, len(commits))
	for _, c := range commits {
		inRange[c.Hash] = c.Message
	}
	sessions, err := sessionsOf(ctx, r, hist, inRange)
	if err != nil {
		return nil, err
	}
	mainline := map[string]string{}
	for _, c := range commits {
		ch := ParseChange(c.Hash, c.Subject, c.Body)
		ch.Sessions = sessions[c.Hash]
		p.Changes = append(p.Changes, ch)
		if m := revertMainlineRE.FindStringSubmatch(c.Body); m != nil {
			mainline[c.Hash] = m[1]
		}
	}

	if len(p.Changes) == 0 && (o.Bump == "" || o.Bump == "auto") {
		// Merges only (a release branch merged back): nothing changed
		// since the tag; an automatic bump found nothing and asked to tag
		// the same version again ("tag already exists").
		return nil, refuse("commit the changes to release first, or name the bump: git release patch",
			"nothing to release: only merge commits%s", since)
	}
	p.Changes = dropRevertedMerges(p.Changes, hist, mainline)
	notable := func(c Change) bool { return !hiddenTypes[c.Type] || c.Breaking }
	if (o.Bump == "" || o.Bump == "auto") && slices.ContainsFunc(p.Changes, notable) &&
		!slices.ContainsFunc(p.Changes, func(c Change) bool { return notable(c) && !c.Dropped }) {
		// A change and its revert never shipped: the changelog would say
		// "No notable changes" of a patch release nobody asked for.
		return nil, refuse("commit the changes to release first, or name the bump: git release patch",
			"nothing to release: the changes%s were reverted (%s left out)", since, cli.Count(countDropped(p.Changes), "commit"))
	}
	if len(p.Changes) > 0 && (o.Bump == "" || o.Bump == "auto") && !slices.ContainsFunc(p.Changes, notable) {
		// Session records and release commits only: the changelog would
		// say "No notable changes" of a patch release nobody asked for.
		return nil, refuse("commit the changes to release first, or name the bump: git release patch",
			"nothing to release: only bookkeeping commits (%s)%s", bookkeepingTypes(p.Changes), since)
	}
	next, err := p.nextVersion(prev, o.Bump)
	if err != nil {
		return nil, err
	}
	p.Version, p.Tag = next.String(), next.Tag()
	if t, ok, err := r.LookupTag(ctx, p.Tag); err != nil {
		return nil, err
	} else if ok {
		return nil, refuse(fmt.Sprintf("tags are never moved: release another version (git release %s) or delete the tag if it was a mistake", next.Apply(BumpPatch)),
			"tag %s already exists (on %s)", p.Tag, gitrepo.Short(t.Commit))
	}
	builds, err := r.Tags(ctx, p.Tag+"+")
	if err != nil {
		return nil, err
	}
	for _, t := range builds {
		if w, build, ok := TagVersion(t.Name); ok && build && w == next {
			return nil, refuse(fmt.Sprintf("build metadata does not make another version: release another one (git release %s)", next.Apply(BumpPatch)),
				"tag %s already marks version %s (on %s)", t.Name, next, gitrepo.Short(t.Commit))
		}
	}
	if o.Push && p.Remote != "" {
		if err := p.checkRemoteTag(ctx, r, next); err != nil {
			return nil, err
		}
	}
	if o.Push && p.Remote == "" {
		return nil, refuse("add one (git remote add origin URL), or release without --push", "--push: the repository has no remote")
	}
	if err := checkGoModule(r.Root, next); err != nil {
		return nil, err
	}

	if p.Files, err = VersionFiles(r.Root, o.Config.VersionFiles, next); err != nil {
		return nil, err
	}
	notes := o.Message
	if o.Config.Changelog != "" {
		p.Changelog = filepath.ToSlash(filepath.Clean(o.Config.Changelog))
		if filepath.IsAbs(o.Config.Changelog) || p.Changelog == ".." || strings.HasPrefix(p.Changelog, "../") {
			return nil, refuse("give [release] changelog relative to the repository root, inside it",
				"changelog %s is outside the repository", o.Config.Changelog)
		}
		if err := notALink(r.Root, p.Changelog, "[release] changelog"); err != nil {
			return nil, err
		}
		if err := inWorkTree(r.Root, p.Changelog, true); err != nil {
			return nil, err
		}
		path := filepath.Join(r.Root, filepath.FromSlash(p.Changelog))
		old, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, cannotRead(r.Root, p.Changelog, "changelog "+p.Changelog,
				"make it a file you can read, or set [release] changelog in toolchain.toml to another file", err)
		}
		if err := checkText("changelog "+p.Changelog, old); err != nil {
			return nil, err
		}
		if err := bomInside("changelog "+p.Changelog, old); err != nil {
			return nil, err
		}
		if err := unreleasedPlaced("changelog "+p.Changelog, old); err != nil {
			return nil, err
		}
		if err := noNewerSection("changelog "+p.Changelog, old, next); err != nil {
			return nil, err
		}
		if un := UnreleasedNotes(old); un != "" {
			notes = strings.TrimSpace(notes + "\n\n" + un)
		}
		_, text := cutBOM(old)
		style := headingStyleOf(text)
		if style.linked && style.brackets {
			remoteURL := ""
			if rm := r.DefaultRemote(ctx); rm != "" {
				remoteURL = r.Config(ctx, "remote."+rm+".url")
			}
			style.url = linkedTo(remoteURL, style.link, prevTag, p.Tag)
		}
		p.Notes = sectionIn(style, next, o.Now, notes, p.Changes)
		updated, err := InsertSection(old, next, p.Notes)
		if err != nil {
			var se *ErrSectionExists
			if errors.As(err, &se) {
				return nil, refuse("remove that section or release another version", "%s already has a section for %s", p.Changelog, next)
			}
			return nil, err
		}
		updated, left := UpdateLinks(updated, next, prevTag)
		if left != "" {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s: link definitions left as they are: %s", p.Changelog, left))
		}
		p.Files = append([]*FileChange{{Path: p.Changelog, Kind: "changelog", To: next.String(), Old: old, New: updated}}, p.Files...)
	} else {
		p.Notes = Section(next, o.Now, notes, p.Changes)
	}
	if err := p.checkIgnored(ctx, r); err != nil {
		return nil, err
	}
	p.Message = "release: " + p.Tag
	if m := strings.TrimSpace(o.Message); m != "" {
		p.Message += " - " + strings.Join(strings.Fields(m), " ")
	}
	return p, nil
}

// checkIgnored refuses a file the release would write that git ignores
// and does not track: git add refuses it, so the real run failed at the
// release commit (and put every file back) where the dry run had passed.
func (p *Plan) checkIgnored(ctx context.Context, r *gitrepo.Repo) error {
	var paths []string
	for _, f := range p.Files {
		if f.Changed() {
			paths = append(paths, f.Path)
		}
	}
	ignored, err := r.Ignored(ctx, paths...)
	if err != nil {
		return err
	}
	for _, f := range p.Files { // the changelog first
		rule, ok := ignored[f.Path]
		switch {
		case !ok:
		case f.Kind == "changelog":
			return refuse(fmt.Sprintf(`remove that rule from %s, or set [release] changelog in toolchain.toml to a file git does not ignore (changelog = "" keeps none)`, rule.Source),
				"changelog %s is ignored by git (%s): the release commit could not include it", f.Path, rule)
		default:
			return refuse(fmt.Sprintf("remove that rule from %s, or commit the file anyway (git add -f %s), or remove it from [release] version-files", rule.Source, f.Path),
				"version file %s is ignored by git (%s): the release commit could not include it", f.Path, rule)
		}
	}
	return nil
}

// CurrentVersion is the newest release tag HEAD reaches (pre-release tags
// do not count), or 0.0.0 and "" when there is none. A tag with build
// metadata (vX.Y.Z+BUILD) is release X.Y.Z; of several tags of that
// version, the one nearest HEAD (previousTag) is returned.
func CurrentVersion(ctx context.Context, r *gitrepo.Repo) (Version, string, error) {
	names, err := r.TagsMerged(ctx, "HEAD", "v*")
	if err != nil {
		return Version{}, "", err
	}
	var best Version
	var tags []string
	for _, n := range names {
		v, _, ok := TagVersion(n)
		if !ok {
			continue
		}
		switch c := v.Compare(best); {
		case len(tags) == 0 || c > 0:
			best, tags = v, []string{n}
		case c == 0:
			tags = append(tags, n)
		}
	}
	if len(tags) == 0 {
		return Version{}, "", nil
	}
	tag, err := previousTag(ctx, r, tags)
	return best, tag, err
}

// otherReleaseTagRE is a release tag named otherwise than vX.Y.Z: the
// version bare (1.4.0) or behind a word (V1.4.0, release-1.4.0), with
// SemVer build metadata or not. A tag with a path (tools/v1.2.0, a Go
// module in a subdirectory) or a package name (pkg@1.2.0) is another
// module's release, and a pre-release is none.
var otherReleaseTagRE = regexp.MustCompile(`^([A-Za-z]*[-_.]?)(\d+\.\d+\.\d+)(?:\+([0-9A-Za-z.-]+))?$`)

// checkOtherReleaseTags refuses a release when HEAD reaches a release
// tag of another naming newer than prev, the newest vX.Y.Z one (prevTag,
// "" for none): the release would be worked out from the older one and
// list, and tag again, what that tag released (1.4.0 released again as
// v1.4.0).
func checkOtherReleaseTags(ctx context.Context, r *gitrepo.Repo, prev Version, prevTag string) error {
	names, err := r.TagsMerged(ctx, "HEAD", "*")
	if err != nil {
		return err
	}
	var newest string
	var nv Version
	for _, n := range names {
		m := otherReleaseTagRE.FindStringSubmatch(n)
		if m == nil || m[1] == "v" || (m[3] != "" && !validBuild(m[3])) {
			continue
		}
		v, err := ParseVersion(m[2])
		if err != nil || (prevTag != "" && v.Compare(prev) <= 0) {
			continue
		}
		if newest == "" || v.Compare(nv) > 0 {
			newest, nv = n, v
		}
	}
	if newest == "" {
		return nil
	}
	return refuse(fmt.Sprintf("git release names its tags vX.Y.Z, a prefix no setting changes: give that release its v tag (git tag %s %s), then run git release again", nv.Tag(), cli.ShellWord(newest+"^{}")),
		"tag %s marks release %s, but git release reads only tags named vX.Y.Z (HEAD reaches none as new): it would release %s's commits again", newest, nv, newest)
}

// previousTag picks, of tags of one version that HEAD reaches (vX.Y.Z
// and vX.Y.Z+BUILD), the one whose commit the others' lead to: the
// commits it reaches went out in that version, and the next release is
// what came after. On one commit, or on commits neither reaches, the
// plain vX.Y.Z is kept (else the first by name).
func previousTag(ctx context.Context, r *gitrepo.Repo, tags []string) (string, error) {
	if len(tags) == 1 {
		return tags[0], nil
	}
	slices.SortFunc(tags, func(a, b string) int {
		_, ba, _ := TagVersion(a)
		_, bb, _ := TagVersion(b)
		if ba != bb {
			if ba {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	best, _, err := r.LookupTag(ctx, tags[0])
	if err != nil {
		return "", err
	}
	for _, n := range tags[1:] {
		t, ok, err := r.LookupTag(ctx, n)
		if err != nil {
			return "", err
		}
		if !ok || t.Commit == best.Commit {
			continue
		}
		later, err := r.IsAncestor(ctx, best.Commit, t.Commit)
		if err != nil {
			return "", err
		}
		if later {
			best = t
		}
	}
	return best.Name, nil
}

// buildTagOf finds a tag that marks version v with build metadata
// (vX.Y.Z+BUILD) among names: the same version as the vX.Y.Z tag a
// release would make.
func buildTagOf(v Version, names []string) string {
	for _, n := range names {
		if w, build, ok := TagVersion(n); ok && build && w == v {
			return n
		}
	}
	return ""
}

// checkBump refuses what is neither a bump nor a version; message is
// what followed it.
func checkBump(bump, message string) error {
	if cli.LooksLikeKey(message) {
		// The message is the release commit's subject, which every
		// clone gets: a key pasted there is refused, not committed.
		return &Error{Usage: true, Msg: "the release message " + cli.KeyNotShown,
			Hint: "the message goes into the release commit, which every clone gets: leave the key out (and rotate it if it was shared)"}
	}
	switch Bump(bump) {
	case BumpPatch, BumpMinor, BumpMajor, "", "auto":
		return nil
	}
	if _, err := ParseVersion(bump); err != nil {
		return unknownBump(bump, message)
	}
	return nil
}

// unknownBump is a word that is neither a bump nor a version; a typo of
// one, or of the notes command, is answered as a mistyped command is.
// Alone, and not written like a version, it is most likely the message
// given without its bump ("git release 'Search v2'"): the hint gives the
// command that releases with it.
func unknownBump(bump, message string) *Error {
	e := &Error{Usage: true, Msg: fmt.Sprintf("unknown bump %q", bump),
		Hint: "use patch, minor, major, auto or a version X.Y.Z (git release notes prints a release's notes)"}
	if cli.LooksLikeKey(bump) {
		// Pasted where the bump goes: neither the error nor a hint
		// that gives a command with it repeats it.
		e.Msg = "unknown bump " + cli.KeyNotShown
		return e
	}
	if pe := notARelease(bump); pe != nil {
		return pe
	}
	if near := cli.Nearest(bump, []string{"patch", "minor", "major", "auto", "notes"}); near != "" {
		e.Hint = fmt.Sprintf("did you mean 'git release %s'?", near)
	} else if message == "" && strings.Trim(bump, "v0123456789.") != "" {
		e.Hint = fmt.Sprintf("a message follows the bump: git release auto %s (or patch, minor, major or a version X.Y.Z in place of auto)", cli.ShellWord(bump))
	}
	return e
}

// notARelease answers a SemVer version that is no release version: a
// pre-release (1.2.0-rc.1), which release-please and goreleaser take
// and which was otherwise taken for a message given alone, or one with
// build metadata, which is the release without it.
func notARelease(s string) *Error {
	rest, build, hasBuild := strings.Cut(s, "+")
	if hasBuild && !validBuild(build) {
		return nil
	}
	core, pre, hasPre := strings.Cut(rest, "-")
	if hasPre && !validBuild(pre) {
		return nil
	}
	v, err := ParseVersion(core)
	if err != nil {
		return nil
	}
	tag := "v" + strings.TrimPrefix(rest, "v")
	switch {
	case hasPre:
		return &Error{Usage: true, Msg: fmt.Sprintf("%s is a pre-release version: git release makes release versions X.Y.Z", s),
			Hint: fmt.Sprintf("tag a pre-release by hand (git tag -a %s -m %s); git release passes over pre-release tags", cli.ShellWord(tag), cli.ShellWord(tag))}
	case hasBuild:
		return &Error{Usage: true, Msg: fmt.Sprintf("%s has build metadata, which is no part of a version", s),
			Hint: "git release " + v.String()}
	}
	return nil
}

// nextVersion applies the requested bump.
func (p *Plan) nextVersion(prev Version, bump string) (Version, error) {
	switch Bump(bump) {
	case BumpPatch, BumpMinor, BumpMajor:
		p.Bump, p.Reason = bump, "requested"
		return prev.Apply(Bump(bump)), nil
	case "", "auto":
		b := AutoBump(prev, p.Changes)
		p.Bump, p.Reason = string(b), p.autoReason(prev)
		return prev.Apply(b), nil
	}
	v, err := ParseVersion(bump)
	if err != nil {
		return Version{}, unknownBump(bump, "")
	}
	if v.Compare(prev) <= 0 {
		return Version{}, refuse(fmt.Sprintf("give a version above %s, or a bump: git release auto", prev),
			"version %s is not above the current %s", v, prev)
	}
	p.Bump, p.Reason = "explicit", "requested"
	return v, nil
}

func (p *Plan) autoReason(prev Version) string {
	breaking, dropped := 0, 0
	byGroup := map[string]int{}
	for _, c := range p.Changes {
		switch {
		case c.Dropped:
			dropped++
		case hiddenTypes[c.Type] && !c.Breaking:
			// Bookkeeping (session records, release commits): no
			// changelog entry, no bump, and so no part of the reason.
		case c.Breaking:
			breaking++
		default:
			byGroup[groupOf(c.Type)]++
		}
	}
	// Counted as Section lists them: breaking changes, each group in
	// its order, then Other.
	var parts []string
	if breaking > 0 {
		parts = append(parts, cli.Count(breaking, "breaking change"))
	}
	for _, g := range append(groups[:len(groups):len(groups)], group{title: "Other", noun: "other change"}) {
		if n := byGroup[g.title]; n > 0 {
			parts = append(parts, cli.Count(n, g.noun))
		}
	}
	if dropped > 0 {
		// Left out of the changelog too: said, so that the commits the
		// plan lists add up.
		parts = append(parts, cli.Count(dropped, "commit")+" left out (reverted in this release)")
	}
	reason := "auto: " + strings.Join(parts, ", ")
	if breaking > 0 && prev.Major == 0 {
		reason += " (before 1.0.0 a breaking change bumps the minor version)"
	}
	return reason
}

// checkUpstream refuses a branch that is behind or has diverged from the
// branch it is pushed to (where git push sends it: pushRemote and
// pushDefault honoured, at the remote's push URL when it has one), or from
// the one it tracks (at the fetch URL, where it is pulled from). The remote
// is asked directly (ls-remote), and missing commits are fetched without
// moving any ref, so even a dry run sees the truth and leaves every ref as
// it was. An unreachable remote is a warning: the last fetched state is
// used instead.
//
// Where git push with no arguments would not push the branch
// (push.default=nothing, simple with an upstream of another name,
// matching with no branch of the name on the remote, remote.<name>.push
// refspecs that leave it out or are not followed),
// --push is refused: it pushes where git push would.
func (p *Plan) checkUpstream(ctx context.Context, r *gitrepo.Repo, branch string, push bool) error {
	up, ok, err := r.PushTarget(ctx, branch)
	var none *gitrepo.NoPushTargetError
	switch {
	case errors.As(err, &none) && push && none.Tracked != "":
		return refuse(fmt.Sprintf("to push to %s/%s, run 'git -c push.default=upstream release --push'; to %s/%s, 'git -c push.default=current release --push'", none.Remote, none.Tracked, none.Remote, none.Branch),
			"--push: %v", err)
	case errors.As(err, &none) && push && none.Matching:
		return refuse(fmt.Sprintf("run 'git -c push.default=current release --push' to make %s/%s, or push the branch once yourself (git push -u %s %s) and run 'git release --push' again", none.Remote, none.Branch, none.Remote, none.Branch),
			"--push: %v", err)
	case errors.As(err, &none) && push:
		return refuse(fmt.Sprintf("set where git push sends it (push.default, remote.%s.push), or release without --push and push the branch and the tag yourself", none.Remote),
			"--push: %v", err)
	case errors.As(err, &none):
		if tr, ok := r.TrackedBranch(ctx, branch); ok {
			return p.compareWith(ctx, r, branch, tr, 0)
		}
		return nil
	case err != nil:
		return err
	case !ok:
		return nil
	}
	p.Remote, p.RemoteRef = up.Remote, up.Ref
	pushURLs := len(r.PushURLs(ctx, up.Remote))
	// Pulled from elsewhere than it is pushed to (pushRemote, pushDefault,
	// a push URL): behind the one it pulls from is refused as well.
	if tr, ok := r.TrackedBranch(ctx, branch); ok && (tr != up || pushURLs > 0) {
		if err := p.compareWith(ctx, r, branch, tr, 0); err != nil {
			return err
		}
	}
	return p.compareWith(ctx, r, branch, up, pushURLs)
}

// compareWith refuses a branch behind or diverged from the remote branch
// up, asking the remote itself: its fetch URL when pushURLs is 0, else
// each of its pushURLs push URLs.
func (p *Plan) compareWith(ctx context.Context, r *gitrepo.Repo, branch string, up gitrepo.RemoteBranch, pushURLs int) error {
	name := strings.TrimPrefix(up.Ref, "refs/heads/")
	where, at := up.Remote+"/"+name, ""
	if pushURLs > 0 {
		at = " at its push URL"
	}
	var commits []string
	var err error
	if pushURLs > 0 {
		commits, err = r.PushedCommits(ctx, up.Remote, up.Ref)
	} else {
		var c string
		c, err = r.RemoteCommit(ctx, up.Remote, up.Ref)
		commits = []string{c}
	}
	if errors.Is(err, gitrepo.ErrUnfetched) {
		fetch, each := cli.PushURLCommand("git fetch URL", up.Remote, pushURLs)
		return refuse(fmt.Sprintf("fetch it yourself (%s%s) and try again", fetch, each),
			"cannot compare %s with %s%s: its commits could not be fetched", branch, where, at)
	}
	if err != nil && pushURLs > 0 {
		// The remote-tracking branch is the fetch URL's: no stand-in.
		p.Warnings = append(p.Warnings, fmt.Sprintf("could not reach the push URL of %s to compare %s with it", up.Remote, branch))
		return nil
	}
	if err != nil {
		tracking := "refs/remotes/" + up.Remote + "/" + name
		h, terr := r.ResolveCommit(ctx, tracking)
		if terr != nil {
			p.Warnings = append(p.Warnings, fmt.Sprintf("could not reach %s to compare %s with it", up.Remote, branch))
			return nil
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf("could not reach %s; compared %s with the last fetched %s/%s", up.Remote, branch, up.Remote, name))
		commits = []string{h}
	}
	for _, theirs := range commits {
		if err := p.behind(ctx, r, branch, theirs, up.Remote, name, pushURLs); err != nil {
			return err
		}
	}
	return nil
}

// behind refuses a branch that lacks commits of theirs, the commit of
// remote's branch name (at its push URL when pushURLs is not 0).
func (p *Plan) behind(ctx context.Context, r *gitrepo.Repo, branch, theirs, remote, name string, pushURLs int) error {
	at := ""
	if pushURLs > 0 {
		at = " at its push URL"
	}
	if theirs == "" {
		return nil // not pushed yet: nothing to be behind of
	}
	ahead, behind, err := r.AheadBehind(ctx, "HEAD", theirs)
	if err != nil {
		return err
	}
	switch {
	case behind > 0 && ahead > 0 && pushURLs > 0:
		pull, each := cli.PushURLCommand("git pull --rebase URL "+name, remote, pushURLs)
		return refuse(fmt.Sprintf("integrate %s/%s%s first (%s%s), then release", remote, name, at, pull, each),
			"%s has diverged from %s/%s%s (%d and %d different commits)", branch, remote, name, at, ahead, behind)
	case behind > 0 && ahead > 0:
		return refuse(fmt.Sprintf("integrate %s/%s first (git pull --rebase), then release", remote, name),
			"%s has diverged from %s/%s (%d and %d different commits)", branch, remote, name, ahead, behind)
	case behind > 0:
		pull, each := cli.PushURLCommand("git pull --ff-only URL "+name, remote, pushURLs)
		return refuse(fmt.Sprintf("update it first (%s%s), then release", pull, each),
			"%s is %s behind %s/%s%s", branch, cli.Count(behind, "commit"), remote, name, at)
	}
	return nil
}

// countDropped is how many of changes the release does not ship.
func countDropped(changes []Change) int {
	n := 0
	for _, c := range changes {
		if c.Dropped {
			n++
		}
	}
	return n
}

// bookkeepingTypes names the commit types of changes, "session:, release:".
func bookkeepingTypes(changes []Change) string {
	var types []string
	for _, c := range changes {
		if t := c.Type + ":"; !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	return strings.Join(types, ", ")
}
