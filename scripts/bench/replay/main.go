// Command replay rebuilds a recorded commit history (JSONL) as a git
// repository for benchmarks, and can rewrite a query set that names
// recorded commits so it names the replayed ones:
//
//	go run ./scripts/bench/replay [-rounds N] [-newest N] [-agent-signature F [-agent NAME]] [-bots N] [-corpus FILE] [-queries IN -queries-out OUT] DIR
//
// -agent-signature F signs that fraction of the messages (0 to 1, the
// same commits on every run) as an AI coding agent does, to measure what
// its boilerplate does to search (docs/benchmarks.md, "Search quality"):
// with -agent claude-code (the default) each ends with Claude Code's
// body line "🤖 Generated with [Claude Code](…)" and its trailer
// "Co-Authored-By: Claude <noreply@anthropic.com>"; with -agent aider
// each subject starts with older aider's "aider: ".
//
// -bots N interleaves N automated commits, spread evenly over the
// history (the same ones for the same N on every run), to measure what a
// busy project's bots do to search: "ignore: update download stats
// 2025-07-14" (stats.json), "chore: format code" and "chore: generate"
// (a generated SDK file), "Update Nix flake.lock and hashes"
// (flake.lock, nix/hashes.json), "release: v0.15.3" (package.json) and
// dependabot's "chore(deps): bump vite from 5.4.2 to 5.4.3" with its
// body (package.json, bun.lock), their dates and versions varying. The
// query sets name the recorded commits only, as before.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/replay"
)

func main() {
	rounds := flag.Int("rounds", 1, "replay the history this many times in a row")
	corpus := flag.String("corpus", replay.LefthookCorpus(), "JSONL corpus")
	newest := flag.Int("newest", 0, "replay only the corpus's N newest commits (a smaller history)")
	queries := flag.String("queries", "", "query set naming recorded commits")
	queriesOut := flag.String("queries-out", "", "where to write the query set naming replayed commits")
	signature := flag.Float64("agent-signature", 0, "sign this fraction of the messages (0 to 1) as an AI coding agent does")
	agent := flag.String("agent", replay.Agents[0], "whose signature -agent-signature adds: "+strings.Join(replay.Agents, ", "))
	bots := flag.Int("bots", 0, "interleave `N` automated commits with repeated messages (CI and dependency bots)")
	flag.Parse()
	if flag.NArg() != 1 || (*queries == "") != (*queriesOut == "") || *signature < 0 || *signature > 1 || !slices.Contains(replay.Agents, *agent) || *bots < 0 {
		fmt.Fprintln(os.Stderr, "usage: replay [-rounds N] [-newest N] [-agent-signature F [-agent "+strings.Join(replay.Agents, "|")+"]] [-bots N] [-corpus FILE] [-queries IN -queries-out OUT] DIR")
		os.Exit(2)
	}
	opt := replay.Options{Rounds: *rounds, AgentSignature: *signature, Agent: *agent, Bots: *bots}
	if err := run(*corpus, flag.Arg(0), opt, *newest, *queries, *queriesOut); err != nil {
		fmt.Fprintln(os.Stderr, "replay: error:", err)
		os.Exit(1)
	}
}

func run(corpus, dir string, opt replay.Options, newest int, queries, queriesOut string) error {
	commits, err := replay.Load(corpus)
	if err != nil {
		return err
	}
	if newest > 0 && newest < len(commits) {
		commits = commits[len(commits)-newest:] // Load returns them oldest first
	}
	res, err := replay.Build(context.Background(), dir, commits, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "replay: %d commits into %s\n", res.Commits, dir)
	if queries == "" {
		return nil
	}
	data, err := os.ReadFile(queries)
	if err != nil {
		return err
	}
	var set map[string]any
	if err := json.Unmarshal(data, &set); err != nil {
		return fmt.Errorf("%s: %w", queries, err)
	}
	// With -newest, a query keeps the answers the smaller history has and
	// is left out when it has none.
	qs, _ := set["queries"].([]any)
	var kept []any
	for _, q := range qs {
		m, _ := q.(map[string]any)
		rel, _ := m["relevant_commits"].([]any)
		var found []any
		for _, s := range rel {
			h, ok := res.Lookup(fmt.Sprint(s))
			if !ok && newest == 0 {
				return fmt.Errorf("query %v: commit %v is not in the corpus", m["id"], s)
			}
			if ok {
				found = append(found, h)
			}
		}
		if len(found) > 0 {
			m["relevant_commits"] = found
			kept = append(kept, q)
		}
	}
	set["queries"] = kept
	out, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(queriesOut, append(out, '\n'), 0o644)
}
