// Command replay rebuilds a recorded commit history (JSONL) as a git
// repository for benchmarks:
//
//	go run ./scripts/bench/replay [-rounds N] [-corpus FILE] DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/verdigris-dev/verdigris/internal/replay"
)

func main() {
	rounds := flag.Int("rounds", 1, "replay the history this many times in a row")
	corpus := flag.String("corpus", replay.LefthookCorpus(), "JSONL corpus")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: replay [-rounds N] [-corpus FILE] DIR")
		os.Exit(2)
	}
	commits, err := replay.Load(*corpus)
	if err == nil {
		var res *replay.Result
		res, err = replay.Build(context.Background(), flag.Arg(0), commits, replay.Options{Rounds: *rounds})
		if err == nil {
			fmt.Fprintf(os.Stderr, "replay: %d commits into %s\n", res.Commits, flag.Arg(0))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "replay: error:", err)
		os.Exit(1)
	}
}
