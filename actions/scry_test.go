// Tests of actions/scry under the runner emulator: the history is indexed
// incrementally from a cached index, and a query set gates the step.

package actions_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/actiontest"
	"github.com/verdigris-dev/verdigris/internal/clitest"
)

// dirCache stands in for actions/cache/restore and actions/cache/save
// with directories: a save keeps a copy of every file under each path by
// key; a restore takes the exact key, else the newest entry whose key
// starts with a restore key, and writes its files back.
type dirCache struct {
	mu      sync.Mutex
	entries []dirEntry
}

type dirEntry struct {
	key   string
	files map[string][]byte // absolute path → content
}

func (dc *dirCache) uses() map[string]actiontest.UsesFunc {
	return map[string]actiontest.UsesFunc{
		"actions/cache/restore": func(ctx context.Context, c *actiontest.Call) error {
			dc.mu.Lock()
			defer dc.mu.Unlock()
			var hit *dirEntry
			exact := false
			for i := range dc.entries {
				if dc.entries[i].key == c.With["key"] {
					hit, exact = &dc.entries[i], true
				}
			}
			for _, prefix := range paths(map[string]string{"path": c.With["restore-keys"]}) {
				for i := range dc.entries {
					if hit == nil && strings.HasPrefix(dc.entries[i].key, prefix) || !exact && hit != nil && strings.HasPrefix(dc.entries[i].key, prefix) && strings.HasPrefix(hit.key, prefix) {
						hit = &dc.entries[i] // the newest match
					}
				}
			}
			c.SetOutput("cache-hit", fmt.Sprint(exact))
			if hit == nil {
				return nil
			}
			c.SetOutput("cache-matched-key", hit.key)
			for p, data := range hit.files {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					return err
				}
			}
			return nil
		},
		"actions/cache/save": func(ctx context.Context, c *actiontest.Call) error {
			dc.mu.Lock()
			defer dc.mu.Unlock()
			e := dirEntry{key: c.With["key"], files: map[string][]byte{}}
			var roots []string
			for _, pat := range paths(c.With) {
				// As actions/cache does: globs are expanded, and a path
				// that does not exist is left out (the machine text is
				// not learned in tests).
				m, err := filepath.Glob(pat)
				if err != nil {
					return err
				}
				roots = append(roots, m...)
			}
			for _, root := range roots {
				err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					data, err := os.ReadFile(p)
					e.files[p] = data
					return err
				})
				if err != nil {
					return fmt.Errorf("cache save: %v", err)
				}
			}
			dc.entries = append(dc.entries, e)
			return nil
		},
	}
}

func (a *actionEnv) runScry(inputs map[string]string, sha string, cache *dirCache) *actiontest.Result {
	a.t.Helper()
	return a.runAction("scry", inputs, map[string]any{"event_name": "push", "sha": sha}, cache.uses())
}

// The first run indexes the whole history and saves the index; a run on a
// later commit, from a fresh checkout, restores it and indexes only the
// new commits; a query set below its minimum fails the step with an
// annotation, after the index was saved.
func TestScryActionIndexesIncrementallyAndGates(t *testing.T) {
	a := newActionEnv(t)
	// The built-in embedder learns from the repository alone: the test
	// machine's own text is not what is tested here.
	a.env["VERDIGRIS_SCRY_MACHINE_TEXT"] = "0"
	laptop := a.scryHistory()
	a.git(laptop, "push", "-q", "origin", "main")
	first := a.git(laptop, "rev-parse", "HEAD")
	listener := a.git(laptop, "rev-parse", "HEAD~2")
	cache := &dirCache{}

	a.checkout(first)
	// A session begun in this job's checkout: its state lives beside the
	// index, and is not the index's to cache.
	os.MkdirAll(filepath.Join(a.workspace, ".git", "verdigris"), 0o755)
	os.WriteFile(filepath.Join(a.workspace, ".git", "verdigris", "session.json"), []byte(`{"id": "x"}`), 0o644)
	res := a.runScry(nil, first, cache)
	if res.Failed || res.Outputs["commits"] != "3" || res.Outputs["added"] != "3" {
		t.Fatalf("first run: failed %v, outputs %v\n%s", res.Failed, res.Outputs, res.Log)
	}
	if res.Outputs["mrr"] != "" || res.Step("eval").Outcome != "skipped" {
		t.Fatalf("no queries, yet eval ran: %v\n%s", res.Outputs, res.Log)
	}
	if len(cache.entries) != 1 || !strings.HasPrefix(cache.entries[0].key, "verdigris-scry-Linux-") {
		t.Fatalf("cache entries after the first run: %v", cache.entries)
	}
	// The index's files, not the worktree's session state beside them.
	for p := range cache.entries[0].files {
		if !strings.HasPrefix(filepath.Base(p), "scry") {
			t.Errorf("cached %s, which is not the index's", p)
		}
	}
	if len(cache.entries[0].files) == 0 {
		t.Error("nothing cached")
	}

	os.WriteFile(filepath.Join(laptop, "gzip.txt"), []byte("gzip\n"), 0o644)
	a.git(laptop, "add", "-A")
	a.git(laptop, "commit", "-q", "-m", "net: gzip the responses")
	a.git(laptop, "push", "-q", "origin", "main")
	second := a.git(laptop, "rev-parse", "HEAD")
	os.WriteFile(filepath.Join(laptop, "queries.json"), []byte(`{"name": "tiny", "queries": [
  {"id": "close", "query": "close listener shutdown", "relevant_commits": ["`+listener+`"]},
  {"id": "none", "query": "zebra giraffe", "relevant_commits": ["`+listener+`"]}
]}`), 0o644)
	a.git(laptop, "add", "-A")
	a.git(laptop, "commit", "-q", "-m", "eval: a query set")
	a.git(laptop, "push", "-q", "origin", "main")
	second = a.git(laptop, "rev-parse", "HEAD")

	// A fresh checkout: only the cache carries the index over.
	os.RemoveAll(filepath.Join(a.dir, ".cache"))
	a.checkout(second)
	// mode in any case, and the numbers, with the blanks and line break a
	// YAML block scalar leaves around them.
	res = a.runScry(map[string]string{"queries": "queries.json", "mode": "Lexical\n", "min-mrr": " .5 "}, second, cache)
	if res.Failed || res.Outputs["commits"] != "5" || res.Outputs["added"] != "2" {
		t.Fatalf("second run: failed %v, outputs %v\n%s", res.Failed, res.Outputs, res.Log)
	}
	if res.Outputs["mrr"] != "0.500" || res.Outputs["recall-at-10"] != "0.500" || res.Outputs["ndcg-at-10"] != "0.500" || res.Outputs["queries"] != "2" || res.Outputs["embedder"] == "" {
		t.Fatalf("eval outputs %v\n%s", res.Outputs, res.Log)
	}
	if !strings.Contains(res.Summary, "### git scry eval: tiny") || !strings.Contains(res.Summary, "| lexical | commit | 2 | 0.500 |") {
		t.Fatalf("summary:\n%s", res.Summary)
	}

	// Below the minimum: the step fails, with the shortfall annotated; the
	// index was saved before.
	a.checkout(second)
	saves := len(cache.entries)
	res = a.runScry(map[string]string{"queries": "queries.json", "mode": "lexical", "min-recall": "0.75", "cache": "true"}, second, cache)
	if !res.Failed || res.Step("eval").Outcome != "failure" || res.Step("index").Outcome != "success" {
		t.Fatalf("gate did not fail the step:\n%s", res.Log)
	}
	found := false
	for _, an := range res.Annotations {
		if an.Level == "error" && strings.Contains(an.Message, "lexical Recall@10 at commit level is 0.500, below the minimum 0.750") {
			found = true
		}
	}
	if !found {
		t.Fatalf("annotations %v\n%s", res.Annotations, res.Log)
	}
	// The exact key was there: nothing saved again.
	if len(cache.entries) != saves {
		t.Fatalf("saved again on an exact cache hit: %d entries", len(cache.entries))
	}
}

// A shallow checkout indexes what it has and says how to get the rest;
// without git-scry on PATH, or with a bad input, the action says what to do.
func TestScryActionShallowAndMisuse(t *testing.T) {
	a := newActionEnv(t)
	a.env["VERDIGRIS_SCRY_MACHINE_TEXT"] = "0"
	head := a.pushEmptyCommits("change 0", "change 1", "change 2")
	os.RemoveAll(a.workspace)
	a.git(a.dir, "clone", "-q", "--depth", "1", "file://"+a.remote, a.workspace)

	res := a.runScry(map[string]string{"cache": "false"}, head, &dirCache{})
	if res.Failed || res.Outputs["commits"] != "1" {
		t.Fatalf("shallow run: failed %v, outputs %v\n%s", res.Failed, res.Outputs, res.Log)
	}
	warned := false
	for _, an := range res.Annotations {
		warned = warned || an.Level == "warning" && strings.Contains(an.Message, "fetch-depth: 0")
	}
	if !warned {
		t.Fatalf("no warning about the shallow checkout: %v\n%s", res.Annotations, res.Log)
	}

	res = a.runScry(map[string]string{"full": "yes"}, head, &dirCache{})
	if !res.Failed || !strings.Contains(res.Log, `input full must be true or false, not "yes"`) {
		t.Fatalf("bad input accepted:\n%s", res.Log)
	}
	// A line break in the value started a workflow command of its own.
	res = a.runScry(map[string]string{"full": "yes\n::warning::injected"}, head, &dirCache{})
	injectedInput(t, res, "full")

	a.env["PATH"] = strings.Join(slicesWithout(filepath.SplitList(a.env["PATH"]), clitest.Binaries(t)), string(os.PathListSeparator))
	res = a.runScry(nil, head, &dirCache{})
	if !res.Failed || !strings.Contains(res.Log, "git-scry is not on PATH") {
		t.Fatalf("ran without git-scry:\n%s", res.Log)
	}
}

func slicesWithout(list []string, drop string) []string {
	var out []string
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// min-mrr, min-recall and mode are read by the evaluation alone, which
// runs only with queries: given without it, they were ignored and the
// step passed, a quality gate the workflow set that checked nothing. Each
// is an error annotation naming it and queries, before anything is indexed.
func TestScryActionRefusesAGateWithoutQueries(t *testing.T) {
	a := newActionEnv(t)
	a.env["VERDIGRIS_SCRY_MACHINE_TEXT"] = "0"
	head := a.pushEmptyCommits("change 0")
	a.checkout(head)
	res := a.runScry(map[string]string{"cache": "false", "min-mrr": "0.3", "min-recall": "0.45", "mode": "lexical"}, head, &dirCache{})
	if !res.Failed || res.Step("index").Outcome != "skipped" {
		t.Fatalf("a gate without queries: failed %v, index %s\n%s", res.Failed, res.Step("index").Outcome, res.Log)
	}
	for _, name := range []string{"min-mrr", "min-recall", "mode"} {
		want := "input " + name + " is read only with queries, which is empty: give queries (a query set to evaluate), or leave " + name + " out"
		if !slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool { return an.Level == "error" && an.Message == want }) {
			t.Errorf("no error %q: %+v", want, res.Annotations)
		}
	}
	// Blanks around a value are ignored, so one of blanks alone (a YAML
	// block's line break) is no gate: it was refused as one given.
	res = a.runScry(map[string]string{"cache": "false", "min-mrr": " ", "min-recall": "\n", "mode": " \n"}, head, &dirCache{})
	if res.Failed || res.Step("index").Outcome != "success" {
		t.Errorf("blank gates without queries: failed %v, index %s: %+v\n%s", res.Failed, res.Step("index").Outcome, res.Annotations, res.Log)
	}
	// queries of blanks alone is no query set either: nothing is
	// evaluated (git scry eval was run on the blank path), and the
	// gates given with it are refused as without queries.
	res = a.runScry(map[string]string{"cache": "false", "queries": " \n"}, head, &dirCache{})
	if res.Failed || res.Step("eval").Outcome != "skipped" {
		t.Errorf("blank queries: failed %v, eval %s: %+v\n%s", res.Failed, res.Step("eval").Outcome, res.Annotations, res.Log)
	}
	res = a.runScry(map[string]string{"cache": "false", "queries": "\n", "min-mrr": "0.3"}, head, &dirCache{})
	if !res.Failed || !slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool {
		return strings.HasPrefix(an.Message, "input min-mrr is read only with queries")
	}) {
		t.Errorf("a gate with blank queries: failed %v: %+v\n%s", res.Failed, res.Annotations, res.Log)
	}
	res = a.runScry(map[string]string{"cache": "false", "queries": "a.json\nb.json"}, head, &dirCache{})
	if !res.Failed || !slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool {
		return strings.HasPrefix(an.Message, "input queries must be one path")
	}) {
		t.Errorf("two lines of queries: failed %v: %+v\n%s", res.Failed, res.Annotations, res.Log)
	}
	// A bad true/false input is named too, not only the first problem.
	res = a.runScry(map[string]string{"cache": "nope", "min-mrr": "0.3"}, head, &dirCache{})
	if !res.Failed || len(res.Annotations) < 2 {
		t.Fatalf("both problems: %+v\n%s", res.Annotations, res.Log)
	}
}

// A typo in min-mrr, min-recall or mode was reported only after the
// history was indexed, by git scry eval, naming its flag (--min-mrr)
// rather than the input. Each is an error annotation naming the input
// and what it takes, before anything is indexed; every bad one is named.
func TestScryActionRefusesABadGateOrMode(t *testing.T) {
	a := newActionEnv(t)
	a.env["VERDIGRIS_SCRY_MACHINE_TEXT"] = "0"
	head := a.pushEmptyCommits("change 0")
	a.checkout(head)
	for _, c := range []struct{ input, value, want string }{
		{"min-mrr", "abc", `input min-mrr must be a number from 0 to 1, not "abc" (a fraction: 0.3, not 30 or 30%)`},
		{"min-mrr", "30", `input min-mrr must be a number from 0 to 1, not "30" (a fraction: 0.3, not 30 or 30%)`},
		{"min-mrr", "45%", `input min-mrr must be a number from 0 to 1, not "45%" (a fraction: 0.3, not 30 or 30%)`},
		{"min-recall", "1.5", `input min-recall must be a number from 0 to 1, not "1.5" (a fraction: 0.3, not 30 or 30%)`},
		{"mode", "hybird", `input mode must be hybrid, lexical or semantic (in any case), not "hybird"`},
		{"mode", "lexical\n::warning::injected", `input mode must be hybrid, lexical or semantic (in any case), not "lexical` + "\n" + `::warning::injected"`},
	} {
		res := a.runScry(map[string]string{"cache": "false", "queries": "queries.json", c.input: c.value}, head, &dirCache{})
		if !res.Failed || res.Step("index").Outcome != "skipped" {
			t.Errorf("%s %q: failed %v, index %s\n%s", c.input, c.value, res.Failed, res.Step("index").Outcome, res.Log)
			continue
		}
		if !slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool { return an.Level == "error" && an.Message == c.want }) {
			t.Errorf("%s %q: no error %q: %+v", c.input, c.value, c.want, res.Annotations)
		}
		if slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool { return an.Level == "warning" && an.Message == "injected" }) {
			t.Errorf("%s: a line break in the value started a workflow command: %+v", c.input, res.Annotations)
		}
	}
	res := a.runScry(map[string]string{"cache": "false", "queries": "queries.json", "min-mrr": "45%", "mode": "hybird"}, head, &dirCache{})
	if n := len(slices.DeleteFunc(slices.Clone(res.Annotations), func(an actiontest.Annotation) bool { return an.Level != "error" })); !res.Failed || n < 2 {
		t.Fatalf("both problems: %+v\n%s", res.Annotations, res.Log)
	}
}

// scryHistory clones the remote into a developer's checkout and
// commits three messages there, not pushed; it returns the checkout.
func (a *actionEnv) scryHistory() string {
	a.t.Helper()
	laptop := filepath.Join(a.dir, "laptop")
	a.git(a.dir, "clone", "-q", a.remote, laptop)
	for _, msg := range []string{
		"net: close the listener on shutdown",
		"docs: explain the configuration file",
		"net: retry dialing with backoff",
	} {
		name := strings.ReplaceAll(strings.Fields(msg)[1], ":", "")
		os.WriteFile(filepath.Join(laptop, name+".txt"), []byte(msg+"\n"), 0o644)
		a.git(laptop, "add", "-A")
		a.git(laptop, "commit", "-q", "-m", msg)
	}
	return laptop
}

// scryQueryRepo pushes three commits and a query set q.json (written by
// querySet from the first commit's sha) to the remote, and returns HEAD.
func (a *actionEnv) scryQueryRepo(querySet func(listener string) string) string {
	a.t.Helper()
	laptop := a.scryHistory()
	os.WriteFile(filepath.Join(laptop, "q.json"), []byte(querySet(a.git(laptop, "rev-parse", "HEAD~2"))), 0o644)
	a.git(laptop, "add", "-A")
	a.git(laptop, "commit", "-q", "-m", "eval: a query set")
	a.git(laptop, "push", "-q", "origin", "main")
	return a.git(laptop, "rev-parse", "HEAD")
}

// The text report began with the query set's name, a line the runner
// read as a workflow command: a set named "::warning::…" (or
// "::add-mask::…", "::stop-commands::…") put its own annotation on the
// run, or hid the log. The report is shown as text, the name in it.
func TestScryActionQuerySetTextIsNoWorkflowCommand(t *testing.T) {
	a := newActionEnv(t)
	a.env["VERDIGRIS_SCRY_MACHINE_TEXT"] = "0"
	head := a.scryQueryRepo(func(listener string) string {
		return `{"name": "::warning::injected", "queries": [
  {"id": "close", "query": "close listener shutdown", "relevant_commits": ["` + listener + `"]}]}`
	})
	a.checkout(head)
	res := a.runScry(map[string]string{"queries": "q.json", "mode": "lexical", "min-mrr": "0.5", "cache": "false"}, head, &dirCache{})
	if res.Failed || res.Outputs["mrr"] != "1.000" {
		t.Fatalf("failed %v, outputs %v\n%s", res.Failed, res.Outputs, res.Log)
	}
	if slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool { return strings.HasPrefix(an.Message, "injected") }) {
		t.Errorf("the query set's name was read as a workflow command: %+v\n%s", res.Annotations, res.Log)
	}
	if !strings.Contains(res.Log, "\n::warning::injected: 1 query (1 with relevant commits") {
		t.Errorf("the report's heading is not in the log as text:\n%s", res.Log)
	}
}

// In a shallow checkout (actions/checkout's default fetch-depth: 1) the
// query set's relevant commits are not in the history: the gate failed
// with "MRR 0.000, below the minimum", and why (those commits are not
// fetched) was a line of the log, not an annotation on the run.
func TestScryActionShallowGateSaysWhy(t *testing.T) {
	a := newActionEnv(t)
	a.env["VERDIGRIS_SCRY_MACHINE_TEXT"] = "0"
	head := a.scryQueryRepo(func(listener string) string {
		return `{"name": "tiny", "queries": [
  {"id": "close", "query": "close listener shutdown", "relevant_commits": ["` + listener + `"]}]}`
	})
	os.RemoveAll(a.workspace)
	a.git(a.dir, "clone", "-q", "--depth", "1", "file://"+a.remote, a.workspace)
	res := a.runScry(map[string]string{"queries": "q.json", "mode": "lexical", "min-mrr": "0.3", "cache": "false"}, head, &dirCache{})
	if !res.Failed || res.Step("eval").Outcome != "failure" {
		t.Fatalf("failed %v, eval %s\n%s", res.Failed, res.Step("eval").Outcome, res.Log)
	}
	want := "git scry eval: 1 relevant commit of the query set is not in this index: this clone is shallow"
	if !slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool {
		return an.Level == "warning" && strings.HasPrefix(an.Message, want)
	}) {
		t.Errorf("no warning %q: %+v\n%s", want, res.Annotations, res.Log)
	}
	want = "git scry index: the checkout is shallow, so only its 1 commit was indexed"
	if !slices.ContainsFunc(res.Annotations, func(an actiontest.Annotation) bool {
		return an.Level == "warning" && strings.HasPrefix(an.Message, want)
	}) {
		t.Errorf("no warning %q: %+v", want, res.Annotations)
	}
}
