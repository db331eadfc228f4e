package doctor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/hooks"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

func init() { register(44, "scry", checkIndex) }

// checkIndex reports the commit index's freshness: how many commits
// reachable from HEAD it has not seen, and when it last ran.
func checkIndex(ctx context.Context, c *Context) []Finding {
	if c.Repo == nil {
		return []Finding{{Name: "index", Status: Skip, Detail: c.noRepo()}}
	}
	none := []Finding{{Name: "index", Status: Skip, Detail: "no commit index in this repository", Hint: "run 'git scry index' to use commit memory"}}
	if !index.Exists(c.Repo) {
		return none
	}
	st, err := store.Open(ctx, index.DBPath(c.Repo))
	if errors.Is(err, store.ErrNoIndex) {
		// The file of a first run that has not created its tables yet
		// (or was killed before it did): no index, as git scry says.
		return none
	}
	var newer *store.NewerSchemaError
	if errors.As(err, &newer) {
		// The index run would refuse it too (a downgrade): nothing here
		// can search it until one of the two is done.
		return []Finding{{Name: "index", Status: Fail, Detail: newer.Error(), Hint: "install the newer git-scry, or run 'git scry index --full' to rebuild the index with this one"}}
	}
	if errors.Is(err, store.ErrOldSchema) {
		return []Finding{{Name: "index", Status: Warn, Detail: "the commit index was built by another version of git scry", Hint: "run 'git scry index' to rebuild it"}}
	}
	if err != nil {
		return []Finding{{Name: "index", Status: Fail, Detail: "cannot open the commit index: " + err.Error(), Hint: "run 'git scry index --full' to rebuild it"}}
	}
	defer st.Close()
	n, err := st.CountCommits(ctx)
	if err == nil {
		// Counting reads one table; related and search read the others.
		err = st.Readable(ctx)
	}
	if err != nil {
		return []Finding{{Name: "index", Status: Fail, Detail: "cannot read the commit index: " + err.Error(), Hint: "run 'git scry index --full' to rebuild it"}}
	}
	behind, err := index.Behind(ctx, c.Repo, st)
	if err != nil {
		return []Finding{{Name: "index", Status: Warn, Detail: "cannot compare the index with the history: " + err.Error(), Hint: "run 'git scry index'; if it fails too, 'git scry index --full' rebuilds the index"}}
	}
	when := "never completed"
	if t, _ := st.MetaInt(ctx, "indexed"); t > 0 {
		when = "last indexed " + time.Unix(t, 0).Local().Format(time.DateTime)
	}
	f := Finding{Name: "index", Status: OK, Detail: fmt.Sprintf("%s, up to date with HEAD (%s)", cli.Count(int(n), "commit"), when)}
	if n == 0 && behind == 0 {
		// Nothing on HEAD to index: a run finds nothing to do and
		// records no completion, which is no broken run.
		f.Detail = "no commits to index yet"
	}
	if behind > 0 {
		f.Status = Warn
		f.Detail = fmt.Sprintf("%s, %d behind HEAD (%s)", cli.Count(int(n), "commit"), behind, when)
		f.Hint = "run 'git scry index'; " + keptCurrent(ctx, c)
		// The hooks' runs write their errors to a log nobody reads: the
		// index lags for a reason the hint above does not give.
		if bf := index.LastBackgroundFailure(c.Repo); bf != nil {
			f.Detail += "; " + bf.String()
			hint := bf.Hint
			if hint == "" {
				hint = "run 'git scry index' to see why"
			}
			f.Hint = bf.WithLog(hint)
		}
	}
	if gone, err := index.Unreachable(ctx, c.Repo, st); err == nil && gone > 0 {
		// Behind or not, searches answer with commits the history no
		// longer has.
		f.Status = Warn
		f.Detail += fmt.Sprintf("; searches still find %s that no ref reaches any more (a reset, a deleted branch)", cli.Count(gone, "commit"))
		if f.Hint == "" {
			f.Hint = "run 'git scry index': it drops what no ref reaches"
		}
	}
	if lost, err := st.DocumentsLost(ctx); err == nil && lost {
		// Searches answer without them (no failure), less well.
		f.Status = Warn
		f.Detail += "; the document paragraphs' table is gone from the index: hybrid search goes without document feedback"
		if f.Hint == "" {
			f.Hint = "run 'git scry index': it reads the document paragraphs again"
		}
	}
	if index.Rebuilding(c.Repo) {
		// Searches are right, as of the old index; the rebuild someone
		// asked for is what waits.
		f.Status = Warn
		f.Detail += "; a rebuild ('git scry index --full') is under way or was stopped, and searches read the index as it was"
		f.Hint = "run 'git scry index' to complete the rebuild (a run under way completes it on its own)"
	}
	return []Finding{f}
}

// keptCurrent says which hooks index new commits, and what they miss
// when they are there: the commits a reset or a fast-forwarding rebase
// puts under HEAD, which run only post-checkout (not installed: it runs
// on every branch switch).
func keptCurrent(ctx context.Context, c *Context) string {
	if hooks.Runs(ctx, c.Repo, "post-commit") && hooks.Runs(ctx, c.Repo, "post-merge") {
		return "the hooks index commits, pulls, merges, rebases and applied patches, not what a reset or a rebase that only fast-forwards brings"
	}
	return "'verdigris install' puts in place the hooks that keep it current"
}
