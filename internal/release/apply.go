package release

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// Lock keeps two releases of one repository from running at once.
func Lock(r *gitrepo.Repo) (*filelock.Lock, error) {
	l, err := filelock.TryLock(filepath.Join(r.StateDir(), "release.lock"))
	if errors.Is(err, filelock.ErrBusy) {
		return nil, refuse("wait for it to finish", "another git release is running in this repository")
	}
	return l, err
}

// Apply writes the plan's files, commits them as the release commit, tags
// it with the changelog section as message and, when asked, pushes the
// branch and the tag atomically. If the commit fails, every file is put
// back as it was. Once it begins, an interrupt (ctx cancelled) no longer
// stops it before the tag: killing git commit or git tag midway left a
// release commit without its tag, and the put-back that followed had no
// context left to run git in.
func Apply(ctx context.Context, r *gitrepo.Repo, p *Plan) error {
	if ctx.Err() != nil {
		return refuse("run git release again", "interrupted: nothing was changed")
	}
	err := apply(context.WithoutCancel(ctx), r, p)
	if err != nil || !p.push {
		return err
	}
	if ctx.Err() != nil {
		return refuse("push it: "+p.pushCommand(context.WithoutCancel(ctx), r),
			"interrupted: %s is made here (its commit and tag) but was not pushed", p.Tag)
	}
	return p.pushRelease(ctx, r)
}

func apply(ctx context.Context, r *gitrepo.Repo, p *Plan) error {
	// Temporary files a run killed while writing left beside these files
	// (untracked, and a 'git add -A' away from being committed).
	for _, f := range p.Files {
		atomicfile.RemoveLeftovers(filepath.Join(r.Root, filepath.FromSlash(f.Path)))
	}
	if p.Resumed {
		if err := r.CreateTag(ctx, p.Tag, p.Commit, p.Notes, p.TagSigned); err != nil {
			return refuse(p.tagFailedHint(""), "tagging %s failed: %v", p.Tag, err)
		}
		p.Tagged = true
		return nil
	}
	before, err := r.ResolveCommit(ctx, "HEAD")
	if err != nil {
		return err
	}
	var paths []string
	var written []*FileChange
	restore := func() {
		for _, f := range written {
			full := filepath.Join(r.Root, filepath.FromSlash(f.Path))
			if f.Old == nil {
				os.Remove(full)
			} else {
				atomicfile.Write(full, f.Old, 0o644)
			}
		}
		if len(paths) > 0 {
			r.Unstage(ctx, paths...)
		}
	}
	for _, f := range p.Files {
		if !f.Changed() {
			continue
		}
		if err := atomicfile.Write(filepath.Join(r.Root, filepath.FromSlash(f.Path)), f.New, 0o644); err != nil {
			restore()
			return cannotWrite(f, err, "nothing was released and the files were put back; ")
		}
		written = append(written, f)
		paths = append(paths, f.Path)
	}
	if len(paths) == 0 {
		// Nothing to write (no changelog, no version files): the release
		// commit still marks the release in the history.
		p.Commit, err = r.CommitEmpty(ctx, p.Message)
	} else {
		p.Commit, err = r.CommitPaths(ctx, p.Message, nil, paths...)
	}
	if err != nil {
		// git commit stopped after it moved the branch (Ctrl-C reaches it
		// too, in its post-commit hook): that commit goes with the files.
		// A branch moved by another process's commit alone (one made
		// without the index, while the release waited for it) is left as
		// it is: taken for the release's, it was taken back.
		if h, herr := r.ResolveCommit(ctx, "HEAD"); herr == nil && h != before && !p.onlyOthersCommits(ctx, r, before, h) {
			if parent, perr := r.ResolveCommit(ctx, h+"^"); perr != nil || parent != before {
				return refuse(fmt.Sprintf("look at the branch (git log -3) and put it right by hand; the tag %s was not made", p.Tag),
					"the release commit failed (%v), and HEAD moved to %s", err, gitrepo.Short(h))
			}
			if uerr := r.UndoCommit(ctx, h, "git release: the release commit failed"); uerr != nil {
				return refuse(fmt.Sprintf("take it back yourself (git reset --keep %s) or tag it: git tag -a %s %s", gitrepo.Short(before), p.Tag, gitrepo.Short(h)),
					"the release commit failed (%v) after making %s, and taking it back failed: %v", err, gitrepo.Short(h), uerr)
			}
		}
		restore()
		return refuse("the files were put back; fix the cause and release again", "the release commit failed: %v", err)
	}
	if err := r.CreateTag(ctx, p.Tag, p.Commit, p.Notes, p.TagSigned); err != nil {
		// A release commit without its tag is half a release: the next run
		// would refuse ("already has a section"). Take the commit back.
		if uerr := r.UndoCommit(ctx, p.Commit, "git release: tagging "+p.Tag+" failed"); uerr != nil {
			return refuse(fmt.Sprintf("tag it yourself: git tag -a %s %s", p.Tag, gitrepo.Short(p.Commit)),
				"release commit %s made, but tagging it failed: %v (and taking the commit back failed: %v)", gitrepo.Short(p.Commit), err, uerr)
		}
		restore()
		p.Commit = ""
		return refuse(p.tagFailedHint("the release commit was taken back and the files put back; "),
			"tagging %s failed: %v", p.Tag, err)
	}
	p.Tagged = true
	return nil
}

// onlyOthersCommits reports whether no commit between before and head
// (which moved from it) has the release commit's subject; false when
// that cannot be told.
func (p *Plan) onlyOthersCommits(ctx context.Context, r *gitrepo.Repo, before, head string) bool {
	commits, err := r.Log(ctx, before+".."+head)
	if err != nil {
		return false
	}
	subject, _ := gitrepo.SplitMessage(p.Message)
	for _, c := range commits {
		if c.Subject == subject {
			return false
		}
	}
	return true
}

// cannotWrite is the refusal of a file the release could not write, after
// what was undone. Go's words named the temporary file, by its absolute
// path, and no way on.
func cannotWrite(f *FileChange, err error, undone string) error {
	return refuse(undone+"make the file and its directory writable, then release again",
		"cannot write %s: %s", f.Path, cli.FileReason(err))
}

// CheckWritable tells, for a dry run, whether the files the plan changes
// can be written as the real run writes them (atomicfile.CanWrite), which
// it finds out only as it writes them: the dry run said all was well.
func CheckWritable(r *gitrepo.Repo, p *Plan) error {
	if p.Resumed {
		return nil
	}
	for _, f := range p.Files {
		if !f.Changed() {
			continue
		}
		if err := atomicfile.CanWrite(filepath.Join(r.Root, filepath.FromSlash(f.Path))); err != nil {
			return cannotWrite(f, err, "")
		}
	}
	return nil
}

// CheckSigning tells, for a dry run, whether the tag the plan makes can be
// signed when the config asks for it: the real run finds out only after
// its release commit (which it then takes back). It signs a throwaway
// object, never in the repository; a key behind a passphrase may ask for
// it, as the real run will.
func CheckSigning(ctx context.Context, r *gitrepo.Repo, p *Plan) error {
	if !p.TagSigned {
		return nil
	}
	if err := r.CheckSigning(ctx); err != nil {
		return refuse("make signing work, or release unsigned: git -c tag.gpgSign=false -c tag.forceSignAnnotated=false release",
			"signing tag %s would fail (tag.gpgSign or tag.forceSignAnnotated asks for it): %s", p.Tag, strings.TrimPrefix(err.Error(), "git commit-tree: "))
	}
	return nil
}

// tagFailedHint is the hint of a tag that could not be made, after what
// was undone. When the config asks to sign the tag, signing is the likely
// cause (no key, gpg missing, no terminal for its passphrase): the hint
// says how to release unsigned once, the config left as it is.
func (p *Plan) tagFailedHint(undone string) string {
	if !p.TagSigned {
		return undone + "fix the cause and release again"
	}
	return undone + "make signing work (tag.gpgSign or tag.forceSignAnnotated asks for it), or release unsigned: git -c tag.gpgSign=false -c tag.forceSignAnnotated=false release"
}

// pushRelease pushes the branch and the tag atomically when asked.
// pushCommand is the git push a user runs to finish a push the release
// left out. A branch pushed under another name needs the destination
// spelled out: 'git push origin main' would create origin's main, not
// update the upstream the release was checked against.
//
// A branch named like a tag (v1 beside the tag v1) is spelled out in full,
// and the tag with it: git push refuses the short name that matches both.
func (p *Plan) pushCommand(ctx context.Context, r *gitrepo.Repo) string {
	src, tag := p.Branch, p.Tag
	if r.AmbiguousRef(ctx, p.Branch) || r.AmbiguousRef(ctx, p.Tag) {
		src, tag = "refs/heads/"+p.Branch, "refs/tags/"+p.Tag
	}
	if p.RemoteRef != "refs/heads/"+p.Branch {
		src += ":" + p.RemoteRef
	}
	return fmt.Sprintf("git push --atomic %s %s %s", p.Remote, src, tag)
}

func (p *Plan) pushRelease(ctx context.Context, r *gitrepo.Repo) error {
	if !p.push {
		return nil
	}
	err := r.Push(ctx, p.Remote, true, "refs/heads/"+p.Branch+":"+p.RemoteRef, "refs/tags/"+p.Tag+":refs/tags/"+p.Tag)
	if err != nil {
		return refuse("the release is made locally; push it when the remote accepts it: "+p.pushCommand(context.WithoutCancel(ctx), r),
			"pushing %s and %s to %s failed: %v", p.Branch, p.Tag, p.Remote, err)
	}
	p.Pushed = true
	return nil
}
