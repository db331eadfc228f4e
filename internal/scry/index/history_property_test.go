package index

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// TestIncrementalIndexMatchesFresh applies seeded random history
// operations (commits with renames and deletions, amends, resets,
// rebases, merges (octopus too), cherry-picks, squashes, stashes, tags,
// detached HEADs, replace grafts, a graft file) and after each runs the
// index: it must hold exactly the non-merge commits the refs reach (as
// git rev-list --all lists them, the stash left out), and every few
// steps what an index made afresh holds: each commit's row (merge counts
// included), files, the co-change pairs and the lexical index. A failure
// names the seed, the step and the operations so far.
func TestIncrementalIndexMatchesFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("random histories: seconds of git")
	}
	// 55 and 85: a replacement grafted again (a chain of replacements);
	// 133: a merge's count in a history a graft made cyclic; each as
	// many steps as its defect took to show. (7, whose grafts these
	// cover, is left out for the run's time.)
	for _, s := range []struct {
		seed  int64
		steps int
	}{{1, 24}, {42, 24}, {55, 24}, {85, 20}, {133, 15}} {
		t.Run(fmt.Sprint(s.seed), func(t *testing.T) { historyProperty(t, s.seed, s.steps, false) })
	}
	// Whole replacements (git replace C R: another message, tree and
	// parents read at C) change the diffs of C's children too. Their own
	// seeds, so that the ones above keep the histories they pin; 4 and 7
	// showed the children's stale diffs.
	for _, s := range []struct {
		seed  int64
		steps int
	}{{4, 10}, {7, 12}} {
		t.Run(fmt.Sprint("replace-", s.seed), func(t *testing.T) { historyProperty(t, s.seed, s.steps, true) })
	}
}

func historyProperty(t *testing.T, seed int64, steps int, wholeReplace bool) {
	h := &randomHistory{tr: newTestRepo(t), rnd: rand.New(rand.NewSource(seed)), wholeReplace: wholeReplace}
	// Fixed dates, a minute a step: a seed makes the same hashes.
	date := func(step int) {
		d := fmt.Sprintf("@%d +0000", 1600000000+60*step)
		t.Setenv("GIT_AUTHOR_DATE", d)
		t.Setenv("GIT_COMMITTER_DATE", d)
	}
	date(0)
	h.commit("initial commit")
	var done []string
	for step := range steps {
		date(step + 1)
		op := h.ops()[h.rnd.Intn(len(h.ops()))]()
		done = append(done, op)
		fail := func(format string, a ...any) {
			t.Helper()
			t.Fatalf("seed %d, step %d (%s): %s\noperations: %s", seed, step, op, fmt.Sprintf(format, a...), strings.Join(done, "; "))
		}
		if _, err := Run(context.Background(), h.tr.repo(), Options{}); err != nil {
			fail("index: %v", err)
		}
		got := dumpIndex(t, h.tr)
		want := h.reachable()
		var extra, missing []string
		for c := range got.commits {
			if !want[c] {
				extra = append(extra, short(c))
			}
		}
		for c := range want {
			if _, ok := got.commits[c]; !ok {
				missing = append(missing, short(c))
			}
		}
		if len(extra)+len(missing) > 0 {
			fail("indexed commits differ from the reachable ones: extra %v, missing %v", extra, missing)
		}
		if step%5 != 4 && step != steps-1 {
			continue
		}
		fresh := h.fresh(t)
		if _, err := Run(context.Background(), fresh.repo(), Options{}); err != nil {
			fail("fresh index: %v", err)
		}
		if d := diffIndexes(got, dumpIndex(t, fresh)); d != "" {
			fail("incremental and fresh indexes differ: %s", d)
		}
	}
}

// randomHistory is a repository that random git operations are applied to.
type randomHistory struct {
	tr  *testRepo
	rnd *rand.Rand
	// wholeReplace adds git replace C R (R another commit) to the
	// operations.
	wholeReplace bool
}

var (
	historyWords = strings.Fields("alpha beta gamma delta retry backoff socket parser config daemon cache token header listener widget render schema vault")
	historyFiles = []string{"d0/f0.go", "d1/f1.go", "d2/f2.go", "d0/f3.go", "d1/f4.go", "d2/f5.go", "d0/f6.go", "d1/f7.go"}
)

// try runs git where failing is an outcome (a merge's conflict, nothing
// to rebase): whether it succeeded.
func (h *randomHistory) try(args ...string) bool {
	cmd := exec.Command("git", args...)
	cmd.Dir = h.tr.dir
	return cmd.Run() == nil
}

// out is git's standard output (tr.git's holds its warnings too: the
// graft file's deprecation).
func (h *randomHistory) out(args ...string) string {
	h.tr.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = h.tr.dir
	out, err := cmd.Output()
	if err != nil {
		h.tr.t.Fatalf("git %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

func (h *randomHistory) word() string { return historyWords[h.rnd.Intn(len(historyWords))] }

func (h *randomHistory) words(n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = h.word()
	}
	return strings.Join(w, " ")
}

// commit changes one to three files (appends, deletions, renames).
func (h *randomHistory) commit(msg string) {
	for range 1 + h.rnd.Intn(3) {
		f := historyFiles[h.rnd.Intn(len(historyFiles))]
		tracked := strings.Fields(h.out("ls-files"))
		op := h.rnd.Float64()
		switch {
		case op < 0.15 && slices.Contains(tracked, f):
			h.tr.git("rm", "-qf", f)
		case op < 0.25 && slices.Contains(tracked, f):
			to := historyFiles[h.rnd.Intn(len(historyFiles))]
			if _, err := os.Stat(filepath.Join(h.tr.dir, to)); err != nil && !slices.Contains(tracked, to) {
				os.MkdirAll(filepath.Dir(filepath.Join(h.tr.dir, to)), 0o755)
				h.tr.git("mv", f, to)
			}
		default:
			p := filepath.Join(h.tr.dir, f)
			os.MkdirAll(filepath.Dir(p), 0o755)
			old, _ := os.ReadFile(p)
			line := fmt.Sprintf("func %s%s() {}\n", strings.ToUpper(h.word()), h.word())
			os.WriteFile(p, append(old, line...), 0o644)
			h.tr.git("add", f)
		}
	}
	if msg == "" {
		msg = h.words(4)
	}
	h.tr.git("commit", "-q", "--allow-empty", "-m", msg)
}

func (h *randomHistory) branches() []string {
	return strings.Fields(h.out("for-each-ref", "--format=%(refname:short)", "refs/heads"))
}

func (h *randomHistory) current() string { return h.out("rev-parse", "--abbrev-ref", "HEAD") }

// others is the branches but the current one.
func (h *randomHistory) others() []string {
	cur := h.current()
	return slices.DeleteFunc(h.branches(), func(b string) bool { return b == cur })
}

func (h *randomHistory) pick(list []string) string { return list[h.rnd.Intn(len(list))] }

// nonMerges is the non-merge commits every ref reaches.
func (h *randomHistory) nonMerges() []string {
	return strings.Fields(h.out("rev-list", "--all", "--no-merges"))
}

func (h *randomHistory) ops() []func() string {
	commit := func() string { h.commit(""); return "commit" }
	ops := []func() string{commit, commit, commit, commit, commit, commit}
	ops = append(ops,
		func() string { // branch
			b := fmt.Sprintf("b%d", h.rnd.Intn(6))
			if slices.Contains(h.branches(), b) {
				h.tr.git("checkout", "-q", b)
				return "checkout " + b
			}
			h.tr.git("checkout", "-q", "-b", b)
			return "branch " + b
		},
		func() string { h.tr.git("checkout", "-q", "main"); return "checkout main" },
		func() string { // merge
			bs := h.others()
			if len(bs) == 0 {
				return "no merge"
			}
			b := h.pick(bs)
			if !h.try("merge", "--no-ff", "-q", "-m", fmt.Sprintf("Merge branch '%s' widget %s", b, h.word()), b) {
				h.try("merge", "--abort")
				h.tr.git("reset", "-q", "--hard")
				return "merge conflict " + b
			}
			return "merge " + b
		},
		func() string { // octopus
			bs := h.others()
			if len(bs) < 2 {
				return "no octopus"
			}
			h.rnd.Shuffle(len(bs), func(i, j int) { bs[i], bs[j] = bs[j], bs[i] })
			if !h.try("merge", "--no-ff", "-q", "-m", fmt.Sprintf("Merge branches '%s' and '%s'", bs[0], bs[1]), bs[0], bs[1]) {
				h.try("merge", "--abort")
				h.tr.git("reset", "-q", "--hard")
				return "octopus failed"
			}
			return "octopus " + bs[0] + " " + bs[1]
		},
		func() string { // amend
			h.tr.git("commit", "-q", "--amend", "--allow-empty", "-m", h.word()+" amended "+h.word())
			return "amend"
		},
		func() string { h.try("reset", "-q", "--hard", "HEAD~1"); return "reset" },
		func() string { // delete a branch
			bs := slices.DeleteFunc(h.others(), func(b string) bool { return b == "main" })
			if len(bs) == 0 {
				return "no branch to delete"
			}
			b := h.pick(bs)
			h.tr.git("branch", "-q", "-D", b)
			return "delete " + b
		},
		func() string { t := fmt.Sprintf("t%d", h.rnd.Intn(4)); h.tr.git("tag", "-f", t); return "tag " + t },
		func() string { // rebase
			if h.current() == "main" {
				return "no rebase"
			}
			if !h.try("rebase", "-q", "main") {
				h.try("rebase", "--abort")
				return "rebase failed"
			}
			return "rebase"
		},
		func() string { // cherry-pick
			bs := h.others()
			if len(bs) == 0 {
				return "no cherry-pick"
			}
			b := h.pick(bs)
			if !h.try("cherry-pick", "--allow-empty", b) {
				h.try("cherry-pick", "--abort")
				return "cherry-pick failed"
			}
			return "cherry-pick " + b
		},
		func() string { h.tr.git("checkout", "-q", "--detach"); h.commit(""); return "detached commit" },
		func() string { // stash
			p := filepath.Join(h.tr.dir, historyFiles[0])
			os.MkdirAll(filepath.Dir(p), 0o755)
			old, _ := os.ReadFile(p)
			os.WriteFile(p, append(old, "stash\n"...), 0o644)
			h.tr.git("stash", "-q", "--include-untracked")
			return "stash"
		},
		func() string { // squash
			b := h.current()
			if b == "main" || b == "HEAD" {
				return "no squash"
			}
			h.tr.git("checkout", "-q", "main")
			if !h.try("merge", "--squash", "-q", b) {
				h.tr.git("reset", "-q", "--hard")
				return "squash failed"
			}
			h.tr.git("commit", "-q", "--allow-empty", "-m", "squash "+b)
			return "squash " + b
		},
		func() string { // replace graft, or its removal
			revs := h.nonMerges()
			if len(revs) < 3 {
				return "no replace"
			}
			if h.rnd.Float64() < 0.6 {
				// Cut off behind c, or c put onto another commit: what a
				// merge brought in changes with it.
				c, p := h.pick(revs), h.pick(revs)
				args := []string{"replace", "-f", "--graft", c}
				if h.rnd.Float64() < 0.5 && p != c {
					args = append(args, p)
				}
				h.try(args...)
				if !h.try("rev-list", "--all") {
					// c's replacement is itself replaced by c (a chain
					// back to c): git reads nothing of it ("replace depth
					// too high"), nor can the index.
					h.tr.git("replace", "-d", c)
					return "replace cycle undone"
				}
				return "replace --graft " + short(c) + " " + short(strings.Join(args[4:], ""))
			}
			refs := strings.Fields(h.out("for-each-ref", "--format=%(refname)", "refs/replace"))
			if len(refs) == 0 {
				return "no replace to remove"
			}
			h.tr.git("update-ref", "-d", h.pick(refs))
			return "replace removed"
		},
		func() string { // graft file
			gf := filepath.Join(h.tr.dir, ".git", "info", "grafts")
			if _, err := os.Stat(gf); err == nil && h.rnd.Float64() < 0.5 {
				os.Remove(gf)
				return "grafts removed"
			}
			revs := h.nonMerges()
			if len(revs) < 3 {
				return "no graft"
			}
			c, p := h.pick(revs), h.pick(revs)
			line := c
			if h.rnd.Float64() < 0.5 && p != c {
				line += " " + p
			}
			os.MkdirAll(filepath.Dir(gf), 0o755)
			f, err := os.OpenFile(gf, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if err == nil {
				fmt.Fprintln(f, line)
				f.Close()
			}
			return "graft " + c[:7]
		},
	)
	// Replace grafts twice as often: merges' counts change with them.
	ops = append(ops, ops[len(ops)-2])
	if h.wholeReplace {
		ops = append(ops, func() string {
			revs := h.nonMerges()
			if len(revs) < 3 {
				return "no replace"
			}
			c, r := h.pick(revs), h.pick(revs)
			if c == r {
				return "no replace"
			}
			h.tr.git("replace", "-f", c, r)
			if !h.try("rev-list", "--all") {
				h.tr.git("replace", "-d", c)
				return "replace cycle undone"
			}
			return "replace " + short(c) + " " + short(r)
		})
	}
	return ops
}

// reachable is what the index must hold: the non-merge commits that the
// refs (the stash and notes left out) and HEAD reach.
func (h *randomHistory) reachable() map[string]bool {
	args := []string{"rev-list", "--no-merges", "HEAD"}
	for _, ref := range strings.Fields(h.out("for-each-ref", "--format=%(refname)")) {
		if !strings.HasPrefix(ref, "refs/stash") && !strings.HasPrefix(ref, "refs/notes") {
			args = append(args, ref)
		}
	}
	out := map[string]bool{}
	for _, c := range strings.Fields(h.out(args...)) {
		out[c] = true
	}
	return out
}

// fresh is a copy of the repository without its index.
func (h *randomHistory) fresh(t *testing.T) *testRepo {
	dir := filepath.Join(t.TempDir(), "fresh")
	if out, err := exec.Command("cp", "-a", h.tr.dir, dir).CombinedOutput(); err != nil {
		t.Fatalf("copying the repository: %v\n%s", err, out)
	}
	os.RemoveAll(filepath.Join(dir, ".git", "verdigris"))
	return &testRepo{t: t, dir: dir}
}

// indexDump is what an index holds, by commit hash and path.
type indexDump struct {
	commits map[string]string // a commit's row and files
	pairs   []string          // co-change pairs
	matches map[string]string // per word, the commits FTS matches with their rank
}

var dumpWords = []string{"widget", "retry", "alpha", "d1", "config", "amended", "squash", "f3"}

func dumpIndex(t *testing.T, tr *testRepo) indexDump {
	t.Helper()
	st, err := store.Open(context.Background(), DBPath(tr.repo()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	query := func(q string, args []any, each func(vals []any)) {
		t.Helper()
		rows, err := db.Query(q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			each(vals)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	d := indexDump{commits: map[string]string{}, matches: map[string]string{}}
	hashes := map[int64]string{}
	query(`SELECT id, hash, author_time, subject, body, trailers, nfiles, added, deleted, flags, merged_by, merged_n, merged_subject FROM commits`, nil, func(v []any) {
		h := string(asText(v[1]))
		hashes[v[0].(int64)] = h
		var row []string
		for _, x := range v[2:] {
			row = append(row, string(asText(x)))
		}
		d.commits[h] = fmt.Sprintf("%q", row)
	})
	files := map[string][]string{}
	query(`SELECT c.hash, p.path, f.status, f.added, f.deleted FROM files f JOIN commits c ON c.id = f.commit_id JOIN paths p ON p.id = f.path_id`, nil, func(v []any) {
		h := string(asText(v[0]))
		files[h] = append(files[h], fmt.Sprintf("%s %s %v %v", asText(v[1]), asText(v[2]), v[3], v[4]))
	})
	for h, fs := range files {
		slices.Sort(fs)
		d.commits[h] += " files " + strings.Join(fs, ", ")
	}
	query(`SELECT a.path, b.path, x.n, x.last FROM cochange x JOIN paths a ON a.id = x.a JOIN paths b ON b.id = x.b WHERE x.n > 0`, nil, func(v []any) {
		d.pairs = append(d.pairs, fmt.Sprintf("%s %s %v %v", asText(v[0]), asText(v[1]), v[2], v[3]))
	})
	slices.Sort(d.pairs)
	for _, w := range dumpWords {
		var hits []string
		query(`SELECT rowid, bm25(fts) FROM fts WHERE fts MATCH ?`, []any{w}, func(v []any) {
			hits = append(hits, fmt.Sprintf("%s %.6g", hashes[v[0].(int64)], math.Round(v[1].(float64)*1e6)/1e6))
		})
		slices.Sort(hits)
		d.matches[w] = strings.Join(hits, ", ")
	}
	return d
}

func asText(v any) []byte {
	switch x := v.(type) {
	case string:
		return []byte(x)
	case []byte:
		return x
	}
	return []byte(fmt.Sprint(v))
}

// diffIndexes says how two dumps differ, "" when they do not.
func diffIndexes(inc, fresh indexDump) string {
	for h, row := range inc.commits {
		if fresh.commits[h] != row {
			return fmt.Sprintf("commit %s:\n incremental %s\n fresh       %s", h[:7], row, fresh.commits[h])
		}
	}
	for h := range fresh.commits {
		if _, ok := inc.commits[h]; !ok {
			return fmt.Sprintf("commit %s only in the fresh index", h[:7])
		}
	}
	if !reflect.DeepEqual(inc.pairs, fresh.pairs) {
		return fmt.Sprintf("co-change pairs:\n incremental %v\n fresh       %v", inc.pairs, fresh.pairs)
	}
	for _, w := range dumpWords {
		if inc.matches[w] != fresh.matches[w] {
			return fmt.Sprintf("lexical matches of %q:\n incremental %s\n fresh       %s", w, inc.matches[w], fresh.matches[w])
		}
	}
	return ""
}

func short(h string) string { return h[:min(len(h), 7)] }
