package index

import (
	"container/heap"
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// MergedMax is the most commits a merge may bring in (git rev-list M^2
// ^M^1) for its message to be given to them, the merged column. A pull
// request's merge brings in its few commits, whose own messages ("wip",
// "address review") say less than its title; a merge of a long-lived
// branch (Merge branch 'dev', a release branch back into main) brings in
// hundreds, whose common message says nothing of any one of them, and
// would make every one a hit for its words. 50 keeps all but unusually
// long pull requests, and bounds what a pull of one merge costs the
// post-commit hook's run: its commits, already indexed from their
// branch, are read again (diffs included) to be given the text.
const MergedMax = 50

// mergeStamp is the merge a commit is given the message of.
type mergeStamp struct {
	by      string // the merge
	n       int    // the commits it brought in
	subject string
	text    string // what the merged column is made from (mergedText)
}

// Subjects git, GitHub, GitLab and Bitbucket write for a merge. Their
// words ("Merge pull request from") would be in every merged commit;
// what is kept of them is the pull request's number and the branch's
// name, whose words usually name the work.
var (
	pullRequestMerge = regexp.MustCompile(`^Merge pull request (#\d+) from (\S+)`)
	bitbucketMerge   = regexp.MustCompile(`^Merged in (\S+) \(pull request (#\d+)\)`)
	// git's own (fmt-merge-msg): what was merged grouped by kind, each
	// kind's names in the order they were merged ("branches 'a', 'b' and
	// 'c', tag 'v1'"), then " of " the repository they were fetched from
	// (git pull) or " into " the branch.
	branchMerge = regexp.MustCompile(`^Merge ((?:remote-tracking )?branch(?:es)? ` + mergeNames +
		`(?:, (?:(?:remote-tracking )?branch(?:es)?|tags?|commits?) ` + mergeNames + `)*)( of )?`)
	mergeGroup = regexp.MustCompile(`((?:remote-tracking )?branch(?:es)?|tags?|commits?) (` + mergeNames + `)`)
	mergeName  = regexp.MustCompile(`'(\S+)'`)
	// A subject that names only a branch ("main", "branch 'origin/main'
	// into topic"): its name.
	branchOnly = regexp.MustCompile(`(?i)^(?:branch\s+)?'?(?:origin/|upstream/)?([^'\s]+)'?(?:\s+(?:into|to)\s+\S+)?$`)
	mergeWord  = regexp.MustCompile(`(?i)^merged?(?:\s+|$)`)
	// GitLab's merge body ends "See merge request group/project!123": of
	// it, as of GitHub's subject, the number is kept, not words every
	// merge request has.
	mergeRequestLine = regexp.MustCompile(`(?m)^See merge request \S*?(![0-9]+)[ \t]*$`)
)

// mergeNames is git's list of names of one kind: 'a', 'b' and 'c'.
// git allows ' in a ref's name (it's-fix) and quotes it as it is ('it's-fix');
// it allows no space: a name ends at the last quote before a space, a
// comma or the end.
const mergeNames = `'\S+'(?:(?:, | and )'\S+')*`

// mergeMessage is what the merged column holds of a merge's message
// (mergedText).
type mergeMessage struct {
	// text is what every commit it brought in is given (where branch
	// is nil; its branches' names, where not); "" when it gives nothing.
	text string
	// branch is an octopus merge's branch names by parent (the first
	// parent's "", and a main-line branch's), when they are known; nil
	// otherwise.
	branch []string
	body   string
}

// of is the text of a commit an octopus merge brought in through the
// parents in (their places): the names of their branches, then the
// body; "" when one of them is the main line's.
func (m *mergeMessage) of(in []int) string {
	if len(in) == 0 {
		return ""
	}
	var names []string
	for _, p := range in {
		if m.branch[p] == "" {
			return ""
		}
		names = append(names, m.branch[p])
	}
	return joinMerged(strings.Join(names, " "), m.body)
}

func joinMerged(keep, body string) string {
	keep = strings.ReplaceAll(keep, "/", " ")
	if body == "" {
		return keep
	}
	return keep + "\n" + body
}

// mergedText is what the merged column holds of the message of a merge
// with parents parents: its body (a pull request's title and description,
// trailers and agents' lines left out) and of its subject the branch's
// name and the pull request's number ("Merge pull request #123 from
// alice/jsonc-config": #123 jsonc-config); a subject of no known shape
// whole but for its first word, "Merge". A merge of the main line into a
// branch, and git pull's merge of the upstream's commits ("Merge branch
// 'main' of github.com:…"), describe none of the commits they bring in:
// "", for no text at all. The main line is main, master, trunk and the
// names in mainLine (the remote's default branch: dev, develop); a
// develop branch merged elsewhere is a release, in git-flow, and keeps
// its name.
//
// An octopus merge (git merge a b c: "Merge branches 'a', 'b' and 'c'";
// two parents when the head was behind a, which it then fast-forwarded
// to) names every branch, and each commit is given the name of the branch
// it came in through (mergeMessage.branch), not every name: a commit of
// a is no work of b, and b's name would make it a hit for b's work. git
// lists the names in its parents' order only within one kind (all
// branches, or all remote-tracking branches; a tag's would come after
// them), and leaves the head out when it fast-forwarded it, the first
// branch then being the first parent: the names are the parents' when
// the subject has one kind and as many names as the merge has parents,
// or one fewer. Otherwise (kinds mixed, a subject written by hand) which
// name is which parent's is not known, and every commit is given every
// name, as it is the merge's body. A main-line branch among them gives
// nothing to the commits it brought in, nor, when which commits those
// are is not known, to any.
func mergedText(subject, body string, parents int, mainLine ...string) mergeMessage {
	isMain := func(name string) bool {
		name = strings.ToLower(name)
		return name == "main" || name == "master" || name == "trunk" || slices.Contains(mainLine, name)
	}
	body, _, _, _ = indexedBody(mergeRequestLine.ReplaceAllString(body, "$1"))
	var keep string
	if m := pullRequestMerge.FindStringSubmatch(subject); m != nil {
		// owner/branch: the owner is the fork's, not the work's.
		_, branch, ok := strings.Cut(m[2], "/")
		if !ok {
			branch = m[2]
		}
		keep = m[1] + " " + branch
	} else if m := bitbucketMerge.FindStringSubmatch(subject); m != nil {
		keep = m[2] + " " + m[1]
	} else if m := branchMerge.FindStringSubmatch(subject); m != nil {
		if m[2] != "" {
			return mergeMessage{}
		}
		groups := mergeGroup.FindAllStringSubmatch(m[1], -1)
		var names []string
		for _, g := range groups {
			if strings.HasPrefix(g[1], "commit") {
				continue // a hash is no word of the work
			}
			for _, n := range mergeName.FindAllStringSubmatch(g[2], -1) {
				name := n[1]
				if strings.HasPrefix(g[1], "remote-tracking") {
					// origin/topic: the remote's name is no word of the work.
					if _, b, ok := strings.Cut(name, "/"); ok {
						name = b
					}
				}
				names = append(names, name)
			}
		}
		if len(names) > 1 && len(groups) == 1 && (len(names) == parents || len(names) == parents-1) {
			branch := make([]string, parents)
			var given []string
			for i, name := range names {
				if p := i + parents - len(names); p > 0 && !isMain(name) {
					branch[p] = name
					given = append(given, name)
				}
			}
			if len(given) == 0 {
				return mergeMessage{}
			}
			return mergeMessage{text: joinMerged(strings.Join(given, " "), body), branch: branch, body: body}
		}
		if len(names) == 0 || slices.ContainsFunc(names, isMain) {
			return mergeMessage{}
		}
		keep = strings.Join(names, " ")
	} else {
		keep = mergeWord.ReplaceAllString(subject, "")
		if m := branchOnly.FindStringSubmatch(keep); m != nil && isMain(m[1]) {
			return mergeMessage{}
		}
	}
	return mergeMessage{text: joinMerged(keep, body), body: body}
}

// merged works out which merge's message each commit is given (the one
// that brought it in with the fewest commits, the older of equals) from
// merges (hash then parents, newest first): the merges this run's walk
// found, or every merge of the history when all is set. graph, when not
// nil, is the whole history's parents (a full walk's), in which the
// commits each merge brought in are found without a git process each
// (mergedIn); when nil, the part of the history that holds them is
// walked once (gitrepo's MergedGraph). It sets ix.stamps for the commits this run writes, and
// takes out of the index, for this run to read again (returned), the
// indexed commits whose merged text changes: a merge that arrived after the commits it brings in (the
// usual case: post-commit hooks on the branch, then a pull), or, when
// all, a merge that is gone (rewritten away) or a better one. The
// commits are removed in one transaction after prune_pending is set, as
// reread does: a run killed before they are written again leaves the
// next one to walk the whole history, which finds them missing and
// every merge.
func (ix *indexer) merged(ctx context.Context, merges [][]string, all bool, graph map[string][]string) ([]string, error) {
	// The merges' messages first: one that describes none of the
	// commits it brings in (mergedText's text "") neither gives them its text
	// nor takes the place of one that does.
	msgs := make(map[string]mergeMessage, len(merges))
	subjects := make(map[string]string, len(merges))
	if len(merges) > 0 {
		// The remote's default branch (origin/HEAD: dev, develop) is the
		// main line too.
		var mainLine []string
		if b := ix.r.RemoteHead(ctx, "origin"); b != "" {
			mainLine = append(mainLine, strings.ToLower(b))
		}
		hashes := make([]string, len(merges))
		parents := make(map[string]int, len(merges))
		for i, m := range merges {
			hashes[i] = m[0]
			parents[m[0]] = len(m) - 1
		}
		err := ix.r.CommitsOf(ctx, hashes, func(c *gitrepo.Commit) error {
			if msg := mergedText(c.Subject, c.Body, parents[c.Hash], mainLine...); msg.text != "" {
				msgs[c.Hash], subjects[c.Hash] = msg, c.Subject
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	best := map[string]*mergeStamp{}
	// A shallow clone's boundary commits (their parents cut): the first
	// parent's history may be cut before the branch the merge brought
	// in began, and the older main line's commits the branch's side
	// still reaches would count as brought in (git rev-list M^2 ^M^1
	// lists them), given the pull request's text. A merge whose commits
	// reach the cut gives none; a deepened clone's run (which looks at
	// every merge) gives it.
	shallow := map[string]bool{}
	if len(msgs) > 0 {
		for _, c := range ix.r.ShallowCommits() {
			shallow[c] = true
		}
	}
	var h *history
	if len(msgs) > 0 {
		if graph == nil {
			// An incremental run's walk holds the new merges, not the
			// commits they brought in (indexed from their branch
			// before): the part of the history those are found in, in
			// two git processes however many merges a pull brought.
			var with [][]string
			for _, m := range merges {
				if _, ok := msgs[m[0]]; ok {
					with = append(with, m)
				}
			}
			g, err := ix.r.MergedGraph(ctx, with)
			if err != nil && ctx.Err() != nil {
				return nil, err
			}
			// Else git cannot walk it (a damaged history): each merge
			// is asked for below, as far as git can walk.
			graph = g
		}
		if graph != nil {
			h = newHistory(graph)
		}
	}
	broughtIn := func(parents ...string) ([]string, error) {
		if h != nil {
			return h.mergedIn(parents, MergedMax+1), nil
		}
		return ix.r.MergedIn(ctx, parents, MergedMax+1)
	}
	for _, m := range slices.Backward(merges) {
		msg, ok := msgs[m[0]]
		if !ok {
			continue
		}
		in, err := broughtIn(m[1:]...)
		// An octopus merge's commits by the parents that brought them
		// in (their places): what each brings in beside the first.
		through := map[string][]int{}
		for p := 2; p < len(m) && msg.branch != nil && err == nil && len(in) <= MergedMax; p++ {
			var one []string
			one, err = broughtIn(m[1], m[p])
			for _, c := range one {
				through[c] = append(through[c], p-1)
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, err
			}
			// git cannot walk what it brought in (a damaged
			// history: a missing commit on the branch): its text
			// waits, as pruning does, for a run that can walk the
			// history whole (prune_pending).
			ix.unpruned = true
			continue
		}
		if len(in) > MergedMax || slices.ContainsFunc(in, func(c string) bool { return shallow[c] }) {
			continue
		}
		s := &mergeStamp{by: m[0], n: len(in), subject: subjects[m[0]], text: msg.text}
		texts := map[string]*mergeStamp{}
		for _, c := range in {
			give := s
			if msg.branch != nil {
				text := msg.of(through[c])
				if text == "" {
					continue
				}
				if texts[text] == nil {
					texts[text] = &mergeStamp{by: s.by, n: s.n, subject: s.subject, text: text}
				}
				give = texts[text]
			}
			if cur := best[c]; cur == nil || give.n < cur.n {
				best[c] = give
			}
		}
	}
	var stored map[string]store.Stamp
	if all {
		var err error
		if stored, err = ix.st.Stamps(ctx, nil); err != nil {
			return nil, err
		}
	}
	hashes := make([]string, 0, len(best))
	for h := range best {
		if _, ok := stored[h]; !ok {
			hashes = append(hashes, h)
		}
	}
	known, err := ix.st.Stamps(ctx, hashes)
	if err != nil {
		return nil, err
	}
	for h, st := range stored {
		known[h] = st
	}
	var again []string
	var ids []int64
	for h, st := range known {
		want := best[h]
		switch {
		case want == nil && st.By == "":
		case want != nil && want.by == st.By && want.n == st.N:
		case want != nil && want.by == st.By:
			// The same merge, bringing in another number of commits:
			// a replace graft changed its history. The count decides
			// which later merge takes its place; read again, as an
			// index made afresh counts it.
			again = append(again, h)
			ids = append(ids, st.ID)
			continue
		case want == nil && !all:
		case want != nil && !all && st.By != "" && st.N <= want.n:
			// Brought in by a pull request first, then by a merge of
			// the branch that took it: the pull request's stays.
			delete(best, h)
		default:
			again = append(again, h)
			ids = append(ids, st.ID)
			continue
		}
		if want != nil {
			delete(best, h) // indexed as it should be
		}
	}
	if len(ids) > 0 {
		if err := ix.st.SetMeta(ctx, "prune_pending", "1"); err != nil {
			return nil, err
		}
		if err := ix.deleteCommits(ctx, ids); err != nil {
			return nil, err
		}
	}
	ix.stamps = best
	ix.res.Merged = len(again)
	return again, nil
}

// history is a walked history's graph for mergedIn: a git process a
// merge costs about 3 ms, which a first index of a history of thousands
// of pull requests' merges would pay for each (300 merges: 1.1 s against
// 0.3 s without; docs/benchmarks.md).
type history struct {
	parents [][]int32 // by commit number; parents outside the walk left out
	merge   []bool    // the commit is a merge
	gen     []int32   // generation: 1 + the greatest of the parents'
	num     map[string]int32
	hash    []string
	// cyclic: a graft made a commit its own ancestor. Generations then
	// do not order a commit before its parents, and mergedIn takes the
	// difference of what the parents reach instead.
	cyclic bool
}

func newHistory(graph map[string][]string) *history {
	h := &history{num: make(map[string]int32, len(graph))}
	for c := range graph {
		h.num[c] = int32(len(h.hash))
		h.hash = append(h.hash, c)
	}
	h.parents = make([][]int32, len(h.hash))
	h.merge = make([]bool, len(h.hash))
	for i, c := range h.hash {
		h.merge[i] = len(graph[c]) > 1
		for _, p := range graph[c] {
			if j, ok := h.num[p]; ok {
				h.parents[i] = append(h.parents[i], j)
			}
		}
	}
	// Generations, parents first, without recursion (a history is a
	// chain tens of thousands deep). A commit's parents are pushed once,
	// when it is first reached (visiting); a parent still being visited
	// is one of its own descendants: a graft that makes a commit its
	// own ancestor, a cycle git reads without fuss. That parent is left
	// out of the generation, else it would never be ready and the stack
	// would grow without end.
	const visiting = -1
	h.gen = make([]int32, len(h.hash))
	var stack []int32
	for i := range h.hash {
		if h.gen[i] != 0 {
			continue
		}
		stack = append(stack[:0], int32(i))
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			switch h.gen[x] {
			case 0:
				h.gen[x] = visiting
				for _, p := range h.parents[x] {
					if h.gen[p] == 0 {
						stack = append(stack, p)
					}
				}
				continue
			case visiting:
				g := int32(0)
				for _, p := range h.parents[x] {
					g = max(g, h.gen[p])
					h.cyclic = h.cyclic || h.gen[p] == visiting
				}
				h.gen[x] = g + 1
			}
			stack = stack[:len(stack)-1]
		}
	}
	return h
}

// mergedIn is gitrepo's MergedIn answered from the graph, as git walks
// it: from the merge's parents, the highest generation first, a commit
// reached from the first parent is not brought in and neither are its
// parents; a commit's generation is above its parents', so it is marked
// for good before it is taken. The walk ends when nothing in it is
// reached only from the later parents, or at limit commits.
func (h *history) mergedIn(parents []string, limit int) []string {
	if h.cyclic {
		return h.mergedInCyclic(parents, limit)
	}
	const (
		in  = 1 // reached from a later parent
		out = 2 // reached from the first
	)
	mark := map[int32]uint8{}
	q := &genHeap{gen: h.gen}
	live := 0 // queued commits marked in and not out
	reach := func(c int32, m uint8) {
		old, queued := mark[c]
		now := old | m
		if now == old {
			return
		}
		mark[c] = now
		if !queued {
			heap.Push(q, c)
		}
		if old == in {
			live--
		}
		if now == in {
			live++
		}
	}
	for i, p := range parents {
		c, ok := h.num[p]
		if !ok {
			continue
		}
		if i == 0 {
			reach(c, out)
		} else {
			reach(c, in)
		}
	}
	var got []string
	for q.Len() > 0 && live > 0 && len(got) < limit {
		c := heap.Pop(q).(int32)
		m := mark[c]
		if m == in {
			live--
			if !h.merge[c] {
				got = append(got, h.hash[c])
			}
		} else {
			m = out
		}
		for _, p := range h.parents[c] {
			reach(p, m)
		}
	}
	return got
}

// mergedInCyclic is mergedIn in a graph with a cycle: a commit reached
// from a later parent was taken before the cycle brought the first
// parent's mark to it, and was counted as brought in where git, which
// excludes what the first parent reaches, does not list it (a merge's
// count of 2 in an index made afresh, 1 in an incremental run, whose
// part of the graph held no cycle). What the first parent reaches is
// walked whole: a cost only a graph with a cycle pays.
func (h *history) mergedInCyclic(parents []string, limit int) []string {
	seen := make([]bool, len(h.hash))
	walk := func(from []int32, each func(int32) bool) {
		stack := from
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[c] {
				continue
			}
			seen[c] = true
			if !each(c) {
				return
			}
			stack = append(stack, h.parents[c]...)
		}
	}
	var first, later []int32
	for i, p := range parents {
		if c, ok := h.num[p]; ok && i == 0 {
			first = append(first, c)
		} else if ok {
			later = append(later, c)
		}
	}
	walk(first, func(int32) bool { return true })
	var got []string
	walk(later, func(c int32) bool {
		if !h.merge[c] {
			got = append(got, h.hash[c])
		}
		return len(got) < limit
	})
	return got
}

// genHeap is a max-heap of commit numbers by generation.
type genHeap struct {
	gen []int32
	c   []int32
}

func (g *genHeap) Len() int           { return len(g.c) }
func (g *genHeap) Less(i, j int) bool { return g.gen[g.c[i]] > g.gen[g.c[j]] }
func (g *genHeap) Swap(i, j int)      { g.c[i], g.c[j] = g.c[j], g.c[i] }
func (g *genHeap) Push(x any)         { g.c = append(g.c, x.(int32)) }
func (g *genHeap) Pop() any {
	x := g.c[len(g.c)-1]
	g.c = g.c[:len(g.c)-1]
	return x
}
