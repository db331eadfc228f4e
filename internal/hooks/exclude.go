package hooks

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	shims "github.com/verdigris-dev/verdigris/hooks"
	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// The shims install writes into a folder of the worktree (core.hooksPath
// .githooks, where the team tracks some hooks and not others) showed as
// untracked files, one `git add .` from being committed for everyone.
// Install lists them, and the hooks it kept beside them, in a marked block
// of the repository's own ignore file (info/exclude, never shared);
// uninstall takes the block out again, which leaves the file as it was,
// byte for byte.
const (
	excludeBegin = "# verdigris install: its hook files in the worktree; 'verdigris uninstall' removes this block"
	// excludeBeginNew opens the block in an exclude file that install
	// created: uninstall removes the file with the block.
	excludeBeginNew = excludeBegin + " and this file"
	excludeEnd      = "# end of verdigris install's block"
)

// syncExclude makes the block list verdigris's files in the hooks
// directories dirs (the current one and those install used before) that
// are in the worktree: the shims and kept hooks there that git neither
// tracks nor ignores by another rule. With none, the block goes.
func syncExclude(ctx context.Context, r *gitrepo.Repo, dirs []string) error {
	var paths []string
	inWorktree := false
	for _, dir := range dirs {
		p, ok, err := excludedIn(ctx, r, dir)
		if err != nil {
			return err
		}
		inWorktree = inWorktree || ok
		paths = append(paths, p...)
	}
	if !inWorktree {
		return nil
	}
	// The exclude file is every worktree's, and a relative core.hooksPath
	// gives each a folder of its own: the block also keeps the other
	// worktrees' files, which uninstall here took out of it while they
	// were still there, and install here dropped the hooks they kept.
	for _, p := range otherWorktreePaths(ctx, r) {
		if !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	file, err := r.ExcludeFile(ctx)
	if err != nil {
		return err
	}
	cur, err := os.ReadFile(file)
	absent := errors.Is(err, fs.ErrNotExist)
	if err != nil && !absent {
		return err
	}
	b := cutBlock(cur)
	paths, err = unignored(ctx, r, file, b, paths)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		switch {
		case !b.found:
			return nil
		case b.created && len(b.rest) == 0:
			return os.Remove(file)
		}
		return atomicfile.Write(file, b.rest, 0o644)
	}
	begin := excludeBegin
	if absent || b.created {
		begin = excludeBeginNew
	}
	var block strings.Builder
	block.WriteString(begin + "\n")
	for _, p := range paths {
		block.WriteString(excludePattern(p) + "\n")
	}
	block.WriteString(excludeEnd + "\n")
	want := insertBlock(b.rest, block.String())
	if !absent && bytes.Equal(want, cur) {
		return nil
	}
	if absent {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
	}
	return atomicfile.Write(file, want, 0o644)
}

// excludedIn returns verdigris's files in the hooks folder dir, relative
// to the top of r's worktree, and whether dir is in that worktree.
func excludedIn(ctx context.Context, r *gitrepo.Repo, dir string) ([]string, bool, error) {
	rel, ok := worktreePath(r, dir)
	if !ok {
		return nil, false, nil
	}
	shimNames, keptNames, err := leftIn(ctx, r, dir)
	if err != nil {
		return nil, true, err
	}
	var paths []string
	for _, name := range shims.Names {
		if slices.Contains(shimNames, name) {
			paths = append(paths, path.Join(rel, name))
		}
		for _, m := range managers {
			if slices.Contains(shimNames, name+m.suffix) {
				paths = append(paths, path.Join(rel, name+m.suffix))
			}
		}
		if slices.Contains(keptNames, name+shims.ChainedSuffix) {
			paths = append(paths, path.Join(rel, name+shims.ChainedSuffix))
		}
	}
	return paths, true, nil
}

// otherWorktreePaths returns verdigris's files in the hooks folders the
// other worktrees' installs recorded, each relative to the top of its
// worktree (as an exclude rule reads it in that worktree). A worktree
// that cannot be opened (its folder deleted, not yet pruned) has none.
func otherWorktreePaths(ctx context.Context, r *gitrepo.Repo) []string {
	gitDirs, _ := filepath.Glob(filepath.Join(r.CommonDir, "worktrees", "*"))
	var out []string
	for _, g := range append(gitDirs, r.CommonDir) {
		if resolved(g) == resolved(r.GitDir) {
			continue
		}
		rec, err := readRecord(filepath.Join(g, "verdigris", filepath.Base(recordFile(r))))
		if err != nil || len(rec) == 0 {
			continue
		}
		wt := worktreeOf(ctx, g)
		if wt == nil {
			continue
		}
		for _, d := range rec {
			if p, _, err := excludedIn(ctx, wt, d); err == nil {
				out = append(out, p...)
			}
		}
	}
	return out
}

// worktreeOf opens the worktree whose git directory is gitDir; nil when
// there is none to open.
func worktreeOf(ctx context.Context, gitDir string) *gitrepo.Repo {
	g, err := gitrepo.Open(ctx, gitDir)
	if err != nil {
		return nil
	}
	top := g.WorktreeOf(ctx)
	if top == "" {
		return nil
	}
	wt, err := gitrepo.Open(ctx, top)
	if err != nil || resolved(wt.GitDir) != resolved(gitDir) {
		return nil
	}
	return wt
}

// excludeBlock is an exclude file's content split around verdigris's
// block.
type excludeBlock struct {
	rest        []byte // the content without the block
	found       bool
	created     bool // install created the file
	first, last int  // the block's lines, from 1
}

func cutBlock(b []byte) excludeBlock {
	start, line := -1, 0
	var out excludeBlock
	for off := 0; off < len(b); {
		end := bytes.IndexByte(b[off:], '\n')
		if end < 0 {
			break // an unterminated last line is never the block's
		}
		line++
		l, next := string(b[off:off+end]), off+end+1
		switch {
		case start < 0 && (l == excludeBegin || l == excludeBeginNew):
			start, out.first, out.created = off, line, l == excludeBeginNew
		case start >= 0 && l == excludeEnd:
			out.rest = append(append([]byte{}, b[:start]...), b[next:]...)
			out.found, out.last = true, line
			return out
		}
		off = next
	}
	return excludeBlock{rest: b}
}

// insertBlock adds block at the end of rest, or before its last line
// when that has no newline: taking the block out again gives rest back,
// byte for byte.
func insertBlock(rest []byte, block string) []byte {
	at := len(rest)
	if at > 0 && rest[at-1] != '\n' {
		at = bytes.LastIndexByte(rest, '\n') + 1
	}
	out := append([]byte{}, rest[:at]...)
	out = append(out, block...)
	return append(out, rest[at:]...)
}

// excludePattern is the exclude rule that matches the path (relative to
// the top of the worktree) alone: anchored, and its glob characters and
// spaces escaped.
func excludePattern(p string) string {
	var b strings.Builder
	b.WriteByte('/')
	for _, c := range []byte(p) {
		switch c {
		case '\\', '*', '?', '[', ' ':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// unignored returns the paths git does not ignore but by the block's own
// rules: husky's .husky/_/ ignores all of itself, and needs no block. A
// path with a newline cannot be a rule, and is left out.
func unignored(ctx context.Context, r *gitrepo.Repo, file string, b excludeBlock, paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	ign, err := r.Ignored(ctx, paths...)
	if err != nil {
		return nil, err
	}
	fi, _ := os.Stat(file)
	var out []string
	for _, p := range paths {
		if strings.ContainsAny(p, "\n") {
			continue
		}
		if rule, ok := ign[p]; ok && !inBlock(r, fi, b, rule) {
			continue
		}
		out = append(out, p)
	}
	return out, nil
}

// inBlock reports whether rule is one of the block's lines in the exclude
// file fi.
func inBlock(r *gitrepo.Repo, fi os.FileInfo, b excludeBlock, rule gitrepo.IgnoreRule) bool {
	if fi == nil || !b.found || rule.Line < b.first || rule.Line > b.last {
		return false
	}
	src := rule.Source
	if !filepath.IsAbs(src) {
		src = filepath.Join(r.Dir(), src)
	}
	si, err := os.Stat(src)
	return err == nil && os.SameFile(fi, si)
}
