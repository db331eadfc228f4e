// Package inprocess is gitrepo's in-process reader of refs and objects
// (go-git). Importing it registers the reader: every gitrepo.Repo of the
// program then reads HEAD, tags, commits and files without starting git,
// and gitrepo.HeadMessage works at all. Packages whose work runs on the
// `git commit` latency path (the session hooks) import it; a program that
// does not links no go-git and asks git instead (see
// gitrepo.ObjectReader).
package inprocess

import (
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

func init() { gitrepo.RegisterObjectReader(open) }

type reader struct{ gg *git.Repository }

// open opens the git directory git named (r.GitDir: this worktree's HEAD
// and its own refs) over its common directory (the shared refs and
// objects), with the worktree's top as go-git's worktree. It never looks
// for a .git under r.Root: a repository given by --git-dir or $GIT_DIR
// (a dotfiles repository whose work tree, $HOME, is also another
// repository's) has its git dir elsewhere, and the .git there is the
// other repository's.
func open(r *gitrepo.Repo) (gitrepo.ObjectReader, error) {
	if r.GitDir == "" {
		return nil, git.ErrRepositoryNotExists
	}
	dot := osfs.New(r.GitDir)
	if _, err := dot.Stat(""); err != nil {
		return nil, err
	}
	var fs billy.Filesystem = dot
	if r.CommonDir != "" && filepath.Clean(r.CommonDir) != filepath.Clean(r.GitDir) {
		fs = dotgit.NewRepositoryFilesystem(dot, osfs.New(r.CommonDir))
	}
	var wt billy.Filesystem
	if !r.Bare && r.Root != "" {
		wt = osfs.New(r.Root)
	}
	gg, err := git.Open(filesystem.NewStorage(fs, cache.NewObjectLRUDefault()), wt)
	if err != nil {
		return nil, err
	}
	return &reader{gg: gg}, nil
}

// ResolveCommit does not know every revision syntax (":/text",
// "@{upstream}", "A^{tree}"): for those it is not ok.
func (o *reader) ResolveCommit(rev string) (string, bool) {
	c, ok := o.commit(rev)
	if !ok {
		return "", false
	}
	return c.Hash.String(), true
}

// Commit leaves a commit whose message is in another encoding than
// UTF-8 (i18n.commitEncoding) to git, which re-encodes it as gitrepo's
// reads of history do: go-git hands on its bytes, so the hook read a
// Latin-1 subject that sync read in UTF-8, and tagged the marker with
// another message than CI's.
func (o *reader) Commit(rev string) (*gitrepo.Commit, bool) {
	c, ok := o.commit(rev)
	if !ok || !isUTF8(c.Encoding) {
		return nil, false
	}
	return fromObject(c), true
}

// isUTF8 reports whether a commit's encoding header names UTF-8 (or is
// absent), as git reads it.
func isUTF8(enc object.MessageEncoding) bool {
	return enc == "" || strings.EqualFold(string(enc), "UTF-8") || strings.EqualFold(string(enc), "UTF8")
}

// commit reads the commit rev names: a full hash directly, HEAD or a
// full ref name through the refs alone (what a hook asks, on the commit's
// latency path: resolving it as a revision costs a third of a
// millisecond more), anything else resolved as a revision.
func (o *reader) commit(rev string) (*object.Commit, bool) {
	h, ok := fullHash(rev)
	if !ok && (rev == "HEAD" || strings.HasPrefix(rev, "refs/")) {
		if ref, err := o.gg.Reference(plumbing.ReferenceName(rev), true); err == nil {
			h, ok = ref.Hash(), true
		}
	}
	if !ok {
		if !readsAsGit(rev) {
			return nil, false
		}
		p, err := o.gg.ResolveRevision(plumbing.Revision(rev))
		if err != nil {
			return nil, false
		}
		h = *p
	}
	c, err := o.gg.CommitObject(h)
	if err != nil {
		return nil, false
	}
	return c, true
}

func (o *reader) FileAt(hash, path string) (data []byte, found, ok bool) {
	h, ok := fullHash(hash)
	if !ok {
		return nil, false, false
	}
	c, err := o.gg.CommitObject(h)
	if err != nil {
		return nil, false, false
	}
	f, err := c.File(path)
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, false, true
	}
	if err != nil {
		return nil, false, false
	}
	rd, err := f.Reader()
	if err != nil {
		return nil, false, false
	}
	defer rd.Close()
	data, err = io.ReadAll(rd)
	if err != nil {
		return nil, false, false
	}
	return data, true, true
}

func (o *reader) Tags(prefix string) ([]gitrepo.Tag, bool) {
	iter, err := o.gg.Tags()
	if err != nil {
		return nil, false
	}
	var tags []gitrepo.Tag
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().Short()
		if !strings.HasPrefix(name, prefix) {
			return nil
		}
		// A tag of a tree, or of an object this clone lacks, is not a
		// marker of ours to judge.
		if t, isCommit, _ := o.peel(name, ref.Hash()); isCommit {
			tags = append(tags, t)
		}
		return nil
	})
	// Loose refs first, then packed ones: in name order, as git lists them.
	slices.SortFunc(tags, func(a, b gitrepo.Tag) int { return strings.Compare(a.Name, b.Name) })
	return tags, err == nil
}

func (o *reader) LookupTag(name string) (gitrepo.Tag, bool, bool) {
	ref, err := o.gg.Reference(plumbing.NewTagReferenceName(name), true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return gitrepo.Tag{}, false, true
	}
	if err != nil {
		return gitrepo.Tag{}, false, false
	}
	t, isCommit, readable := o.peel(name, ref.Hash())
	return t, isCommit, readable
}

// peel follows a tag to what it marks: isCommit is false for a tag of a
// tree or a blob, readable false when an object cannot be read here.
func (o *reader) peel(name string, h plumbing.Hash) (t gitrepo.Tag, isCommit, readable bool) {
	t.Name = name
	for i := 0; ; i++ {
		obj, err := o.gg.Storer.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return t, false, false
		}
		switch obj.Type() {
		case plumbing.CommitObject:
			t.Commit = h.String()
			return t, true, true
		case plumbing.TagObject:
			to, err := object.DecodeTag(o.gg.Storer, obj)
			if err != nil {
				return t, false, false
			}
			if i == 0 {
				t.Annotated, t.Message = true, to.Message
			}
			h = to.Target
		default:
			return t, false, true
		}
		if i == 10 {
			return t, false, false // a chain of tags this long: let git judge
		}
	}
}

// readsAsGit reports whether go-git's ResolveRevision names the commit
// git would: it reads HEAD@{2} and main@{1} as HEAD and main (it knows no
// reflog), A^{tree} as A, and a short hash before a ref of that name
// (git takes the ref); "@" it does not know. Those are git's to answer.
func readsAsGit(rev string) bool {
	if strings.Contains(rev, "@{") {
		return false
	}
	for rest := rev; ; {
		i := strings.Index(rest, "^{")
		if i < 0 {
			break
		}
		if !strings.HasPrefix(rest[i:], "^{}") && !strings.HasPrefix(rest[i:], "^{commit}") {
			return false
		}
		rest = rest[i+2:]
	}
	name := rev
	if i := strings.IndexAny(rev, "~^:"); i >= 0 {
		name = rev[:i]
	}
	if name == "@" {
		return false
	}
	_, err := hex.DecodeString(name + strings.Repeat("0", len(name)%2))
	return err != nil || len(name) == 40
}

// fullHash parses a 40-digit SHA-1 hash, the only kind go-git reads.
func fullHash(s string) (plumbing.Hash, bool) {
	if len(s) != 40 {
		return plumbing.ZeroHash, false
	}
	if _, err := hex.DecodeString(s); err != nil {
		return plumbing.ZeroHash, false
	}
	return plumbing.NewHash(s), true
}

func fromObject(c *object.Commit) *gitrepo.Commit {
	out := &gitrepo.Commit{
		Hash:           c.Hash.String(),
		AuthorName:     c.Author.Name,
		AuthorEmail:    c.Author.Email,
		AuthorTime:     c.Author.When,
		CommitterName:  c.Committer.Name,
		CommitterEmail: c.Committer.Email,
		CommitTime:     c.Committer.When,
		Message:        c.Message,
	}
	for _, p := range c.ParentHashes {
		out.Parents = append(out.Parents, p.String())
	}
	out.Subject, out.Body = gitrepo.SplitMessage(c.Message)
	return out
}
