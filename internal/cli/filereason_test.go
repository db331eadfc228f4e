package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestFileReasonIsPlainWords(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	_, notExist := os.Open(filepath.Join(dir, "missing"))
	_, isDir := os.ReadFile(dir)
	_, notDir := os.Open(filepath.Join(file, "x"))
	for _, c := range []struct {
		err  error
		want string
	}{
		{notExist, "it does not exist"},
		{isDir, "it is a directory"},
		{notDir, "a part of its path is not a directory"},
		{&fs.PathError{Op: "write", Path: "/x", Err: syscall.ENOSPC}, "no space is left on its device"},
		{&fs.PathError{Op: "write", Path: "/x", Err: syscall.EDQUOT}, "the disk quota is exceeded"},
		{&fs.PathError{Op: "write", Path: "/x", Err: syscall.EBUSY}, syscall.EBUSY.Error()},
		{errors.New("something else"), "something else"},
	} {
		if got := FileReason(c.err); got != c.want {
			t.Errorf("FileReason(%v) = %q; want %q", c.err, got, c.want)
		}
	}
}

// PathReason names a link to nothing as one, with its target, and falls
// back to FileReason for anything else.
func TestPathReasonNamesALinkToNothing(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "CHANGELOG.md")
	if err := os.Symlink("gone.md", link); err != nil {
		t.Fatal(err)
	}
	_, err := os.ReadFile(link)
	if got, want := PathReason(link, err), "it is a symbolic link to gone.md, which does not exist"; got != want {
		t.Errorf("PathReason(link) = %q, want %q", got, want)
	}
	missing := filepath.Join(dir, "none")
	_, err = os.ReadFile(missing)
	if got := PathReason(missing, err); got != "it does not exist" {
		t.Errorf("PathReason(missing) = %q", got)
	}
}
