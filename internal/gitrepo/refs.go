package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Config returns a git config value, "" when unset.
func (r *Repo) Config(ctx context.Context, key string) string {
	v, err := r.Git(ctx, "config", "--get", key)
	if err != nil {
		return ""
	}
	return v
}

// ConfigSource is a config value as git uses it, and where git read it.
type ConfigSource struct {
	Value string
	// Scope is "system", "global", "local", "worktree" or "command"
	// (git -c, GIT_CONFIG_PARAMETERS).
	Scope string
	// Origin is the file that sets it ("file:/home/u/.gitconfig"), or
	// "command line:".
	Origin string
}

// File is the config file that sets the value, "" when none does.
func (s ConfigSource) File() string {
	f, ok := strings.CutPrefix(s.Origin, "file:")
	if !ok {
		return ""
	}
	return f
}

// ConfigSourceOf returns the value of key that git uses (the last one
// set) and where it comes from; ok is false when it is not set.
func (r *Repo) ConfigSourceOf(ctx context.Context, key string) (src ConfigSource, ok bool) {
	out, err := r.GitBytes(ctx, "config", "-z", "--show-scope", "--show-origin", "--get", key)
	if err != nil {
		return ConfigSource{}, false
	}
	// SCOPE NUL ORIGIN NUL VALUE NUL: unquoted, whatever the paths hold.
	f := strings.SplitN(strings.TrimSuffix(string(out), "\x00"), "\x00", 3)
	if len(f) != 3 {
		return ConfigSource{}, false
	}
	return ConfigSource{Scope: f[0], Origin: f[1], Value: f[2]}, true
}

// HooksDir is the directory git runs hooks from: core.hooksPath when set,
// else the common git dir's hooks/ (shared by all worktrees).
func (r *Repo) HooksDir(ctx context.Context) (string, error) {
	return r.Git(ctx, "rev-parse", "--path-format=absolute", "--git-path", "hooks")
}

// FileConfigSourceOf is ConfigSourceOf without the values given on git's
// command line or in the environment (git -c, GIT_CONFIG_PARAMETERS,
// GIT_CONFIG_COUNT): the value of key that every git command in the
// repository uses unless one is given it.
func (r *Repo) FileConfigSourceOf(ctx context.Context, key string) (src ConfigSource, ok bool) {
	out, err := r.GitBytes(ctx, "config", "-z", "--show-scope", "--show-origin", "--get-all", key)
	if err != nil {
		return ConfigSource{}, false
	}
	// SCOPE NUL ORIGIN NUL VALUE NUL for each value, in the order git
	// reads them: the last one wins.
	f := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	for i := 0; i+2 < len(f); i += 3 {
		if f[i] != "command" {
			src, ok = ConfigSource{Scope: f[i], Origin: f[i+1], Value: f[i+2]}, true
		}
	}
	return src, ok
}

// ConfiguredHooksDir is HooksDir without a core.hooksPath given on git's
// command line or in the environment: the directory every git command in
// the repository runs hooks from unless one is given it.
func (r *Repo) ConfiguredHooksDir(ctx context.Context) (string, error) {
	src, ok := r.FileConfigSourceOf(ctx, "core.hooksPath")
	if !ok {
		return filepath.Join(r.CommonDir, "hooks"), nil
	}
	// Given last, it wins over the environment's; git resolves it (~,
	// relative to the worktree) as it does for a hook.
	dir, err := r.Git(ctx, "-c", "core.hooksPath="+src.Value, "rev-parse", "--path-format=absolute", "--git-path", "hooks")
	if err != nil {
		// Made absolute, the path is resolved, which fails where a file
		// is one of its folders (tools/hooks, tools a file): the path
		// git gives relative to r.Dir() lets the caller name that file.
		if rel, relErr := r.Git(ctx, "-c", "core.hooksPath="+src.Value, "rev-parse", "--git-path", "hooks"); relErr == nil && rel != "" {
			if !filepath.IsAbs(rel) {
				rel = filepath.Join(r.Dir(), rel)
			}
			return rel, nil
		}
	}
	return dir, err
}

// ExcludeFile is the repository's own ignore file (info/exclude in the
// common git dir): read by git in every worktree, and never shared.
func (r *Repo) ExcludeFile(ctx context.Context) (string, error) {
	return r.Git(ctx, "rev-parse", "--path-format=absolute", "--git-path", "info/exclude")
}

// ResolveCommit returns the full hash of the commit rev names.
func (r *Repo) ResolveCommit(ctx context.Context, rev string) (string, error) {
	if o := r.objects(); o != nil {
		if h, ok := o.ResolveCommit(rev); ok {
			return h, nil
		}
	}
	// ":/text" takes the rest of the revision as its pattern, a ^{commit}
	// suffix included; it names a commit anyway.
	spec := rev + "^{commit}"
	if strings.HasPrefix(rev, ":/") {
		spec = rev
	}
	out, err := r.Git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", spec)
	// "^A" is no commit but its exclusion, which git prints as "^<hash>".
	if err != nil || !isHash(out) {
		return "", fmt.Errorf("unknown revision %q", rev)
	}
	return out, nil
}

// CommitByHash returns the commit whose hash is hex or begins with it,
// read as an object name only: git resolves a ref of the same name first
// (a tag 2024, a branch cafe), which names another commit or none.
func (r *Repo) CommitByHash(ctx context.Context, hex string) (string, error) {
	hex = strings.ToLower(hex)
	h, err := r.ResolveCommit(ctx, hex)
	if err != nil || strings.HasPrefix(h, hex) {
		return h, err
	}
	// A ref shadows the name: the objects that have the prefix.
	out, err := r.Git(ctx, "rev-parse", "--disambiguate="+hex)
	var found string
	for _, o := range strings.Fields(out) {
		// A tag object peels to another hash: only a commit is itself.
		if c, err := r.ResolveCommit(ctx, o); err == nil && c == o {
			if found != "" {
				return "", fmt.Errorf("%s names more than one commit", hex)
			}
			found = c
		}
	}
	if err != nil || found == "" {
		return "", fmt.Errorf("no commit's hash begins with %s", hex)
	}
	return found, nil
}

// AmbiguousRef reports whether name, given to git as a short name (git
// push origin NAME), matches more than one ref: a branch v1 beside the tag
// v1, which git push refuses ("src refspec v1 matches more than one").
func (r *Repo) AmbiguousRef(ctx context.Context, name string) bool {
	// The places git looks a short name up in (git help revisions).
	full := []string{"refs/" + name, "refs/tags/" + name, "refs/heads/" + name, "refs/remotes/" + name, "refs/remotes/" + name + "/HEAD"}
	out, err := r.Git(ctx, append([]string{"for-each-ref", "--format=%(refname)", "--"}, full...)...)
	if err != nil {
		return false
	}
	n := 0
	for _, l := range strings.Split(out, "\n") {
		// A pattern also matches the refs below it (refs/heads/v1/x).
		if slices.Contains(full, l) {
			n++
		}
	}
	return n > 1
}

// isHash reports whether s is a full object id (SHA-1 or SHA-256).
func isHash(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}

// HasCommits reports whether HEAD points at a commit (false in a
// repository with no commits yet).
func (r *Repo) HasCommits(ctx context.Context) bool {
	_, err := r.ResolveCommit(ctx, "HEAD")
	return err == nil
}

// UnbornBranch reports whether HEAD names a branch with no commits yet
// (git switch --orphan, or a repository's first branch) and returns it,
// with the branches that have commits: none in a repository without a
// commit.
func (r *Repo) UnbornBranch(ctx context.Context) (branch string, others []string, unborn bool) {
	if r.HasCommits(ctx) {
		return "", nil, false
	}
	branch, err := r.CurrentBranch(ctx)
	if err != nil || branch == "" {
		return "", nil, false
	}
	out, err := r.Git(ctx, "for-each-ref", "--format=%(refname:strip=2)", "refs/heads/")
	if err != nil {
		return branch, nil, true
	}
	for _, l := range strings.Split(out, "\n") {
		if l != "" {
			others = append(others, l)
		}
	}
	return branch, others, true
}

// PreferredBranch is the branch of branches to suggest switching to:
// main or master when there is one, else the first.
func PreferredBranch(branches []string) string {
	for _, b := range []string{"main", "master"} {
		if slices.Contains(branches, b) {
			return b
		}
	}
	if len(branches) == 0 {
		return "BRANCH"
	}
	return branches[0]
}

// CurrentBranch returns the short name of the checked-out branch, or ""
// when HEAD is detached. The name is the ref's less refs/heads/, not
// --short's: a branch named like a tag (v1 beside the tag v1) came out
// as heads/v1, under which its upstream was not found and a push made a
// branch heads/v1.
func (r *Repo) CurrentBranch(ctx context.Context) (string, error) {
	out, err := r.Git(ctx, "symbolic-ref", "--quiet", "HEAD")
	if err != nil {
		// A git that Ctrl-C killed said nothing about HEAD.
		if cerr := ctx.Err(); cerr != nil {
			return "", cerr
		}
		var ge *Error
		if errors.As(err, &ge) {
			return "", nil
		}
		return "", err
	}
	return strings.TrimPrefix(out, "refs/heads/"), nil
}

// RemoteHead returns the branch a remote's HEAD names (its default
// branch, which a clone records as refs/remotes/NAME/HEAD), "" when it
// records none.
func (r *Repo) RemoteHead(ctx context.Context, remote string) string {
	out, err := r.Git(ctx, "symbolic-ref", "--quiet", "refs/remotes/"+remote+"/HEAD")
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(out, "refs/remotes/"+remote+"/")
}

// DirtyTracked lists tracked files with uncommitted changes (staged or not);
// untracked files do not count. git status rewrites the index when
// stat data is stale, holding index.lock meanwhile: a git commit run
// beside it failed ("index.lock: File exists"), and git release
// --dry-run, which writes nothing, wrote it. No optional lock is taken.
func (r *Repo) DirtyTracked(ctx context.Context) ([]string, error) {
	out, err := r.Git(ctx, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return nil, err
	}
	var files []string
	for _, l := range strings.Split(out, "\n") {
		if len(l) > 3 {
			files = append(files, l[3:])
		}
	}
	return files, nil
}

// Tag is a tag and the commit it points at.
type Tag struct {
	Name      string
	Commit    string // the commit the tag (peeled) points at
	Annotated bool
	Message   string // annotated tags only
}

// Tags lists tags whose names start with prefix, peeled to the commits
// they mark; a tag of a tree or a blob is not ours to judge and is left
// out.
func (r *Repo) Tags(ctx context.Context, prefix string) ([]Tag, error) {
	if o := r.objects(); o != nil {
		if tags, ok := o.Tags(prefix); ok {
			return tags, nil
		}
	}
	return r.tagsFromGit(ctx, "refs/tags/", func(name string) bool { return strings.HasPrefix(name, prefix) })
}

// LookupTag returns the tag called name, or ok=false when there is none.
func (r *Repo) LookupTag(ctx context.Context, name string) (Tag, bool, error) {
	if o := r.objects(); o != nil {
		if t, found, ok := o.LookupTag(name); ok {
			return t, found, nil
		}
	}
	tags, err := r.tagsFromGit(ctx, "refs/tags/"+name, func(n string) bool { return n == name })
	if err != nil || len(tags) == 0 {
		return Tag{}, false, err
	}
	return tags[0], true, nil
}

// tagsFromGit lists the tags under pattern (a for-each-ref pattern)
// whose short names keep says.
func (r *Repo) tagsFromGit(ctx context.Context, pattern string, keep func(string) bool) ([]Tag, error) {
	// NUL between fields, NUL and the newline for-each-ref adds after
	// each tag: a tag's message may hold newlines but never a NUL.
	out, err := r.GitBytes(ctx, "for-each-ref", "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(contents)%00%(contents:signature)%00", "--", pattern)
	if err != nil {
		return nil, err
	}
	var tags []Tag
	for _, rec := range strings.Split(string(out), "\x00\n") {
		f := strings.Split(rec, "\x00")
		if len(f) != 7 || !keep(f[0]) {
			continue
		}
		t := Tag{Name: f[0]}
		switch {
		case f[1] == "commit":
			t.Commit = f[2]
		case f[1] == "tag" && f[3] == "commit":
			t.Commit, t.Annotated = f[4], true
		case f[1] == "tag" && f[3] == "tag":
			// A tag of a tag: for-each-ref peels one level, git rev-parse
			// all of them.
			h, err := r.Git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", "refs/tags/"+f[0]+"^{commit}")
			if err != nil || h == "" {
				continue
			}
			t.Commit, t.Annotated = h, true
		default:
			continue
		}
		if t.Annotated {
			t.Message = strings.TrimSuffix(f[5], f[6])
		}
		tags = append(tags, t)
	}
	return tags, nil
}

// ErrTagExists is returned by CreateTag when the name is taken.
var ErrTagExists = errors.New("tag already exists")

// CreateTag creates the annotated tag name on commit with message, signed
// when the user's config asks git tag to sign (SignsTags): it is a tag a
// person makes, as git tag -F would. Tags that hooks and CI make from
// markers are CreateCommitTag's, never signed. It never moves an existing
// tag: git's ref lock makes the create atomic, and an existing name fails
// with ErrTagExists.
//
// sign says that the config asks for the signature (SignsTags): a tag
// git made without one fails too, and is deleted again. git 2.39 signing
// with gpg.format=ssh prints why its signing program failed and exits 0,
// the tag made unsigned.
func (r *Repo) CreateTag(ctx context.Context, name, commit, message string, sign bool) error {
	if !strings.HasSuffix(message, "\n") {
		message += "\n"
	}
	// No --annotate: --file makes the tag annotated, and with --annotate
	// git tag leaves out tag.forceSignAnnotated. Cleanup verbatim keeps
	// the message exactly as given.
	args := []string{"tag", "--cleanup=verbatim", "--file=-", "--end-of-options", name, commit}
	cmd := r.command(ctx, args...)
	cmd.Stdin = strings.NewReader(message)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if t, ok, _ := r.LookupTag(ctx, name); ok {
			return fmt.Errorf("%w: %s points at %s", ErrTagExists, name, Short(t.Commit))
		}
		return &Error{Args: args, Stderr: stderr.String(), Err: err}
	}
	if !sign {
		return nil
	}
	// Verbatim, an unsigned tag's message is exactly the one given; a
	// signature follows it.
	obj, err := r.GitBytes(ctx, "cat-file", "tag", "refs/tags/"+name)
	if err != nil {
		return err
	}
	if _, payload, _ := bytes.Cut(obj, []byte("\n\n")); string(payload) != message {
		return nil
	}
	if err := r.DeleteTag(ctx, name, commit); err != nil {
		return fmt.Errorf("git tag made %s without a signature, and deleting it failed: %w", name, err)
	}
	return &Error{Args: args, Stderr: stderr.String(), Err: fmt.Errorf("made %s without a signature", name)}
}

// SignsTags reports whether CreateTag signs: tag.gpgSign or
// tag.forceSignAnnotated is true in the config git reads here (-c
// included). A value that is not a boolean makes git tag fail, as it
// would make it fail for the user.
func (r *Repo) SignsTags(ctx context.Context) bool {
	for _, key := range []string{"tag.gpgSign", "tag.forceSignAnnotated"} {
		if v, err := r.Git(ctx, "config", "--type=bool", "--get", key); err == nil && v == "true" {
			return true
		}
	}
	return false
}

// CheckSigning signs a throwaway commit object as CreateTag's git tag
// signs (user.signingKey, else the committer's identity; gpg.format and
// its program), to tell before a release whether signing works here.
// Nothing in the repository changes: the object goes to a temporary
// object directory (the repository's own read through it as an
// alternate), removed after. The error is git's, which says why.
func (r *Repo) CheckSigning(ctx context.Context) error {
	objects, err := r.Git(ctx, "rev-parse", "--path-format=absolute", "--git-path", "objects")
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "verdigris-signing-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cmd := r.command(ctx, "commit-tree", "-S", "-m", "verdigris: signing check", "HEAD^{tree}")
	cmd.Env = append(cmd.Env, "GIT_OBJECT_DIRECTORY="+tmp, "GIT_ALTERNATE_OBJECT_DIRECTORIES="+objects)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return &Error{Args: cmd.Args[1:], Stderr: stderr.String(), Err: err}
	}
	return nil
}

// CreateCommitTag creates the annotated tag name on commit with message,
// as an object made of the commit and the message alone: its tagger is
// the commit's committer, with the commit's date and zone, and it is never
// signed. Two clones that tag one commit so (a hook on the laptop that
// made it, a CI job) make the same object, so each fetches or pushes the
// other's as up to date; a tag made with git tag names whoever ran it
// and when, an object of its own, which git refuses to clobber with the
// other. Nothing else enters it: not user.name, tag.gpgSign or
// user.signingKey, i18n.* or log.* (the name and email are read in
// UTF-8, not mailmapped), nor GIT_COMMITTER_*. Like CreateTag it never
// moves an existing tag: that fails with ErrTagExists.
func (r *Repo) CreateCommitTag(ctx context.Context, name, commit, message string) error {
	if !strings.HasSuffix(message, "\n") {
		message += "\n"
	}
	// The commit object itself, not a replacement (git replace) that
	// this clone may have and another not.
	ident, err := r.Git(ctx, "--no-replace-objects", "log", "-1", "--no-show-signature", "--no-mailmap", "--encoding=UTF-8", "--date=raw", "--format=%cn <%ce> %cd", "--end-of-options", commit)
	if err != nil {
		return err
	}
	obj := fmt.Sprintf("object %s\ntype commit\ntag %s\ntagger %s\n\n%s", commit, name, ident, message)
	// mktag checks the object as git tag would have made it (a commit of
	// that id, a tagger line git reads) before writing it.
	id, err := r.GitInput(ctx, strings.NewReader(obj), "mktag")
	if err != nil {
		return err
	}
	// An empty old value: create, never overwrite.
	if _, err := r.Git(ctx, "update-ref", "-m", "tag "+name, "refs/tags/"+name, id, ""); err != nil {
		if t, ok, _ := r.LookupTag(ctx, name); ok {
			return fmt.Errorf("%w: %s points at %s", ErrTagExists, name, Short(t.Commit))
		}
		return err
	}
	return nil
}

// Commit reads one commit object.
func (r *Repo) Commit(ctx context.Context, rev string) (*Commit, error) {
	if o := r.objects(); o != nil {
		if c, ok := o.Commit(rev); ok {
			return c, nil
		}
	}
	h, err := r.ResolveCommit(ctx, rev)
	if err != nil {
		return nil, err
	}
	cs, err := r.Log(ctx, "-1", h)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, fmt.Errorf("unknown revision %q", rev)
	}
	return &cs[0], nil
}

// Short is a commit hash as the commands print it: its first seven
// characters, as git's default abbreviation.
func Short(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
