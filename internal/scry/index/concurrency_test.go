package index

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// TestConcurrentRunsAndReaders runs several index runs at once (as
// overlapping post-commit hooks do, some coalescing, some waiting, one a
// full rebuild) while readers query the database: one writer at a time,
// readers never fail (nor find no index while it is rebuilt), and when
// the dust settles every commit is indexed exactly once.
func TestConcurrentRunsAndReaders(t *testing.T) {
	tr := newTestRepo(t)
	for i := 0; i < 40; i++ {
		tr.commit(fmt.Sprintf("commit %d about rivets", i))
	}
	r := tr.repo()
	ctx := context.Background()
	if _, err := Run(ctx, r, Options{BatchSize: 7}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		tr.commit(fmt.Sprintf("later commit %d", i))
	}

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	stop := make(chan struct{})
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(coalesce, full bool) {
			defer wg.Done()
			if _, err := Run(ctx, r, Options{Coalesce: coalesce, Full: full, BatchSize: 3, Embedders: &fakeEmbedders{}}); err != nil {
				errs <- err
			}
		}(i%2 == 0, i == 1)
	}
	var readers sync.WaitGroup
	for i := 0; i < 2; i++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				st, err := store.Open(ctx, DBPath(r))
				if err != nil {
					errs <- err
					return
				}
				if _, err := st.CountCommits(ctx); err != nil {
					errs <- fmt.Errorf("reader: %w", err)
				}
				st.Close()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Whatever coalesced, a last run finds nothing left to do.
	res, err := Run(ctx, r, Options{Embedders: &fakeEmbedders{}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.UpToDate || res.Total != 60 {
		t.Fatalf("after the concurrent runs: %+v", res)
	}
	if _, n := vectorCount(t, r); n != 60 {
		t.Fatalf("%d vectors, want 60", n)
	}
}
