// Command replay rebuilds a recorded commit history (JSONL) as a git
// repository for benchmarks, and can rewrite a query set that names
// recorded commits so it names the replayed ones:
//
//	go run ./scripts/bench/replay [-rounds N] [-corpus FILE] [-queries IN -queries-out OUT] DIR
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/verdigris-dev/verdigris/internal/replay"
)

func main() {
	rounds := flag.Int("rounds", 1, "replay the history this many times in a row")
	corpus := flag.String("corpus", replay.LefthookCorpus(), "JSONL corpus")
	queries := flag.String("queries", "", "query set naming recorded commits")
	queriesOut := flag.String("queries-out", "", "where to write the query set naming replayed commits")
	flag.Parse()
	if flag.NArg() != 1 || (*queries == "") != (*queriesOut == "") {
		fmt.Fprintln(os.Stderr, "usage: replay [-rounds N] [-corpus FILE] [-queries IN -queries-out OUT] DIR")
		os.Exit(2)
	}
	if err := run(*corpus, flag.Arg(0), *rounds, *queries, *queriesOut); err != nil {
		fmt.Fprintln(os.Stderr, "replay: error:", err)
		os.Exit(1)
	}
}

func run(corpus, dir string, rounds int, queries, queriesOut string) error {
	commits, err := replay.Load(corpus)
	if err != nil {
		return err
	}
	res, err := replay.Build(context.Background(), dir, commits, replay.Options{Rounds: rounds})
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
	qs, _ := set["queries"].([]any)
	for _, q := range qs {
		m, _ := q.(map[string]any)
		rel, _ := m["relevant_commits"].([]any)
		for i, s := range rel {
			h, ok := res.Lookup(fmt.Sprint(s))
			if !ok {
				return fmt.Errorf("query %v: commit %v is not in the corpus", m["id"], s)
			}
			rel[i] = h
		}
	}
	out, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(queriesOut, append(out, '\n'), 0o644)
}
