package gitrepo

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// NoLazyFetch is the environment that stops git from fetching missing
// objects of a partial clone one by one from its promisor remote (honoured
// by git ≥ 2.39.4); a missing object is then an error instead of a network
// round trip.
var NoLazyFetch = []string{"GIT_NO_LAZY_FETCH=1"}

// historyExcludes are refs whose commits are not project history: stashes
// (their index commits are single-parent) and notes.
var historyExcludes = []string{"refs/stash", "refs/notes/"}

// HistoryTips returns the commit every history ref points at (tags
// peeled), plus HEAD: the starting points of "all refs' reachable
// commits". Refs that point at trees or blobs are left out.
func (r *Repo) HistoryTips(ctx context.Context) (map[string]string, error) {
	out, err := r.GitBytes(ctx, "for-each-ref", "--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)")
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		if out, err = r.refTypes(ctx); err != nil {
			return nil, err
		}
	}
	tips := map[string]string{}
	var nested []string // refs to tags of tags: "oid^{} refname"
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.SplitN(l, " ", 5)
		if len(f) != 5 || excludedRef(f[4]) {
			continue
		}
		switch {
		case f[1] == "commit" || f[1] == "missing":
			tips[f[4]] = f[0]
		case f[1] == "tag" && f[3] == "commit":
			tips[f[4]] = f[2]
		case f[1] == "tag" && f[3] == "tag":
			// for-each-ref's %(*objectname) peels one tag: a tag of a
			// tag is peeled to its commit here.
			nested = append(nested, f[2]+"^{} "+f[4])
		}
	}
	if err := r.peelNested(ctx, nested, tips); err != nil {
		return nil, err
	}
	// HEAD from its file rather than one more git process: the post-commit
	// hook's run is counted in milliseconds.
	if head := readHead(r.GitDir, tips); head != "" {
		tips["HEAD"] = head
	}
	// The other worktrees' detached HEADs, named as git names them: the
	// history is shared by every worktree, and a commit made on another
	// one's detached HEAD was pruned by the next run here.
	others, _ := filepath.Glob(filepath.Join(r.CommonDir, "worktrees", "*"))
	for _, dir := range append(others, r.CommonDir) {
		if filepath.Clean(dir) == filepath.Clean(r.GitDir) || !detached(dir) {
			continue
		}
		name := "main-worktree/HEAD"
		if dir != r.CommonDir {
			name = "worktrees/" + filepath.Base(dir) + "/HEAD"
		}
		if head := readHead(dir, tips); head != "" {
			tips[name] = head
		}
	}
	return tips, nil
}

// refTypes is HistoryTips' listing for a damaged repository, where
// for-each-ref fails on a ref whose object is missing: the same lines,
// the types asked of the object store, a missing object's type "missing"
// (a missing commit is a tip whose history cannot be read; one a tag
// points at cannot even be named).
func (r *Repo) refTypes(ctx context.Context) ([]byte, error) {
	out, err := r.GitBytes(ctx, "for-each-ref", "--format=%(objectname) %(refname)")
	if err != nil {
		return nil, err
	}
	var names, oids []string
	var ask strings.Builder
	for _, l := range strings.Split(string(out), "\n") {
		oid, name, ok := strings.Cut(l, " ")
		if !ok {
			continue
		}
		oids, names = append(oids, oid), append(names, name)
		ask.WriteString(oid + "\n" + oid + "^{}\n")
	}
	if len(oids) == 0 {
		return nil, nil
	}
	types, err := r.gitNoFetch(ctx, strings.NewReader(ask.String()), "cat-file", "--batch-check=%(objectname) %(objecttype)")
	if err != nil {
		return nil, err
	}
	answers := strings.Split(strings.TrimSuffix(string(types), "\n"), "\n")
	if len(answers) != 2*len(oids) {
		return nil, fmt.Errorf("git cat-file: %d answers to %d questions", len(answers), 2*len(oids))
	}
	var b bytes.Buffer
	for i, name := range names {
		typ, peeled := "missing", "- -"
		if f := strings.Fields(answers[2*i]); len(f) == 2 && f[1] != "missing" {
			typ = f[1]
		}
		if f := strings.Fields(answers[2*i+1]); typ == "tag" && len(f) == 2 && f[1] != "missing" {
			peeled = f[0] + " " + f[1]
		}
		fmt.Fprintf(&b, "%s %s %s %s\n", oids[i], typ, peeled, name)
	}
	return b.Bytes(), nil
}

// peelNested adds the commits that tags of tags point at, in the end.
func (r *Repo) peelNested(ctx context.Context, nested []string, tips map[string]string) error {
	if len(nested) == 0 {
		return nil
	}
	var ask strings.Builder
	for _, n := range nested {
		rev, _, _ := strings.Cut(n, " ")
		ask.WriteString(rev + "\n")
	}
	out, err := r.gitNoFetch(ctx, strings.NewReader(ask.String()), "cat-file", "--batch-check=%(objectname) %(objecttype)")
	if err != nil {
		return err
	}
	answers := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	for i, n := range nested {
		_, ref, _ := strings.Cut(n, " ")
		if i < len(answers) {
			if f := strings.Fields(answers[i]); len(f) == 2 && f[1] == "commit" {
				tips[ref] = f[0]
			}
		}
	}
	return nil
}

// detached reports whether the HEAD in a git dir names a commit itself.
func detached(gitDir string) bool {
	data, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	return err == nil && !bytes.HasPrefix(data, []byte("ref: "))
}

// readHead resolves the HEAD of a git dir against the refs just listed:
// a symbolic ref to a branch, or a detached commit.
func readHead(gitDir string, tips map[string]string) string {
	data, err := os.ReadFile(filepath.Join(gitDir, "HEAD"))
	if err != nil {
		return ""
	}
	head := strings.TrimSpace(string(data))
	if ref, ok := strings.CutPrefix(head, "ref: "); ok {
		return tips[ref] // "" on an unborn branch
	}
	if len(head) == 40 || len(head) == 64 {
		return head
	}
	return ""
}

// InHistory reports whether a ref of the history (HistoryTips: not a
// stash's, nor the notes') reaches the commit: whether an index run
// takes it in. git's --all would count a stash's commits, which no run
// indexes.
func (r *Repo) InHistory(ctx context.Context, commit string) (bool, error) {
	tips, err := r.HistoryTips(ctx)
	if err != nil {
		return false, err
	}
	exclude := make([]string, 0, len(tips))
	for _, h := range tips {
		exclude = append(exclude, h)
	}
	out, err := r.gitNoFetch(ctx, revisions([]string{commit}, exclude), "rev-list", "--stdin", "-n", "1")
	if err != nil {
		return false, err
	}
	return len(bytes.TrimSpace(out)) == 0, nil
}

// ReachedOutside says which of the commits (full hashes) only refs the
// history leaves out reach: "refs/stash" for a stash's commits, its
// earlier entries' (the stash's reflog) too, a notes ref's name for the
// notes' commits. A commit that a history ref reaches, or none of them
// does, is not in the map. One rev-list per such ref, none per commit.
func (r *Repo) ReachedOutside(ctx context.Context, commits []string) (map[string]string, error) {
	found := map[string]string{}
	if len(commits) == 0 {
		return found, nil
	}
	out, err := r.gitNoFetch(ctx, nil, "for-each-ref", "--format=%(objectname) %(refname)", "refs/stash", "refs/notes/")
	if err != nil {
		return nil, err
	}
	type group struct {
		ref  string
		tips []string
	}
	var groups []group
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		oid, ref, ok := strings.Cut(line, " ")
		if !ok || !excludedRef(ref) {
			continue
		}
		g := group{ref: ref, tips: []string{oid}}
		if ref == "refs/stash" {
			// stash@{1} and older are entries of its reflog only.
			entries, err := r.gitNoFetch(ctx, nil, "rev-list", "--walk-reflogs", "refs/stash")
			if err == nil {
				g.tips = append(g.tips, strings.Fields(string(entries))...)
			}
		}
		if ref == "refs/stash" {
			// Before the notes: a stash is what the user made.
			groups = append([]group{g}, groups...)
			continue
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return found, nil
	}
	tips, err := r.HistoryTips(ctx)
	if err != nil {
		return nil, err
	}
	exclude := make([]string, 0, len(tips))
	for _, h := range tips {
		exclude = append(exclude, h)
	}
	want := map[string]bool{}
	for _, c := range commits {
		want[c] = true
	}
	for _, g := range groups {
		out, err := r.gitNoFetch(ctx, revisions(g.tips, exclude), "rev-list", "--stdin")
		if err != nil {
			return nil, err
		}
		for _, h := range strings.Fields(string(out)) {
			if _, seen := found[h]; want[h] && !seen {
				found[h] = g.ref
			}
		}
	}
	return found, nil
}

func excludedRef(name string) bool {
	for _, p := range historyExcludes {
		if name == p || (strings.HasSuffix(p, "/") && strings.HasPrefix(name, p)) {
			return true
		}
	}
	return false
}

// MissingObjects returns which of the given object ids are not in the
// repository's object store, without fetching anything.
func (r *Repo) MissingObjects(ctx context.Context, oids []string) (map[string]bool, error) {
	missing := map[string]bool{}
	if len(oids) == 0 {
		return missing, nil
	}
	out, err := r.gitNoFetch(ctx, strings.NewReader(strings.Join(oids, "\n")+"\n"), "cat-file", "--batch-check=%(objectname)")
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(out), "\n") {
		if oid, ok := strings.CutSuffix(l, " missing"); ok {
			missing[oid] = true
		}
	}
	return missing, nil
}

// NonMergeCommits lists the non-merge commits reachable from include and
// not from exclude, newest first. In a damaged repository, whose history
// git cannot walk, it lists those that can be reached and returns them
// with a *HistoryDamagedError.
func (r *Repo) NonMergeCommits(ctx context.Context, include, exclude []string) ([]string, error) {
	if len(include) == 0 {
		return nil, nil
	}
	out, err := r.gitNoFetch(ctx, revisions(include, exclude), "rev-list", "--stdin", "--no-merges")
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		w, werr := r.walkReadable(ctx, include, exclude)
		if werr != nil {
			return nil, err
		}
		if len(w.Missing) > 0 {
			return w.Commits, &HistoryDamagedError{Missing: w.Missing}
		}
		return w.Commits, nil
	}
	return strings.Fields(string(out)), nil
}

// Walk is the result of RevWalk.
type Walk struct {
	// Commits are the non-merge commits reachable from the included tips
	// and not from the excluded ones, newest first.
	Commits []string
	// Boundary holds the excluded commits that are parents of walked
	// commits: an excluded tip found here is an ancestor of an included one.
	Boundary map[string]bool
	// Missing are the commits that could not be read, in a damaged
	// repository: the history behind them was not walked.
	Missing []string
	// Merges are the merge commits walked, each its hash then its
	// parents, newest first (none from a damaged repository's walk).
	Merges [][]string
	// Parents are every walked commit's parents (nil from a damaged
	// repository's walk).
	Parents map[string][]string
}

// RevWalk walks from include, excluding what exclude reaches. A damaged
// repository's history, which git cannot walk, is walked as far as its
// commits can be read (Walk.Missing).
func (r *Repo) RevWalk(ctx context.Context, include, exclude []string) (*Walk, error) {
	w := &Walk{Boundary: map[string]bool{}, Parents: map[string][]string{}}
	if len(include) == 0 {
		return w, nil
	}
	out, err := r.gitNoFetch(ctx, revisions(include, exclude), "rev-list", "--stdin", "--boundary", "--parents")
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		if w, werr := r.walkReadable(ctx, include, exclude); werr == nil {
			return w, nil
		}
		return nil, err
	}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if b, ok := strings.CutPrefix(f[0], "-"); ok {
			w.Boundary[b] = true
			continue
		}
		w.Parents[f[0]] = f[1:]
		if len(f) <= 2 { // merges are not indexed; the commits they bring are
			w.Commits = append(w.Commits, f[0])
		} else {
			w.Merges = append(w.Merges, f)
		}
	}
	return w, nil
}

// Merges lists the merge commits reachable from include and not from
// exclude, newest first, each its hash then its parents.
func (r *Repo) Merges(ctx context.Context, include, exclude []string) ([][]string, error) {
	if len(include) == 0 {
		return nil, nil
	}
	out, err := r.gitNoFetch(ctx, revisions(include, exclude), "rev-list", "--stdin", "--merges", "--parents")
	if err != nil {
		return nil, err
	}
	var merges [][]string
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 2 {
			merges = append(merges, f)
		}
	}
	return merges, nil
}

// MergedIn lists the non-merge commits a merge of parents brought in:
// reachable from the second and later parents and not from the first
// (git rev-list M^2 ^M^1), newest first, at most limit of them (a
// caller that asks for one more than it takes learns that there are
// more).
func (r *Repo) MergedIn(ctx context.Context, parents []string, limit int) ([]string, error) {
	if len(parents) < 2 {
		return nil, nil
	}
	out, err := r.gitNoFetch(ctx, revisions(parents[1:], parents[:1]), "rev-list", "--stdin", "--no-merges", "--max-count="+strconv.Itoa(limit))
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// mergeBaseMax is the most first parents MergedGraph asks git for a
// common ancestor of: git merge-base --octopus finds it one parent at a
// time, each a walk down to the base found so far, and takes longer
// than walking the history whole for a pull of hundreds of merges.
const mergeBaseMax = 64

// MergedGraph is the part of the history in which the commits each of
// merges (hash then parents) brought in can be found, as MergedIn lists
// them: every commit's parents, for the commits the merges' parents
// reach and a common ancestor of all their first parents does not. What
// that ancestor reaches, every first parent reaches: no commit of it was
// brought in, and a commit the walk holds that a first parent reaches is
// reached through commits the walk holds. Two git processes however
// many merges there are, where MergedIn is one a merge.
func (r *Repo) MergedGraph(ctx context.Context, merges [][]string) (map[string][]string, error) {
	var firsts, parents []string
	seen, first := map[string]bool{}, map[string]bool{}
	for _, m := range merges {
		if len(m) < 3 {
			continue
		}
		if !first[m[1]] {
			first[m[1]] = true
			firsts = append(firsts, m[1])
		}
		for _, p := range m[1:] {
			if !seen[p] {
				seen[p] = true
				parents = append(parents, p)
			}
		}
	}
	graph := map[string][]string{}
	if len(parents) == 0 {
		return graph, nil
	}
	var base []string // none: the walk goes to the roots
	switch {
	case len(firsts) == 1:
		base = firsts
	case len(firsts) <= mergeBaseMax:
		out, err := r.gitNoFetch(ctx, nil, append([]string{"merge-base", "--octopus"}, firsts...)...)
		if err != nil && !exitedOne(err) { // 1: no common ancestor
			return nil, err
		}
		base = strings.Fields(string(out))
	}
	out, err := r.gitNoFetch(ctx, revisions(parents, base), "rev-list", "--stdin", "--parents")
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			graph[f[0]] = f[1:]
		}
	}
	return graph, nil
}

// revisions is rev-list's --stdin for the commits include reaches and
// exclude does not: one a line, the excluded ones as ^HASH.
func revisions(include, exclude []string) io.Reader {
	var in strings.Builder
	for _, h := range include {
		in.WriteString(h + "\n")
	}
	for _, h := range exclude {
		in.WriteString("^" + h + "\n")
	}
	return strings.NewReader(in.String())
}

// gitNoFetch runs git with lazy fetching off, stdin given, stdout
// returned.
func (r *Repo) gitNoFetch(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := r.command(ctx, args...)
	cmd.Env = append(cmd.Env, NoLazyFetch...)
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, &Error{Args: args, Stderr: stderr.String(), Err: err}
	}
	return out, nil
}

// ShallowSignature identifies the shallow boundary ("" when the
// repository is not shallow): it changes when a fetch deepens the history.
func (r *Repo) ShallowSignature() string {
	data, err := os.ReadFile(filepath.Join(r.CommonDir, "shallow"))
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Grafts returns the graft file (info/grafts, or GIT_GRAFT_FILE), git's
// older way to give commits other parents, which git log still reads
// (with a warning): "" when there is none. Its lines are "COMMIT
// [PARENT...]".
func (r *Repo) Grafts() string {
	file := os.Getenv("GIT_GRAFT_FILE")
	if file == "" {
		file = filepath.Join(r.CommonDir, "info", "grafts")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	return string(data)
}

// PackSignature names the object store's set of packs: it changes when a
// fetch, a repack or a pack copied in adds objects, and not when a commit
// writes its own (loose) ones. "" when there are no packs.
func (r *Repo) PackSignature() string { return PackSignatureOf(r.Packs()) }

// PackSignatureOf is PackSignature of the packs Packs listed.
func PackSignatureOf(packs []string) string {
	if len(packs) == 0 {
		return ""
	}
	files := make([]string, len(packs))
	for i, p := range packs {
		files[i] = p + ".pack"
	}
	sum := sha256.Sum256([]byte(strings.Join(files, "\n")))
	return hex.EncodeToString(sum[:8])
}

// ShallowCommits lists the commits a shallow clone has without their
// parents (its shallow file), nil for a complete history.
func (r *Repo) ShallowCommits() []string {
	data, err := os.ReadFile(filepath.Join(r.CommonDir, "shallow"))
	if err != nil {
		return nil
	}
	return strings.Fields(string(data))
}

// IsPartialClone reports whether objects may be missing on purpose: a
// promisor remote (a --filter clone) or promisor packs.
func (r *Repo) IsPartialClone(ctx context.Context) bool {
	m, _ := filepath.Glob(filepath.Join(r.CommonDir, "objects", "pack", "*.promisor"))
	if len(m) > 0 {
		return true
	}
	// Only a repository whose own config mentions it can be one: spare the
	// git process otherwise.
	cfg, err := os.ReadFile(filepath.Join(r.CommonDir, "config"))
	if err == nil && !bytes.Contains(bytes.ToLower(cfg), []byte("promisor")) && !bytes.Contains(bytes.ToLower(cfg), []byte("partialclone")) {
		return false
	}
	if v, _ := r.Git(ctx, "config", "--get-regexp", `^(extensions\.partialclone|remote\..*\.promisor)$`); v != "" {
		for _, l := range strings.Split(v, "\n") {
			k, val, _ := strings.Cut(l, " ")
			if strings.HasPrefix(strings.ToLower(k), "extensions.") || val == "true" {
				return true
			}
		}
	}
	return false
}

// LocalObjects lists the blobs and the trees present in the object store
// (packs, loose objects, alternates), without fetching anything. For
// partial clones, where the others are missing on purpose.
func (r *Repo) LocalObjects(ctx context.Context) (map[string]struct{}, error) {
	local := map[string]struct{}{}
	cmd := r.command(ctx, "cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectname)")
	cmd.Env = append(cmd.Env, NoLazyFetch...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if oid, ok := bytes.CutPrefix(sc.Bytes(), []byte("blob ")); ok {
			local[string(oid)] = struct{}{}
		} else if oid, ok := bytes.CutPrefix(sc.Bytes(), []byte("tree ")); ok {
			local[string(oid)] = struct{}{}
		}
	}
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		return nil, &Error{Args: cmd.Args[1:], Stderr: stderr.String(), Err: err}
	}
	return local, sc.Err()
}

// LocalObjectsOf is LocalObjects for a few commits: the objects of their
// trees and of their parents' trees that are present (and the commits'
// own ids), at the cost of those trees rather than of the whole store,
// which the post-commit hook's run in a large partial clone paid for one
// commit (a second at 700,000 objects). Nothing is fetched.
func (r *Repo) LocalObjectsOf(ctx context.Context, commits []string) (map[string]struct{}, error) {
	if len(commits) == 0 {
		// 'git log --stdin' given none reads HEAD.
		return map[string]struct{}{}, nil
	}
	out, err := r.gitNoFetch(ctx, strings.NewReader(strings.Join(commits, "\n")+"\n"), "log", "--no-show-signature", "--no-walk=unsorted", "--stdin", "--format=%H %P")
	if err != nil {
		return nil, err
	}
	revs := strings.Fields(string(out))
	slices.Sort(revs)
	revs = slices.Compact(revs)
	// --missing=print walks past what is missing (and fetches nothing),
	// printing it with a "?".
	out, err = r.gitNoFetch(ctx, strings.NewReader(strings.Join(revs, "\n")+"\n"), "rev-list", "--objects", "--no-walk", "--missing=print", "--no-object-names", "--stdin")
	if err != nil {
		return nil, err
	}
	local := map[string]struct{}{}
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && l[0] != '?' {
			local[l] = struct{}{}
		}
	}
	return local, nil
}

// RootTrees returns the tree of each of the given commits, reading only
// the commits (their trees may be missing from a partial clone).
func (r *Repo) RootTrees(ctx context.Context, commits []string) (map[string]string, error) {
	trees := map[string]string{}
	if len(commits) == 0 {
		return trees, nil
	}
	out, err := r.gitNoFetch(ctx, strings.NewReader(strings.Join(commits, "\n")+"\n"), "log", "--no-show-signature", "--no-walk=unsorted", "--stdin", "--format=%H %T")
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(out), "\n") {
		if c, t, ok := strings.Cut(l, " "); ok {
			trees[c] = t
		}
	}
	return trees, nil
}

// FirstParents lists up to limit commits from tip down its first-parent
// chain, each with its parents, newest first. It walks one chain and
// needs no exclusion, so its cost does not depend on the rest of the
// history (nor on how its dates are ordered).
func (r *Repo) FirstParents(ctx context.Context, tip string, limit int) ([][]string, error) {
	out, err := r.gitNoFetch(ctx, nil, "rev-list", "--first-parent", "--parents", "--max-count="+strconv.Itoa(limit), tip, "--")
	if err != nil {
		return nil, err
	}
	var chain [][]string
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			chain = append(chain, f)
		}
	}
	return chain, nil
}
