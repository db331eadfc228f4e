package main

import (
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// The scripts about directories this user may not write skip as root;
// this runs everywhere: each way install and uninstall meet one names
// the directory with a hint.
func TestExplainPermissionNamesTheDirectory(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&os.LinkError{Op: "rename", Old: "/r/.git/hooks/pre-push", New: "/r/.git/hooks/pre-push.verdigris-chained", Err: fs.ErrPermission}, "cannot write /r/.git/hooks: permission denied"},
		{&fs.PathError{Op: "open", Path: "/r/.git/hooks/.pre-push.tmp-*", Err: fs.ErrPermission}, "cannot write /r/.git/hooks: permission denied"},
		{&fs.PathError{Op: "mkdir", Path: "/r/.git/verdigris", Err: fs.ErrPermission}, "cannot write /r/.git: permission denied"},
	} {
		var ce *cli.Error
		if !errors.As(explainPermission(tc.err), &ce) || ce.Msg != tc.want || ce.Hint == "" {
			t.Errorf("explainPermission(%v) = %v, want %q with a hint", tc.err, ce, tc.want)
		}
	}
	other := errors.New("disk on fire")
	if got := explainPermission(other); got != other {
		t.Errorf("explainPermission(%v) = %v, want it unchanged", other, got)
	}
}
