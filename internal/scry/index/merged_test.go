package index

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

func TestMergedText(t *testing.T) {
	for _, c := range []struct{ subject, body, want string }{
		{"Merge pull request #123 from alice/jsonc-config", "Accept JSON with comments\n\nSigned-off-by: A <a@b>", "#123 jsonc-config\nAccept JSON with comments"},
		{"Merge pull request #5 from feature/x/y", "", "#5 x y"},
		{"Merge branch 'retry-jitter'", "", "retry-jitter"},
		{"Merge branch 'topic/fast-path' into main", "", "topic fast-path"},
		{"Merge remote-tracking branch 'origin/fast-path'", "", "fast-path"},
		{"Merged in feature/login-form (pull request #12)", "Login form\n\nApproved-by: B", "#12 feature login-form\nLogin form"},
		{"Add JSON config support", "", "Add JSON config support"},
		{"Merge branch 'jsonc-config' into 'main'", "Accept JSON with comments\n\nSee merge request acme/widget!123", "jsonc-config\nAccept JSON with comments\n\n!123"},
		// A merge's own word is in every commit it gives its text to.
		{"Merge scry quality work: AVX2 kernels", "", "scry quality work: AVX2 kernels"},
		// git pull's merges of the upstream's commits, and merges of the
		// main line into a branch, describe none of the commits they
		// bring in: nothing.
		{"Merge branch 'main' of github.com:acme/widget", "", ""},
		{"Merge branch 'fix-login' of https://github.com/acme/widget into fix-login", "", ""},
		{"Merge branch 'main' into retry-jitter", "", ""},
		{"Merge remote-tracking branch 'origin/master'", "", ""},
		{"Merge branch 'develop'", "", "develop"}, // a release, in git-flow
		{"Merge main", "", ""},
		{"merge master into branch", "", ""},
		{"Merge branch 'main' into release", "Conflicts:\n\tlogin.go", ""},
		// git allows ' in a branch's name, and fmt-merge-msg quotes it
		// as it is: the name ends at the quote before a space, a comma
		// or the end (a name holds no space).
		{"Merge branch 'it's-fix'", "", "it's-fix"},
		{"Merge branch 'it's-fix' into main", "", "it's-fix"},
		{"Merge branch 'fix''", "", "fix'"},
		{"Merge branch 'a',b' into main", "", "a',b"},
		{"Merge branch 'main' into it's-fix", "", ""},
		{"Merge branch 'it's-fix' of github.com:acme/widget", "", ""},
		{"Merge remote-tracking branch 'origin/it's-fix'", "", "it's-fix"},
	} {
		if got := mergedText(c.subject, c.body, 2).text; got != c.want {
			t.Errorf("mergedText(%q, %q) = %q, want %q", c.subject, c.body, got, c.want)
		}
	}
	// The remote's default branch is the main line too.
	for subject, want := range map[string]string{
		"Merge branch 'dev' into feature/login":         "",
		"Merge remote-tracking branch 'origin/dev'":     "",
		"Merge dev into login":                          "",
		"Merge branch 'development' into feature/login": "development",
		"Merge branch 'master'":                         "",
	} {
		if got := mergedText(subject, "", 2, "dev").text; got != want {
			t.Errorf("mergedText(%q) with dev the default branch = %q, want %q", subject, got, want)
		}
	}
}

// An octopus merge's subject names each parent's branch when git wrote
// it as one list of as many names as the merge has parents, or one
// fewer (the head left out when it fast-forwarded to the first branch).
func TestMergedTextOfOctopus(t *testing.T) {
	for _, c := range []struct {
		subject string
		parents int
		text    string
		branch  []string
	}{
		{"Merge branches 'pelican', 'heron' and 'osprey'", 4, "pelican heron osprey", []string{"", "pelican", "heron", "osprey"}},
		{"Merge branches 'pelican', 'heron' and 'osprey'", 3, "heron osprey", []string{"", "heron", "osprey"}},
		{"Merge branches 'pelican' and 'heron'", 2, "heron", []string{"", "heron"}},
		{"Merge branches 'pelican' and 'heron/nest' into topic", 3, "pelican heron nest", []string{"", "pelican", "heron/nest"}},
		{"Merge remote-tracking branches 'origin/pelican' and 'upstream/heron'", 3, "pelican heron", []string{"", "pelican", "heron"}},
		// The main line's commits get nothing; the others their branch's.
		{"Merge branches 'main' and 'heron' into topic", 3, "heron", []string{"", "", "heron"}},
		{"Merge branches 'main' and 'dev' into topic", 3, "", nil},
		// Kinds mixed (git lists branches, then remote-tracking ones,
		// then tags, whatever the parents' order), or names that are not
		// as many as the parents: every name for every commit.
		{"Merge branch 'pelican', remote-tracking branch 'origin/heron', tag 'v1.2' into topic", 4, "pelican heron v1.2", nil},
		{"Merge branch 'pelican', commit '1a2b3c4'", 3, "pelican", nil},
		{"Merge branches 'pelican' and 'heron'", 5, "pelican heron", nil},
		{"Merge branch 'heron', remote-tracking branch 'origin/main'", 3, "", nil},
		{"Merge branches 'pelican' and 'heron' of github.com:acme/widget", 3, "", nil},
		{"Merge branch 'pelican'", 3, "pelican", nil},
		// Names with a ' in them, as git writes them.
		{"Merge branches 'pelican's-nest', 'heron' and 'osprey''", 4, "pelican's-nest heron osprey'", []string{"", "pelican's-nest", "heron", "osprey'"}},
		{"Merge branches 'main' and 'it's-heron' into topic", 3, "it's-heron", []string{"", "", "it's-heron"}},
		{"Merge branch 'it's-pelican', tag 'v'1' into topic", 3, "it's-pelican v'1", nil},
	} {
		got := mergedText(c.subject, "", c.parents, "dev")
		if got.text != c.text || !slices.Equal(got.branch, c.branch) {
			t.Errorf("mergedText(%q) of %d parents = %q %q, want %q %q", c.subject, c.parents, got.text, got.branch, c.text, c.branch)
		}
	}
	m := mergedText("Merge branches 'pelican', 'heron' and 'osprey'", "Birds\n\nSigned-off-by: A <a@b>", 4)
	for _, c := range []struct {
		in   []int
		want string
	}{{[]int{2}, "heron\nBirds"}, {[]int{1, 3}, "pelican osprey\nBirds"}, {nil, ""}} {
		if got := m.of(c.in); got != c.want {
			t.Errorf("the text of a commit brought in through %v: %q, want %q", c.in, got, c.want)
		}
	}
}

// stamps reads every indexed commit's merge (its subject, "" for none)
// by the commit's subject.
func stamps(t *testing.T, tr *testRepo) map[string]string {
	t.Helper()
	st, err := store.Open(context.Background(), DBPath(tr.repo()))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.DB().Query(`SELECT subject, merged_subject FROM commits`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var s, m string
		if err := rows.Scan(&s, &m); err != nil {
			t.Fatal(err)
		}
		out[s] = m
	}
	return out
}

// A commit indexed before the merge that brings it in is given its text
// by the next run; brought in again by a merge of more commits (the
// branch that took the pull request, merged into main), it keeps the
// pull request's, in one run or in two, and a run killed after it took
// the commits out to read them again is made good by the next one.
func TestMergeTextComesAfterItsCommits(t *testing.T) {
	tr := newTestRepo(t)
	e := &fakeEmbedders{}
	tr.commit("base")
	tr.git("checkout", "-q", "-b", "dev")
	tr.commit("dev work")
	tr.git("checkout", "-q", "-b", "topic")
	tr.commit("wip one")
	tr.commit("wip two")
	tr.index(e)
	if got := stamps(t, tr); got["wip one"] != "" {
		t.Fatalf("stamped before any merge: %v", got)
	}
	tr.git("checkout", "-q", "dev")
	tr.git("merge", "-q", "--no-ff", "-m", "Merge pull request #12 from alice/topic", "-m", "Pelican support", "topic")
	res := tr.index(e)
	if res.Merged != 2 || res.Added != 0 {
		t.Fatalf("merged %d, added %d; want 2 read again, none added", res.Merged, res.Added)
	}
	want := map[string]string{"base": "", "dev work": "", "wip one": "Merge pull request #12 from alice/topic", "wip two": "Merge pull request #12 from alice/topic"}
	if got := stamps(t, tr); !maps.Equal(got, want) {
		t.Fatalf("stamps %v, want %v", got, want)
	}
	if n, err := hits(t, tr.repo(), "pelican"); err != nil || n != 2 {
		t.Fatalf("%d hits for the merge's body (%v), want 2", n, err)
	}
	tr.git("checkout", "-q", "main")
	tr.git("merge", "-q", "--no-ff", "-m", "Merge branch 'dev'", "-m", "Release of the heron", "dev")
	tr.index(e)
	want["dev work"] = "Merge branch 'dev'"
	if got := stamps(t, tr); !maps.Equal(got, want) {
		t.Fatalf("after the branch's merge: stamps %v, want %v", got, want)
	}

	// Killed after it took the commits out: the next run reads them
	// again, with the text.
	st, _, err := store.Create(context.Background(), DBPath(tr.repo()))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := st.Known(context.Background(), []string{tr.git("rev-parse", "topic"), tr.git("rev-parse", "topic~1")})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetMeta(context.Background(), "prune_pending", "1"); err != nil {
		t.Fatal(err)
	}
	b, err := st.Begin(context.Background(), map[string]int64{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(slices.Collect(maps.Values(ids))); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	st.Close()
	tr.index(e)
	if got := stamps(t, tr); !maps.Equal(got, want) {
		t.Fatalf("after a killed run: stamps %v, want %v", got, want)
	}

	// --full: the same.
	if _, err := Run(context.Background(), tr.repo(), Options{Embedders: e, Full: true}); err != nil {
		t.Fatal(err)
	}
	if got := stamps(t, tr); !maps.Equal(got, want) {
		t.Fatalf("after --full: stamps %v, want %v", got, want)
	}
}

// The commits a merge brought in, found in the walked graph, are the ones
// git rev-list M^2 ^M^1 lists, in a history of pull requests, a branch
// brought up to date by merging main into it, an octopus merge and a
// criss-cross, and up to a limit.
func TestMergedInGraphIsGits(t *testing.T) {
	tr := newTestRepo(t)
	empty := func(msg string) { tr.git("commit", "-q", "--allow-empty", "-m", msg) }
	empty("root")
	for i, b := range []string{"a", "b", "c", "d"} {
		tr.git("checkout", "-q", "-b", b, "main")
		empty(b + " one")
		empty(b + " two")
		tr.git("checkout", "-q", "main")
		empty(fmt.Sprintf("main %d", i))
	}
	tr.git("merge", "-q", "--no-ff", "-m", "merge a", "a")
	tr.git("checkout", "-q", "b")
	tr.git("merge", "-q", "--no-ff", "-m", "main into b", "main")
	empty("b three")
	tr.git("checkout", "-q", "main")
	tr.git("merge", "-q", "--no-ff", "-m", "merge b", "b")
	tr.git("merge", "-q", "--no-ff", "-m", "octopus", "c", "d")
	tr.git("checkout", "-q", "-b", "x", "c~1")
	empty("x one")
	tr.git("checkout", "-q", "-b", "y", "d~1")
	empty("y one")
	tr.git("checkout", "-q", "x")
	tr.git("merge", "-q", "--no-ff", "-m", "y into x", "y")
	tr.git("checkout", "-q", "y")
	tr.git("merge", "-q", "--no-ff", "-m", "x into y", "x~1")
	empty("y two")
	tr.git("checkout", "-q", "x")
	tr.git("merge", "-q", "--no-ff", "-m", "criss-cross", "y")
	ctx := context.Background()
	r := tr.repo()
	walk := walkAll(t, r)
	if len(walk.Merges) != 7 {
		t.Fatalf("%d merges walked, want 7:\n%s", len(walk.Merges), tr.git("log", "--all", "--graph", "--oneline"))
	}
	// The whole history's graph, and the parts of it an incremental
	// run walks (MergedGraph): of every merge's, of one merge's, and of
	// two merges' (whose first parents' common ancestor is further down
	// than either).
	graph := func(merges ...[]string) *history {
		g, err := r.MergedGraph(ctx, merges)
		if err != nil {
			t.Fatal(err)
		}
		if len(g) >= len(walk.Parents) && len(merges) == 1 {
			t.Errorf("the graph of merge %s holds the whole history", merges[0][0])
		}
		return newHistory(g)
	}
	graphs := map[string]*history{"whole": newHistory(walk.Parents), "every merge's": graph(walk.Merges...)}
	for i, m := range walk.Merges {
		graphs["its own"] = graph(m)
		graphs["with another's"] = graph(m, walk.Merges[(i+3)%len(walk.Merges)])
		for name, h := range graphs {
			for _, limit := range []int{100, 2} {
				want, err := r.MergedIn(ctx, m[1:], limit)
				if err != nil {
					t.Fatal(err)
				}
				got := h.mergedIn(m[1:], limit)
				if limit == 100 {
					slices.Sort(want)
					slices.Sort(got)
					if !slices.Equal(got, want) {
						t.Errorf("merge %s: %v from %s graph, git lists %v", m[0], got, name, want)
					}
				} else if len(got) != len(want) {
					t.Errorf("merge %s, limit %d: %d from %s graph, git lists %d", m[0], limit, len(got), name, len(want))
				}
			}
		}
	}
}

// The main line merged into a branch to keep it current brings the
// main line's commits into the branch, and git pull's merge the
// upstream's: neither describes them. Those commits keep the text of the
// pull request that brought them into the main line, though the back
// merge brought in fewer of them, in one run and with --full.
func TestBackMergesGiveNoText(t *testing.T) {
	tr := newTestRepo(t)
	e := &fakeEmbedders{}
	tr.commit("base")
	tr.git("checkout", "-q", "-b", "topic")
	tr.commit("wip one")
	tr.commit("wip two")
	tr.commit("wip three")
	tr.git("checkout", "-q", "main")
	tr.git("merge", "-q", "--no-ff", "-m", "Merge pull request #12 from alice/topic", "-m", "Pelican support", "topic")
	tr.git("checkout", "-q", "-b", "feature", "main~1")
	tr.commit("feature work")
	tr.git("merge", "-q", "--no-ff", "-X", "ours", "-m", "Merge branch 'main' into feature", "main")
	tr.commit("more feature work")
	// A back merge of the remote's default branch (dev), by the name
	// origin/HEAD gives it.
	tr.git("update-ref", "refs/remotes/origin/dev", "main")
	tr.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/dev")
	tr.git("checkout", "-q", "-b", "other", "main^2~1") // from wip two: the merge brings in one commit
	tr.commit("other work")
	tr.git("merge", "-q", "--no-ff", "-X", "ours", "-m", "Merge branch 'dev' into other", "main")
	tr.git("checkout", "-q", "-b", "pulled", "main~1")
	tr.commit("local work")
	tr.git("merge", "-q", "--no-ff", "-X", "ours", "-m", "Merge branch 'main' of github.com:acme/widget", "main")
	want := map[string]string{"base": "", "feature work": "", "more feature work": "", "local work": "", "other work": "",
		"wip one": "Merge pull request #12 from alice/topic", "wip two": "Merge pull request #12 from alice/topic", "wip three": "Merge pull request #12 from alice/topic"}
	tr.index(e)
	if got := stamps(t, tr); !maps.Equal(got, want) {
		t.Fatalf("stamps %v, want %v", got, want)
	}
	for _, w := range []string{"main", "dev", "acme"} {
		if n, err := hits(t, tr.repo(), w); err != nil || n != 0 {
			t.Fatalf("%d hits for the back merges' word %q (%v), want none", n, w, err)
		}
	}
	if _, err := Run(context.Background(), tr.repo(), Options{Embedders: e, Full: true}); err != nil {
		t.Fatal(err)
	}
	if got := stamps(t, tr); !maps.Equal(got, want) {
		t.Fatalf("after --full: stamps %v, want %v", got, want)
	}
}

// gitProcesses counts the git processes a GIT_TRACE file logged.
func gitProcesses(t *testing.T, trace string) int {
	t.Helper()
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "trace: built-in: git ")
}

// A pull of several pull requests' merges, whose commits were indexed
// from their branches: the next run gives each merge's text to its
// commits with as many git processes as for a pull of two (not one git
// rev-list a merge).
func TestPulledMergesCostNoProcessEach(t *testing.T) {
	run := func(merges int) int {
		tr := newTestRepo(t)
		e := &fakeEmbedders{}
		tr.commit("base")
		for i := range merges {
			tr.git("checkout", "-q", "-b", fmt.Sprintf("pr%d", i), "main")
			tr.commit(fmt.Sprintf("wip %d", i))
			tr.commit(fmt.Sprintf("fix %d", i))
		}
		tr.git("checkout", "-q", "main")
		tr.commit("main work")
		tr.index(e)
		want := stamps(t, tr)
		for i := range merges {
			subject := fmt.Sprintf("Merge pull request #%d from alice/pr%d", 10+i, i)
			tr.git("merge", "-q", "--no-ff", "-X", "theirs", "-m", subject, "-m", "Pelican support", fmt.Sprintf("pr%d", i))
			want[fmt.Sprintf("wip %d", i)] = subject
			want[fmt.Sprintf("fix %d", i)] = subject
		}
		trace := filepath.Join(t.TempDir(), "trace")
		t.Setenv("GIT_TRACE", trace)
		res := tr.index(e)
		t.Setenv("GIT_TRACE", "")
		if res.Merged != 2*merges {
			t.Fatalf("%d merges pulled: %d commits read again, want %d", merges, res.Merged, 2*merges)
		}
		if got := stamps(t, tr); !maps.Equal(got, want) {
			t.Fatalf("%d merges pulled: stamps %v, want %v", merges, got, want)
		}
		return gitProcesses(t, trace)
	}
	// Of one merge, git merge-base is not asked for: its first parent
	// is the common ancestor.
	two, six := run(2), run(6)
	if six != two {
		t.Fatalf("a pull of 6 merges cost %d git processes, of 2 %d", six, two)
	}
}

// An octopus merge gives each commit it brought in the name of the
// branch it came in through (both names to a commit two of them
// brought in), whether it arrives after its commits or with them, and
// with --full. Its first parent's branch, when git fast-forwarded to
// it, brought nothing in; 51 commits in all give nothing, however few
// each branch brought.
func TestOctopusMergeGivesEachBranchItsName(t *testing.T) {
	tr := newTestRepo(t)
	e := &fakeEmbedders{}
	empty := func(msgs ...string) {
		for _, msg := range msgs {
			tr.git("commit", "-q", "--allow-empty", "-m", msg)
		}
	}
	empty("base")
	tr.git("checkout", "-q", "-b", "pelican")
	empty("wip one", "wip two", "wip three")
	tr.git("checkout", "-q", "-b", "heron", "main")
	empty("groundwork", "tweak")
	tr.git("checkout", "-q", "-b", "osprey", "heron~1")
	empty("polish")
	tr.git("checkout", "-q", "main")
	empty("main work")
	tr.index(e)
	tr.git("merge", "-q", "pelican", "heron", "osprey")
	const octopus = "Merge branches 'pelican', 'heron' and 'osprey'"
	if s := tr.git("log", "-1", "--format=%s"); s != octopus {
		t.Fatalf("git wrote %q", s)
	}
	want := map[string]string{"base": "", "main work": ""}
	for _, s := range []string{"wip one", "wip two", "wip three", "groundwork", "tweak", "polish"} {
		want[s] = octopus
	}
	check := func(when string) {
		t.Helper()
		if got := stamps(t, tr); !maps.Equal(got, want) {
			t.Fatalf("%s: stamps %v, want %v", when, got, want)
		}
		for word, n := range map[string]int{"pelican": 3, "heron": 2, "osprey": 2, "branches": 0} {
			if got, err := hits(t, tr.repo(), word); err != nil || got != n {
				t.Fatalf("%s: %d hits for %q (%v), want %d", when, got, word, err, n)
			}
		}
	}
	if res := tr.index(e); res.Merged != 6 {
		t.Fatalf("%d commits read again, want 6", res.Merged)
	}
	check("after its commits")
	if _, err := Run(context.Background(), tr.repo(), Options{Embedders: e, Full: true}); err != nil {
		t.Fatal(err)
	}
	check("--full")

	// Fast-forwarded to swift, then merged finch: swift is the first
	// parent. And kite and lark: 51 commits.
	tr.git("checkout", "-q", "-b", "swift", "main")
	empty("glide")
	tr.git("checkout", "-q", "-b", "finch", "main")
	empty("perch")
	tr.git("checkout", "-q", "-b", "kite", "main")
	for i := range 26 {
		empty(fmt.Sprintf("k%d", i))
	}
	tr.git("checkout", "-q", "-b", "lark", "main")
	for i := range 25 {
		empty(fmt.Sprintf("l%d", i))
	}
	tr.git("checkout", "-q", "-b", "topic", "main")
	tr.git("merge", "-q", "swift", "finch")
	tr.git("checkout", "-q", "main")
	empty("main again")
	tr.git("merge", "-q", "kite", "lark")
	tr.index(e)
	got := stamps(t, tr)
	if got["perch"] != "Merge branches 'swift' and 'finch' into topic" || got["glide"] != "" || got["k1"] != "" || got["l1"] != "" {
		t.Fatalf("stamps %v", got)
	}
	for word, n := range map[string]int{"finch": 1, "swift": 0, "kite": 0, "lark": 0} {
		if got, err := hits(t, tr.repo(), word); err != nil || got != n {
			t.Fatalf("%d hits for %q (%v), want %d", got, word, err, n)
		}
	}
}

// A replace graft that changes how many commits a merge brought in: the
// commits indexed before kept the count they had (2, where an index made
// afresh holds 4), which decides whether a later merge bringing them in
// with fewer commits takes its place. Their count is made good.
func TestGraftChangesMergedCount(t *testing.T) {
	tr := newTestRepo(t)
	e := &fakeEmbedders{}
	tr.commit("base")
	tr.git("checkout", "-q", "-b", "side")
	tr.commit("side one")
	tr.commit("side two")
	tr.git("checkout", "-q", "-b", "topic", "main")
	tr.commit("topic one")
	tr.commit("topic two")
	tr.git("checkout", "-q", "main")
	tr.git("merge", "-q", "--no-ff", "-m", "Merge branch 'topic'", "topic")
	tr.index(e)
	// By hash: the graft's replacement of topic one is a commit too.
	hashes := map[string]string{}
	for _, c := range []struct{ subject, rev string }{{"topic one", "topic~1"}, {"topic two", "topic"}, {"side one", "side~1"}, {"side two", "side"}} {
		hashes[c.subject] = tr.git("rev-parse", c.rev)
	}
	count := func(subject string) int {
		return sqlInt(t, tr, `SELECT merged_n FROM commits WHERE hash = ?`, hashes[subject])
	}
	if n := count("topic one"); n != 2 {
		t.Fatalf("before the graft, topic one's merge brought in %d commits, want 2", n)
	}
	// topic one on side two: the merge brings in side's commits too.
	tr.git("replace", "--graft", hashes["topic one"], hashes["side two"])
	tr.index(e)
	for _, s := range []string{"topic one", "topic two", "side one", "side two"} {
		if n := count(s); n != 4 {
			t.Errorf("after the graft, %s's merge brought in %d commits, want 4", s, n)
		}
	}
	// And back.
	tr.git("replace", "-d", hashes["topic one"])
	tr.index(e)
	for _, s := range []string{"topic one", "topic two"} {
		if n := count(s); n != 2 {
			t.Errorf("after the graft is gone, %s's merge brought in %d commits, want 2", s, n)
		}
	}
	if n := count("side one"); n != 0 {
		t.Errorf("after the graft is gone, side one is given a merge of %d commits, want none", n)
	}
}

// A replace graft that makes a commit its own ancestor (the root given a
// later commit for its parent) puts a cycle in the graph, which a merge's
// first parent and its branch enter at different commits. Generations
// then do not order the commits of the cycle: one reached from the
// branch was taken as brought in before the first parent's mark came
// round the cycle to it, a count git does not give (and an index made
// afresh gave 2 where an incremental run, whose part of the graph held
// no cycle, gave 1). Which commit of the cycle the generations start at
// depends on the map's order: the graph is built many times.
func TestMergedInGraphWithCycleIsGits(t *testing.T) {
	tr := newTestRepo(t)
	empty := func(msg string) { tr.git("commit", "-q", "--allow-empty", "-m", msg) }
	empty("root")
	empty("a")
	tr.git("checkout", "-q", "-b", "b0")
	empty("c")
	empty("x")
	tr.git("checkout", "-q", "main")
	empty("m1")
	root := tr.git("rev-list", "--max-parents=0", "HEAD")
	tr.git("replace", "--graft", root, tr.git("rev-parse", "b0~1"))
	tr.git("merge", "-q", "--no-ff", "-m", "Merge branch 'b0'", "b0")
	ctx := context.Background()
	r := tr.repo()
	walk := walkAll(t, r)
	if len(walk.Merges) != 1 {
		t.Fatalf("%d merges walked, want 1", len(walk.Merges))
	}
	m := walk.Merges[0]
	want, err := r.MergedIn(ctx, m[1:], 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 1 {
		t.Fatalf("git lists %v brought in, want x alone", want)
	}
	part, err := r.MergedGraph(ctx, [][]string{m})
	if err != nil {
		t.Fatal(err)
	}
	for range 40 {
		for name, g := range map[string]map[string][]string{"whole": walk.Parents, "merge's": part} {
			if got := newHistory(g).mergedIn(m[1:], 100); !slices.Equal(got, want) {
				t.Fatalf("%v brought in from the %s graph, git lists %v", got, name, want)
			}
		}
	}
}

// walkAll walks the history every tip of r reaches, as a run does.
func walkAll(t *testing.T, r *gitrepo.Repo) *gitrepo.Walk {
	t.Helper()
	ctx := context.Background()
	tips, err := r.HistoryTips(ctx)
	if err != nil {
		t.Fatal(err)
	}
	walk, err := r.RevWalk(ctx, tipValues(tips), nil)
	if err != nil {
		t.Fatal(err)
	}
	return walk
}
