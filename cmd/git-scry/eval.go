package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/scry/eval"
	"github.com/verdigris-dev/verdigris/internal/scry/search"
)

var evalCmd = &cli.Command{
	Name: "eval",
	Usage: `Usage: git scry eval QUERIES.json [-k N] [--mode MODE] [--json | --github]
                     [--per-query] [--min-mrr X] [--min-recall X]

Measure search quality on a query set (QUERIES.json '-': standard input):

  {"name": "...", "queries": [{"id": "...", "query": "...",
    "relevant_commits": ["<sha or prefix>", ...],
    "relevant_docs": ["<path>", ...]}]}

(a query without an id is known by its place in the set: #1, #2, ...)

For each mode (hybrid, lexical, semantic; --mode keeps one) it reports
MRR, Recall@5, Recall@10 and nDCG@10 at commit level (the relevant
commits among the hits; the queries with relevant commits) and at file
level (a file's rank is the rank of the first hit that changed it; the
queries with relevant files), how many queries each level counts, and
the search latency p50/p95 in ms.

Flags:
  -k N             hits per query (default 10); below 10 the measures stop
                   at N and are labelled so (R@N, nDCG@N), text report only
                   (not with --json or --github)
      --mode MODE  evaluate one mode only
      --json       print {"queryset", "queries", "k", "modes": {MODE: {"commit":
                   {"mrr", "recall@5", "recall@10", "ndcg@10", "queries"},
                   "file": {...}, "latency_ms": {"p50", "p95"}}}}
      --per-query  then, for each query with relevant commits, the rank of
                   the first one in each mode (- when not within k); text
                   report only
      --min-mrr X, --min-recall X
                   fail (exit 1) when the first mode evaluated (hybrid, or
                   --mode's) has an MRR or Recall@10 below X at commit level
                   (file level for a set without relevant commits)
      --github     also write the report as the step summary, the first
                   mode's measures as step outputs (mrr, recall-at-10,
                   ndcg-at-10, queries) and each shortfall as an error
                   annotation (GitHub Actions)
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.IntP("k", "k", 10, "")
		modeFlag(fs, "")
		fs.Bool("json", false, "")
		fs.Bool("per-query", false, "")
		fs.Float64("min-mrr", 0, "")
		fs.Float64("min-recall", 0, "")
		fs.Bool("github", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := nargs("eval", fs, args, 1, 1); err != nil {
			return err
		}
		k, _ := fs.GetInt("k")
		if k < 1 {
			return cli.Usagef("-k must be at least 1, got %d", k).WithHint("e.g. -k 10")
		}
		asJSON, _ := fs.GetBool("json")
		perQuery, _ := fs.GetBool("per-query")
		if asJSON && perQuery {
			return cli.Usagef("--per-query is for the text report").WithHint("use one of --json and --per-query")
		}
		if asJSON && k < 10 {
			// Its keys are fixed; recall@10 of fewer hits would be a lie.
			return cli.Usagef("--json reports recall@10 and ndcg@10, which need -k 10 or more (got -k %d)", k).
				WithHint("use -k 10 or more with --json; the text report labels its measures @%d", k)
		}
		if gh, _ := fs.GetBool("github"); gh && k < 10 {
			// The step outputs are named for 10 hits, as --json's keys are.
			return cli.Usagef("--github writes the step outputs recall-at-10 and ndcg-at-10, which need -k 10 or more (got -k %d)", k).
				WithHint("use -k 10 or more with --github; the text report without it labels its measures @%d", k)
		}
		gate, err := gateFlags(fs, k)
		if err != nil {
			return err
		}
		gh, err := githubFlag(env, fs, asJSON)
		if err != nil {
			return err
		}
		// What makes the measures below lower than the search deserves
		// (relevant commits a shallow checkout lacks, above all) is, with
		// --github, an annotation too: in the log alone, a failed gate
		// read as a search that got worse.
		// They are listed in the step summary as well, beside the
		// measures they qualify: annotations are not shown there.
		var warnings []string
		warn := func(format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			cli.Warnf(env.Stderr, "git-scry", "%s", msg)
			if gh != nil {
				gh.Warningf("git scry eval: %s", msg)
				warnings = append(warnings, msg)
			}
		}
		modes := search.Modes
		if m, _ := fs.GetString("mode"); fs.Changed("mode") {
			modes = []search.Mode{search.Mode(m)}
		}
		var qs *eval.QuerySet
		if args[0] == "-" {
			// Standard input, as "-" is for files in git and most
			// tools; /dev/stdin and <(…) are files already.
			qs, err = eval.Read(ctx, "-", env.Stdin)
		} else {
			qs, err = eval.Load(ctx, args[0])
		}
		var unread *iofs.PathError
		switch {
		case err != nil && ctx.Err() != nil:
			return cli.Interruptedf("interrupted while reading the query set %s; nothing was evaluated", args[0]).WithHint("run the same git scry eval again")
		case os.IsNotExist(err):
			return cli.Failf("%s: no such file", args[0]).WithHint("give the path of a query-set JSON file")
		case errors.As(err, &unread):
			// Not a badly written set: the format is not the problem.
			return cli.Failf("cannot read %s: %v", args[0], unread.Err).WithHint("give the path of a query-set JSON file")
		}
		if errors.Is(err, eval.ErrTrailingData) {
			return cli.Failf("bad query set: %v", err).WithHint("a query-set file holds one JSON object: remove what follows it, or split the sets into files")
		}
		if err != nil {
			return badQuerySet(err)
		}
		if n := len(qs.Unknown); n > 0 {
			keys, more := qs.Unknown, ""
			if n > 3 {
				keys, more = keys[:3], fmt.Sprintf(" and %d more", n-3)
			}
			warn("the query set has %s that git scry does not read, ignored: %s%s", cli.Count(n, "key"), cli.Printable(strings.Join(keys, ", ")), more)
		}
		lexicalOnly := len(modes) == 1 && modes[0] == search.Lexical
		r, st, s, closeAll, err := openSearcher(ctx, env, !lexicalOnly)
		if err != nil {
			return err
		}
		defer closeAll()
		if s.Unfinished > 0 {
			warn("%s", unfinishedWarning(r, s.Unfinished))
		} else if w := unseenHeadWarning(ctx, r, st); w != "" {
			warn("%s", w)
		}
		if s.Unembedded > 0 {
			warn("%s", unembeddedWarning(s))
		}
		if s.PassedOver != "" && !lexicalOnly {
			// A gate in CI measured the built-in embedder, not the model.
			warn("%s", passedOverWarning(s))
		}
		if s.RegistryErr != "" && !lexicalOnly {
			w, hint := registryWarning(env, s.RegistryErr)
			warn("%s", w)
			if hint != "" {
				cli.HintLinef(env.Stderr, "git-scry", "%s", hint)
			}
		}
		if s.SemanticErr != "" {
			if len(modes) == 1 && modes[0] == search.Semantic {
				return searchError(ctx, &search.ErrSemanticUnavailable{Reason: s.SemanticErr, Hint: s.SemanticHint})
			}
			// Lexical mode stands in: --mode hybrid alone evaluated nothing.
			// Asked for lexical mode alone, nothing is missing.
			if slices.ContainsFunc(modes, func(m search.Mode) bool { return m != search.Lexical }) {
				warn("semantic search is unavailable (%s): evaluating lexical mode only", s.SemanticErr)
			}
			// A gate on hybrid search is not met by lexical search
			// standing in: it fails, after the report.
			if gated := modes[0]; gated != search.Lexical && (gate.MinMRR > 0 || gate.MinRecall > 0) {
				gate.Unmet = fmt.Sprintf("%s search cannot be checked against --min-mrr/--min-recall: semantic search is unavailable (%s), and lexical mode was evaluated instead", gated, s.SemanticErr)
			}
			modes = []search.Mode{search.Lexical}
		}
		res, err := eval.Resolve(ctx, r, st, qs)
		if errors.Is(err, eval.ErrNotHash) {
			return badQuerySet(err)
		}
		if err != nil {
			return searchError(ctx, err)
		}
		if res.Merges > 0 {
			fmt.Fprintf(env.Stderr, "git-scry: %s of the query set %s, which the index leaves out: each stands for the commits it merged\n", cli.Count(res.Merges, "relevant commit"), isAre(res.Merges, "is a merge", "are merges"))
		}
		if res.Unindexed > 0 {
			warn("%s of the query set %s not indexed yet: run 'git scry index'", cli.Count(res.Unindexed, "relevant commit"), isAre(res.Unindexed, "is", "are"))
		}
		if res.Missing > 0 && res.Shallow {
			// A CI checkout's history stops at its depth: not a set
			// written for another repository.
			warn("%s of the query set %s not in this index: this clone is shallow, and %s be in the history not fetched ('git fetch --unshallow', then 'git scry index')", cli.Count(res.Missing, "relevant commit"), isAre(res.Missing, "is", "are"), isAre(res.Missing, "it may", "they may"))
		} else if res.Missing > 0 {
			warn("%s of the query set %s not in this index (another repository, or shas from before a rewrite?)", cli.Count(res.Missing, "relevant commit"), isAre(res.Missing, "is", "are"))
		}
		// Not a set for another clone: the index leaves these refs out,
		// and 'git scry index' never takes them in.
		if res.Stashed > 0 {
			warn("%s of the query set %s not in this index: reached only by the stash, which the index leaves out", cli.Count(res.Stashed, "relevant commit"), isAre(res.Stashed, "is", "are"))
		}
		if res.InNotes > 0 {
			warn("%s of the query set %s not in this index: reached only by the notes (refs/notes/), which the index leaves out", cli.Count(res.InNotes, "relevant commit"), isAre(res.InNotes, "is", "are"))
		}
		if res.Ambiguous > 0 {
			warn("%s %s more than one indexed commit and %s as not found: give longer hashes", cli.Count(res.Ambiguous, "relevant commit prefix"), isAre(res.Ambiguous, "matches", "match"), isAre(res.Ambiguous, "counts", "count"))
		}
		if n := len(res.UnchangedDocs); n > 0 {
			docs, more := res.UnchangedDocs, ""
			if n > 3 {
				docs, more = docs[:3], fmt.Sprintf(" and %d more", n-3)
			}
			// Quoted: a path's trailing space, the likeliest misspelling
			// after a typo, is otherwise invisible.
			quoted := make([]string, len(docs))
			for i, d := range docs {
				quoted[i] = strconv.Quote(d)
			}
			warn("%s of the query set %s changed by no indexed commit and %s as never found: %s%s (a misspelled path, or a directory?)", cli.Count(n, "relevant doc"), isAre(n, "was", "were"), isAre(n, "counts", "count"), strings.Join(quoted, ", "), more)
		}
		rep, err := eval.Run(ctx, s, qs, modes, k)
		if err != nil {
			return searchError(ctx, err)
		}
		short := gate.Check(rep, string(modes[0]))
		if gate.Unmet != "" {
			short = nil // the measures are lexical search's
		}
		// A set without a "name" is named by its file, in every report.
		if rep.QuerySet == "" {
			rep.QuerySet = setName(args[0])
		}
		name := rep.QuerySet
		if asJSON {
			if err := cli.WriteJSON(env.Stdout, rep); err != nil {
				return err
			}
			return gateError(short, gate)
		}
		title := fmt.Sprintf("%s (%d with relevant commits, %d with relevant files), k=%d", cli.Count(rep.Queries, "query"), rep.CommitQueries, rep.FileQueries, k)
		t := reportTable(rep, modes, k)
		err = asText(env, func() error {
			fmt.Fprintf(env.Stdout, "%s: %s\n\n", cli.Printable(name), title)
			if err := t.Write(env.Stdout); err != nil {
				return err
			}
			if perQuery && rep.CommitQueries > 0 {
				fmt.Fprintln(env.Stdout)
				return perQueryTable(rep, qs, modes).Write(env.Stdout)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if gh != nil {
			if err := evalToGitHub(gh, rep, modes[0], name, title, t, gate, short, warnings); err != nil {
				return err
			}
		}
		return gateError(short, gate)
	},
}

// reportTable is the report's measures, a row per mode and level. Below
// 10 hits the measures stop at k, and say so (R@5 only when it differs
// from R@k).
func reportTable(rep *eval.Report, modes []search.Mode, k int) *cli.Table {
	cut := min(k, 10)
	head := []string{"MODE", "LEVEL", "QUERIES", "MRR"}
	if cut > 5 {
		head = append(head, "R@5")
	}
	t := &cli.Table{}
	t.Row(append(head, fmt.Sprintf("R@%d", cut), fmt.Sprintf("nDCG@%d", cut), "p50 ms", "p95 ms")...)
	for _, m := range modes {
		mr := rep.Modes[string(m)]
		for _, lv := range []struct {
			name string
			x    eval.Level
		}{{"commit", mr.Commit}, {"file", mr.File}} {
			if lv.x.Queries == 0 {
				continue
			}
			row := []string{string(m), lv.name, fmt.Sprint(lv.x.Queries), f3(lv.x.MRR)}
			if cut > 5 {
				row = append(row, f3(lv.x.Recall5))
			}
			t.Row(append(row, f3(lv.x.Recall10), f3(lv.x.NDCG10),
				fmt.Sprintf("%.1f", mr.Latency.P50), fmt.Sprintf("%.1f", mr.Latency.P95))...)
		}
	}
	return t
}

// gateFlags reads --min-mrr and --min-recall.
func gateFlags(fs *pflag.FlagSet, k int) (eval.Gate, error) {
	var g eval.Gate
	for _, f := range []struct {
		name string
		to   *float64
	}{{"min-mrr", &g.MinMRR}, {"min-recall", &g.MinRecall}} {
		v, _ := fs.GetFloat64(f.name)
		if v < 0 || v > 1 || math.IsNaN(v) {
			return g, cli.Usagef("--%s must be between 0 and 1, got %v", f.name, v).WithHint("e.g. --%s 0.3", f.name)
		}
		*f.to = v
	}
	if g.MinRecall > 0 && k < 10 {
		return g, cli.Usagef("--min-recall checks Recall@10, which needs -k 10 or more (got -k %d)", k).WithHint("use -k 10 or more with --min-recall")
	}
	return g, nil
}

// gateError is the failure for the measures below the gate ("" none).
func gateError(short []eval.Shortfall, g eval.Gate) error {
	if g.Unmet != "" {
		return cli.Failf("%s", g.Unmet).WithHint("fix what makes semantic search unavailable ('verdigris doctor'), or gate lexical search with --mode lexical")
	}
	if len(short) == 0 {
		return nil
	}
	msgs := make([]string, len(short))
	for i, s := range short {
		msgs[i] = s.String()
	}
	return cli.Failf("%s", strings.Join(msgs, "; ")).
		WithHint("the report above has every measure: improve the index's embedder ('git scry model use'), or lower --min-mrr/--min-recall")
}

func f3(x float64) string { return fmt.Sprintf("%.3f", x) }

// perQueryTable lists each query with relevant commits and the rank of
// the first of them in each mode: which questions a mode misses.
func perQueryTable(rep *eval.Report, qs *eval.QuerySet, modes []search.Mode) *cli.Table {
	t := &cli.Table{}
	head := []string{"ID"}
	for _, m := range modes {
		head = append(head, strings.ToUpper(string(m)))
	}
	t.Row(append(head, "QUERY")...)
	for i, q := range qs.Queries {
		if len(q.RelevantCommits) == 0 {
			continue
		}
		row := []string{cli.Printable(q.ID)}
		for _, m := range modes {
			r := "-"
			if n := rep.Ranks[string(m)][i]; n > 0 {
				r = fmt.Sprint(n)
			}
			row = append(row, r)
		}
		t.Row(append(row, cli.Printable(q.Query))...)
	}
	return t
}

// isAre picks the verb form that agrees with a count.
func isAre(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// badQuerySet is the error of a query set Load or Resolve refused.
func badQuerySet(err error) error {
	if errors.Is(err, eval.ErrNotHash) {
		return cli.Failf("bad query set: %v", err).WithHint("give a commit's hash (40 hex characters, 64 in a SHA-256 repository) or a prefix of it, as 'git rev-parse COMMIT' prints it")
	}
	return cli.Failf("bad query set: %v", err).WithHint("see 'git scry eval --help' for the format")
}

// setName names a query set without a "name" by its file; a pipe
// ('git scry eval <(cat set.json)', /dev/stdin) has only a descriptor's
// name ("63"), which would head the report as the set's.
func setName(path string) string {
	dir := filepath.Dir(path)
	if path == "-" || path == "/dev/stdin" || dir == "/dev/fd" || strings.HasPrefix(dir, "/proc/") && filepath.Base(dir) == "fd" {
		return "(unnamed set)"
	}
	return filepath.Base(path)
}
