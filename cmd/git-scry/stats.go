package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/search"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// behindHint: an index run reads what Behind reads, and may fail the
// same; a full one starts from nothing.
const behindHint = "run 'git scry index'; if it fails too, 'git scry index --full' rebuilds the index"

var statsCmd = &cli.Command{
	Name: "stats",
	Usage: `Usage: git scry stats [--json]

Show what the commit index holds: commits, files, co-change pairs (the
pairs related lists), sessions, commits indexed without their diff
(missing objects) and those whose diff was too large to index whole,
the embedder its vectors come from and why, the built-in model, the
document paragraphs hybrid search asks, the size of the database, and
how many commits reachable from HEAD are not indexed yet.

Flags:
      --json   print the figures as JSON
`,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := nargs("stats", fs, args, 0, 0); err != nil {
			return err
		}
		asJSON, _ := fs.GetBool("json")
		r, err := cli.OpenRepo(ctx, env)
		if err != nil {
			return err
		}
		st, err := openIndex(ctx, r)
		if err != nil {
			return err
		}
		defer st.Close()
		s, err := st.Stats(ctx)
		if err == nil {
			// As related counts them: its answers and this figure agree.
			s.Pairs, err = search.CoChangePairs(ctx, st, r)
		}
		if err != nil {
			if ctx.Err() != nil {
				return interruptedRead()
			}
			return cli.Failf("reading the index: %v", err).WithHint("run 'git scry index --full' to rebuild it")
		}
		behind, err := index.Behind(ctx, r, st)
		if err != nil {
			if ctx.Err() != nil {
				return interruptedRead()
			}
			return cli.Failf("cannot compare the index with the history: %v", err).WithHint(behindHint)
		}
		if s.Embedder == "" && s.EmbedReason == "" {
			// No vectors: what searches and doctor say of it.
			if n, _ := st.MetaInt(ctx, "train_failed"); n > 0 {
				s.EmbedReason, _ = search.NoVectors(ctx, r, embedderSource(), n)
			}
		}
		rebuilding := index.Rebuilding(r)
		if asJSON {
			return cli.WriteJSON(env.Stdout, struct {
				Path string `json:"path"`
				*store.Stats
				Behind     int  `json:"behind"`
				Rebuilding bool `json:"rebuilding"`
			}{st.Path(), (*store.Stats)(s), behind, rebuilding})
		}
		t := &cli.Table{}
		t.Row("index", st.Path())
		t.Row("commits", fmt.Sprint(s.Commits))
		t.Row("files", fmt.Sprint(s.Paths))
		t.Row("co-change pairs", fmt.Sprint(s.Pairs))
		t.Row("sessions", fmt.Sprint(s.Sessions))
		// Commits without files are some of those without diff; a capped
		// diff is there, only not whole: a row of its own, not "without
		// diff".
		if s.NoPatch > 0 {
			row := cli.Count(int(s.NoPatch), "commit") + " (objects missing)"
			if n := int(s.NoFiles); n == int(s.NoPatch) {
				row += fmt.Sprintf(", without %s files too", its(n))
			} else if n > 0 {
				row += fmt.Sprintf(", %d of them without %s files too", n, its(n))
			}
			t.Row("without diff", row)
		}
		if n := int(s.Capped); n > 0 {
			t.Row("diff capped", fmt.Sprintf("%s (only the beginning of %s diff is indexed)", cli.Count(n, "commit"), its(n)))
		}
		if s.Embedder == "" {
			none := "none (lexical search only)"
			if s.EmbedReason != "" {
				none += ": " + s.EmbedReason
			}
			t.Row("embedder", none)
		} else {
			t.Row("embedder", fmt.Sprintf("%s, %d dimensions, %d/%d commits embedded", s.Embedder, s.Dim, s.Embedded, s.Commits))
			if s.EmbedReason != "" {
				// Why the last index run chose it; a choice made since (git
				// scry model use) applies from the next run.
				t.Row("", "chosen at the last index run: "+s.EmbedReason)
			}
			if n := int(s.Commits - s.Embedded); n > 0 {
				// Embedding anew after a change of embedder (or a run
				// stopped doing it): semantic search misses these.
				if s.EmbedFailed != "" {
					t.Row("", fmt.Sprintf("%s not embedded: the last index run failed to embed them (%s); semantic search ranks only the commits embedded so far", cli.Count(n, "commit"), s.EmbedFailed))
				} else {
					t.Row("", fmt.Sprintf("%s %s to be embedded: semantic search ranks only the commits embedded so far until 'git scry index' completes it", cli.Count(n, "commit"), isAre(n, "waits", "wait")))
				}
			}
		}
		if s.Model != "" {
			t.Row("built-in model", fmt.Sprintf("%s, learned from %s", s.Model, cli.Count(int(s.ModelOn), "commit")))
		}
		if s.ParagraphsLost {
			// A damaged index: searches answer without them, and the
			// next index run reads them again, whatever the history.
			t.Row("documents", "lost: their table is gone from the index; hybrid search goes without document feedback until 'git scry index' reads them again")
		} else if s.ParagraphsOn > 0 {
			t.Row("documents", fmt.Sprintf("%s, read at %s (hybrid search's document feedback)", cli.Count(int(s.Paragraphs), "paragraph"), cli.Count(int(s.ParagraphsOn), "commit")))
		}
		if s.Indexed != nil {
			t.Row("last indexed", s.Indexed.Local().Format(time.DateTime))
		}
		t.Row("behind HEAD", cli.Count(behind, "commit"))
		if rebuilding {
			t.Row("rebuild", "under way or stopped ('git scry index --full'): searches read this index until 'git scry index' completes it")
		}
		if s.Shallow {
			t.Row("shallow clone", "yes: older history is not in this clone")
		}
		if s.Partial {
			t.Row("partial clone", "yes: commits whose blobs are missing have no diff terms")
		}
		t.Row("size", fmt.Sprintf("%.1f MiB", float64(s.Bytes)/(1<<20)))
		return t.Write(env.Stdout)
	},
}
