package gitrepo

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// One git answers every question, in order, with the attribute set,
// unset, given a value or not mentioned; a question of thousands of
// paths, whose answers fill the pipe before the question is all
// written, is answered too.
func TestAttrReader(t *testing.T) {
	dir := gitInit(t)
	writeFile(t, filepath.Join(dir, ".gitattributes"), "sdk/** linguist-generated\n*.pb.go linguist-generated=true\nsdk/keep.ts -linguist-generated\n\"odd name.ts\" linguist-generated=false\n")
	writeFile(t, filepath.Join(dir, "sub", ".gitattributes"), "*.ts linguist-generated\n")
	r := &Repo{Root: dir, GitDir: filepath.Join(dir, ".git")}
	a, err := r.NewAttrReader(t.Context(), "linguist-generated")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	got, err := a.Values([]string{"sdk/client.gen.ts", "api/v1.pb.go", "sdk/keep.ts", "odd name.ts", "src/app.ts", "sub/x.ts", "é/ü.go"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{AttrSet, "true", AttrUnset, "false", AttrUnspecified, AttrSet, AttrUnspecified}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("values %q; want %q", got, want)
	}

	var many []string
	for i := range 20000 {
		many = append(many, fmt.Sprintf("sdk/models/a-rather-long-directory-name/model%05d.gen.ts", i))
	}
	got, err = a.Values(many)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(many) || got[0] != AttrSet || got[len(got)-1] != AttrSet {
		t.Errorf("%d values, first %q, last %q; want %d set", len(got), got[0], got[len(got)-1], len(many))
	}
	if got, err := a.Values([]string{"x.pb.go"}); err != nil || got[0] != "true" {
		t.Errorf("after many: %q, %v; want true", got, err)
	}
}

// Where git refuses to answer (a non-bare repository's .git, which has
// no work tree), NewAttrReader says so without starting it, and were it
// started, Values fails, and every later call too, without a panic.
func TestAttrReaderRefused(t *testing.T) {
	dir := gitInit(t)
	gitDir := filepath.Join(dir, ".git")
	if _, err := (&Repo{GitDir: gitDir, InGitDir: true}).NewAttrReader(t.Context(), "linguist-generated"); !errors.Is(err, ErrNoWorkTree) {
		t.Errorf("in %s: %v; want ErrNoWorkTree", gitDir, err)
	}
	r := &Repo{GitDir: gitDir}
	a, err := r.NewAttrReader(t.Context(), "linguist-generated")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for range 2 {
		if got, err := a.Values([]string{"a.pb.go"}); err == nil {
			t.Errorf("values %q in %s; want an error", got, gitDir)
		}
	}
}

// A git that stops partway through a run fails Values with what git
// said, and every later call too: one that dies on a question it cannot
// answer (a tree entry named "..", which git's trees can hold and its
// check-attr refuses as outside the repository), and one killed.
func TestAttrReaderFailsPartway(t *testing.T) {
	dir := gitInit(t)
	r := &Repo{Root: dir, GitDir: filepath.Join(dir, ".git")}

	a, err := r.NewAttrReader(t.Context(), "linguist-generated")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Values([]string{"a.go"}); err != nil {
		t.Fatal(err)
	}
	_, err = a.Values([]string{"b.go", "..", "c.go"})
	var ge *Error
	if !errors.As(err, &ge) || !strings.Contains(err.Error(), "git check-attr: '..' is outside repository") {
		t.Errorf("asking for ..: %v; want git's error", err)
	}
	if _, err := a.Values([]string{"a.go"}); err == nil {
		t.Error("after the failure: no error")
	}

	k, err := r.NewAttrReader(t.Context(), "linguist-generated")
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	if _, err := k.Values([]string{"a.go"}); err != nil {
		t.Fatal(err)
	}
	if err := k.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	got, err := k.Values([]string{"a.go"})
	if !errors.As(err, &ge) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("git killed: %q, %v; want git check-attr's unexpected EOF", got, err)
	}
	if got, err := k.Values([]string{"a.go"}); !errors.As(err, &ge) {
		t.Errorf("after git was killed: %q, %v; want a git error", got, err)
	}
}
