package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/scry/eval"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/search"
)

const githubHint = "--github works inside a GitHub Actions step; without it, the report goes to stdout only"

// githubFlag reads --github: the runner's outputs must be writable before
// the run starts, not found missing after minutes of indexing.
func githubFlag(env *cli.Env, fs *pflag.FlagSet, asJSON bool) (*ghaction.Action, error) {
	if on, _ := fs.GetBool("github"); !on {
		return nil, nil
	}
	if asJSON {
		return nil, cli.Usagef("--json and --github cannot be combined").WithHint("--github writes workflow commands to stdout, where they would break the JSON")
	}
	gh := ghaction.New(env.Stdout, env.Env)
	if err := gh.OutputsWritable(); err != nil {
		return nil, ghaction.UserError(err, githubHint)
	}
	return gh, nil
}

// evalToGitHub writes the report, with the warnings that qualify it, as
// the step summary, the gated mode's measures as outputs and each
// shortfall as an error annotation.
func evalToGitHub(gh *ghaction.Action, rep *eval.Report, mode search.Mode, name, title string, t *cli.Table, g eval.Gate, short []eval.Shortfall, warnings []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### git scry eval: %s\n\n%s\n\n%s", ghaction.MarkdownText(name), title, t.Markdown())
	if g.MinMRR > 0 || g.MinRecall > 0 {
		level, lv := eval.GateLevel(rep.Modes[string(mode)])
		var checks []string
		if g.MinMRR > 0 {
			checks = append(checks, fmt.Sprintf("MRR %s (minimum %.3f)", f3(lv.MRR), g.MinMRR))
		}
		if g.MinRecall > 0 {
			checks = append(checks, fmt.Sprintf("Recall@10 %s (minimum %.3f)", f3(lv.Recall10), g.MinRecall))
		}
		verdict := "passed"
		if len(short) > 0 || g.Unmet != "" {
			verdict = "**failed**"
		}
		fmt.Fprintf(&b, "\nQuality gate (%s, %s level): %s: %s\n", mode, level, strings.Join(checks, ", "), verdict)
	}
	if len(warnings) > 0 {
		b.WriteString("\nWarnings:\n\n")
		for _, w := range warnings {
			fmt.Fprintf(&b, "- %s\n", ghaction.MarkdownText(w))
		}
	}
	if err := gh.Summary(b.String() + "\n"); err != nil {
		return ghaction.UserError(err, githubHint)
	}
	_, lv := eval.GateLevel(rep.Modes[string(mode)])
	for _, o := range [][2]string{
		{"mrr", f3(lv.MRR)}, {"recall-at-10", f3(lv.Recall10)},
		{"ndcg-at-10", f3(lv.NDCG10)}, {"queries", fmt.Sprint(lv.Queries)},
	} {
		if err := gh.SetOutput(o[0], o[1]); err != nil {
			return ghaction.UserError(err, githubHint)
		}
	}
	for _, s := range short {
		gh.Errorf("git scry eval %s: %s", name, s)
	}
	if g.Unmet != "" {
		gh.Errorf("git scry eval %s: %s", name, g.Unmet)
	}
	return nil
}

// indexToGitHub writes what an index run did as step outputs, and what
// limits its answers (a shallow checkout above all) as warnings.
func indexToGitHub(gh *ghaction.Action, res *index.Result) error {
	for _, o := range [][2]string{
		{"commits", fmt.Sprint(res.Total)}, {"added", fmt.Sprint(res.Added)},
		{"embedder", res.Embedder},
	} {
		if err := gh.SetOutput(o[0], o[1]); err != nil {
			return ghaction.UserError(err, githubHint)
		}
	}
	if res.Shallow {
		gh.Warningf("git scry index: the checkout is shallow, so only its %s %s indexed: check out with fetch-depth: 0 (actions/checkout) to search the whole history", cli.Count(int(res.Total), "commit"), isAre(int(res.Total), "was", "were"))
	}
	if res.Unreadable > 0 {
		gh.Warningf("git scry index: %s could not be read and were skipped", cli.Count(res.Unreadable, "commit"))
	}
	if res.AttrWarning != "" {
		gh.Warningf("git scry index: git's linguist-generated attributes were not read for the rest of the run (%s): files it marks generated may have had their lines indexed", res.AttrWarning)
	}
	switch {
	case res.Unembeddable > 0:
		// Semantic search ranks the others, as the summary says.
		gh.Warningf("git scry index: %s", res.EmbedWarning)
	case res.EmbedWarning != "":
		gh.Warningf("git scry index: semantic search is unavailable: %s", res.EmbedWarning)
	}
	return nil
}

// asText runs write, a text report whose lines begin with a query set's
// text (its name, a query's id), with the runner's workflow commands
// stopped inside GitHub Actions, with or without --github: a set named
// "::warning::x" was an annotation of its own there, "::stop-commands::x"
// hid every later one.
func asText(env *cli.Env, write func() error) error {
	gh := ghaction.New(env.Stdout, env.Env)
	if !gh.Enabled() {
		return write()
	}
	resume, err := gh.StopCommands()
	if err != nil {
		return err
	}
	defer resume()
	return write()
}
