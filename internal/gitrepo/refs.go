package gitrepo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Config returns a git config value, "" when unset.
func (r *Repo) Config(ctx context.Context, key string) string {
	v, err := r.Git(ctx, "config", "--get", key)
	if err != nil {
		return ""
	}
	return v
}

// HooksDir is the directory git runs hooks from: core.hooksPath when set,
// else the common git dir's hooks/ (shared by all worktrees).
func (r *Repo) HooksDir(ctx context.Context) (string, error) {
	return r.Git(ctx, "rev-parse", "--path-format=absolute", "--git-path", "hooks")
}

// ResolveCommit returns the full hash of the commit rev names.
func (r *Repo) ResolveCommit(ctx context.Context, rev string) (string, error) {
	gg, err := r.GoGit()
	if err == nil {
		if h, err := gg.ResolveRevision(plumbing.Revision(rev)); err == nil {
			if c, err := gg.CommitObject(*h); err == nil {
				return c.Hash.String(), nil
			}
		}
	}
	// go-git does not understand every revision syntax (":/text",
	// "@{upstream}", "A^{tree}"): ask git.
	out, err := r.Git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil || out == "" {
		return "", fmt.Errorf("unknown revision %q", rev)
	}
	return out, nil
}

// HasCommits reports whether HEAD points at a commit (false in a
// repository with no commits yet).
func (r *Repo) HasCommits(ctx context.Context) bool {
	_, err := r.ResolveCommit(ctx, "HEAD")
	return err == nil
}

// CurrentBranch returns the short name of the checked-out branch, or ""
// when HEAD is detached.
func (r *Repo) CurrentBranch(ctx context.Context) (string, error) {
	out, err := r.Git(ctx, "symbolic-ref", "--quiet", "--short", "HEAD")
	if err != nil {
		var ge *Error
		if errors.As(err, &ge) {
			return "", nil
		}
		return "", err
	}
	return out, nil
}

// DirtyTracked lists tracked files with uncommitted changes (staged or not);
// untracked files do not count.
func (r *Repo) DirtyTracked(ctx context.Context) ([]string, error) {
	out, err := r.Git(ctx, "status", "--porcelain", "--untracked-files=no")
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

// Tags lists tags whose names start with prefix.
func (r *Repo) Tags(ctx context.Context, prefix string) ([]Tag, error) {
	gg, err := r.GoGit()
	if err != nil {
		return nil, err
	}
	iter, err := gg.Tags()
	if err != nil {
		return nil, err
	}
	var tags []Tag
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().Short()
		if !strings.HasPrefix(name, prefix) {
			return nil
		}
		t, err := r.peel(name, ref.Hash())
		if err != nil {
			return nil // a tag on a tree or a missing object: not ours to judge
		}
		tags = append(tags, t)
		return nil
	})
	return tags, err
}

// LookupTag returns the tag called name, or ok=false when there is none.
func (r *Repo) LookupTag(ctx context.Context, name string) (Tag, bool, error) {
	gg, err := r.GoGit()
	if err != nil {
		return Tag{}, false, err
	}
	ref, err := gg.Reference(plumbing.NewTagReferenceName(name), true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return Tag{}, false, nil
	}
	if err != nil {
		return Tag{}, false, err
	}
	t, err := r.peel(name, ref.Hash())
	return t, err == nil, err
}

func (r *Repo) peel(name string, h plumbing.Hash) (Tag, error) {
	gg, _ := r.GoGit()
	t := Tag{Name: name}
	for i := 0; i < 10; i++ {
		to, err := gg.TagObject(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			break
		}
		if err != nil {
			return t, err
		}
		if i == 0 {
			t.Annotated, t.Message = true, to.Message
		}
		h = to.Target
		if to.TargetType != plumbing.TagObject {
			break
		}
	}
	c, err := gg.CommitObject(h)
	if err != nil {
		return t, err
	}
	t.Commit = c.Hash.String()
	return t, nil
}

// ErrTagExists is returned by CreateTag when the name is taken.
var ErrTagExists = errors.New("tag already exists")

// CreateTag creates the annotated tag name on commit with message. It never
// moves an existing tag: git's ref lock makes the create atomic, and an
// existing name fails with ErrTagExists.
func (r *Repo) CreateTag(ctx context.Context, name, commit, message string) error {
	if !strings.HasSuffix(message, "\n") {
		message += "\n"
	}
	// --no-sign: hooks and CI cannot answer a pinentry prompt; cleanup
	// verbatim keeps the message exactly as given.
	_, err := r.GitInput(ctx, strings.NewReader(message), "tag", "--no-sign", "--annotate", "--cleanup=verbatim", "--file=-", "--end-of-options", name, commit)
	if err != nil {
		if t, ok, _ := r.LookupTag(ctx, name); ok {
			return fmt.Errorf("%w: %s points at %s", ErrTagExists, name, short(t.Commit))
		}
		return err
	}
	return nil
}

// Commit reads one commit object.
func (r *Repo) Commit(ctx context.Context, rev string) (*Commit, error) {
	h, err := r.ResolveCommit(ctx, rev)
	if err != nil {
		return nil, err
	}
	gg, err := r.GoGit()
	if err != nil {
		return nil, err
	}
	c, err := gg.CommitObject(plumbing.NewHash(h))
	if err != nil {
		// Objects go-git cannot read (a SHA-256 repository, a promisor
		// pack): fall back to git.
		cs, lerr := r.Log(ctx, "-1", h)
		if lerr != nil || len(cs) == 0 {
			return nil, err
		}
		return &cs[0], nil
	}
	return fromObject(c), nil
}

func fromObject(c *object.Commit) *Commit {
	out := &Commit{
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
	out.Subject, out.Body = SplitMessage(c.Message)
	return out
}

func short(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
