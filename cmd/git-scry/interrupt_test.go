package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// A search, eval, related or stats stopped by Ctrl-C said nothing and
// exited 130, which read as a search that found nothing: each says it was
// interrupted and to run the command again.
func TestReadCommandsSayTheyWereInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cause := errors.New("interrupted (SQLITE_INTERRUPT)")
	for name, err := range map[string]error{
		"searchError":    searchError(ctx, cause),
		"indexReadError": indexReadError(ctx, cause),
	} {
		e := cli.AsError(err)
		if e.Code != cli.ExitInterrupted || e.Silent || !strings.HasPrefix(e.Msg, "interrupted") || e.Hint == "" {
			t.Errorf("%s: %+v; want exit %d with a message that says it was interrupted and a hint", name, e, cli.ExitInterrupted)
		}
	}
}
