package gitrepo

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// isolatedRepo makes an empty repository in a new directory, read
// without the machine's git configuration (whose settings the tests of
// git-config independence set themselves) and with a committer: its
// directory and a Repo over it.
func isolatedRepo(t *testing.T) (string, *Repo) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	gitRun(t, dir, "init", "-q")
	gitRun(t, dir, "config", "user.name", "T")
	gitRun(t, dir, "config", "user.email", "t@example.com")
	return dir, &Repo{Root: dir, GitDir: filepath.Join(dir, ".git"), CommonDir: filepath.Join(dir, ".git")}
}

func gitInit(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(dir, "gitconfig"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	os.WriteFile(filepath.Join(dir, "gitconfig"), []byte("[user]\nname = T\nemail = t@example.com\n[init]\ndefaultBranch = main\n"), 0o644)
	repo := filepath.Join(dir, "r")
	for _, args := range [][]string{
		{"init", "-q", repo},
		{"-C", repo, "commit", "-q", "--allow-empty", "-m", "feat: first\n\nbody line\n\nSession-Start: Title"},
		{"-C", repo, "commit", "-q", "--allow-empty", "-m", "second"},
	} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return repo
}

func gitRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// openRepo opens the repository at dir, failing the test if it cannot.
func openRepo(t *testing.T, dir string) *Repo {
	t.Helper()
	r, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestOpenLogAndTags(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r, err := Open(ctx, filepath.Join(dir))
	if err != nil {
		t.Fatal(err)
	}
	if r.Root != dir || r.CommonDir != filepath.Join(dir, ".git") || r.Bare {
		t.Fatalf("repo = %+v", r)
	}
	cs, err := r.Log(ctx, "--reverse", "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Subject != "feat: first" || cs[0].Body != "body line\n\nSession-Start: Title" || len(cs[1].Parents) != 1 || cs[1].Parents[0] != cs[0].Hash {
		t.Fatalf("log = %+v", cs)
	}
	c, err := r.Commit(ctx, "HEAD~1")
	if err != nil || c.Hash != cs[0].Hash || c.Subject != "feat: first" || !c.AuthorTime.Equal(cs[0].AuthorTime) {
		t.Fatalf("Commit = %+v, %v", c, err)
	}

	if err := r.CreateTag(ctx, "v1", cs[0].Hash, "first tag", false); err != nil {
		t.Fatal(err)
	}
	// Never moved: a second create on another commit fails and leaves it.
	err = r.CreateTag(ctx, "v1", cs[1].Hash, "again", false)
	if !errors.Is(err, ErrTagExists) {
		t.Fatalf("second CreateTag = %v", err)
	}
	tag, ok, err := r.LookupTag(ctx, "v1")
	if err != nil || !ok || tag.Commit != cs[0].Hash || !tag.Annotated || tag.Message != "first tag\n" {
		t.Fatalf("tag = %+v %v %v", tag, ok, err)
	}
	tags, err := r.Tags(ctx, "v")
	if err != nil || len(tags) != 1 {
		t.Fatalf("tags = %v %v", tags, err)
	}
	if _, err := Open(ctx, t.TempDir()); !errors.Is(err, ErrNotRepo) {
		t.Fatalf("Open outside a repo = %v", err)
	}
}

func TestSplitMessage(t *testing.T) {
	s, b := SplitMessage("\nfix: a\nwrapped\n\n body \n")
	if s != "fix: a wrapped" || b != "body" {
		t.Fatalf("%q %q", s, b)
	}
	// A line of whitespace ends the subject, as git reads it: a message
	// with CRLF line ends (made on Windows by a tool, Azure DevOps) or
	// a blank line holding a space had its body joined to its subject.
	for _, msg := range []string{
		"\r\nfix: a\r\nwrapped\r\n\r\nbody\r\n",
		" \nfix: a\nwrapped\n \t\nbody\n",
	} {
		if s, b := SplitMessage(msg); s != "fix: a wrapped" || b != "body" {
			t.Errorf("SplitMessage(%q) = %q, %q; want \"fix: a wrapped\", \"body\"", msg, s, b)
		}
	}
}

func TestOpenBareAndInsideGitDir(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	bare := filepath.Join(t.TempDir(), "b.git")
	if out, err := exec.Command("git", "clone", "-q", "--bare", dir, bare).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, d := range []string{bare, filepath.Join(dir, ".git")} {
		r, err := Open(ctx, d)
		if err != nil {
			t.Fatalf("Open(%s): %v", d, err)
		}
		if !r.Bare || r.Root != "" || r.CommonDir != d {
			t.Fatalf("Open(%s) = %+v", d, r)
		}
	}
}

// CommitsOf reads the named commits in the order given, with the
// messages DiffCommits reads (in UTF-8, whatever the commit's encoding).
func TestCommitsOfMatchesDiffCommits(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	cmd := exec.Command("git", "-C", dir, "-c", "i18n.commitEncoding=ISO-8859-1", "commit", "-q", "--allow-empty", "-F", "-")
	cmd.Stdin = strings.NewReader("caf\xe9: latin-1\n\nna\xefve body\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	r := openRepo(t, dir)
	all, err := r.Log(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	hashes := []string{all[1].Hash, all[2].Hash, all[0].Hash} // any order
	var got []Commit
	if err := r.CommitsOf(ctx, hashes, func(c *Commit) error { got = append(got, *c); return nil }); err != nil {
		t.Fatal(err)
	}
	var want []Commit
	if err := r.DiffCommits(ctx, hashes, DiffOptions{}, func(c *CommitDiff) error { want = append(want, c.Commit); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || len(want) != 3 {
		t.Fatalf("got %d commits, DiffCommits %d; want 3", len(got), len(want))
	}
	for i := range got {
		if got[i].Hash != hashes[i] || got[i].Subject != want[i].Subject || got[i].Body != want[i].Body || !got[i].AuthorTime.Equal(want[i].AuthorTime) {
			t.Errorf("commit %d: %q %q %q; DiffCommits %q %q", i, got[i].Hash, got[i].Subject, got[i].Body, want[i].Subject, want[i].Body)
		}
	}
	if got[2].Subject != "café: latin-1" || got[2].Body != "naïve body" {
		t.Errorf("latin-1 commit read as %q / %q", got[2].Subject, got[2].Body)
	}
	if err := r.CommitsOf(ctx, nil, func(*Commit) error { t.Fatal("called"); return nil }); err != nil {
		t.Fatal(err)
	}
}

// A message over 64 MiB (a pasted build log) stopped CommitsOf's
// scanner: "token too long", and none of the commits after it were read.
// It is read whole, and its first CommitsOfKeep bytes kept, cut between
// characters.
func TestCommitsOfHugeMessage(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	head := "huge: paste the whole build log\n\n"
	var msg strings.Builder
	msg.WriteString(head)
	msg.WriteString(strings.Repeat("x", CommitsOfKeep-len(head)-1))
	msg.WriteString("é") // straddles the cut
	line := "a line of the build log that goes on\n"
	for msg.Len() < 65<<20 {
		msg.WriteString(line)
	}
	msg.WriteString("closingword\n")
	file := filepath.Join(t.TempDir(), "msg")
	writeFile(t, file, msg.String())
	huge := gitRun(t, dir, "commit-tree", gitRun(t, dir, "rev-parse", "HEAD^{tree}"), "-p", "HEAD", "-F", file)
	after := gitRun(t, dir, "commit-tree", gitRun(t, dir, "rev-parse", "HEAD^{tree}"), "-p", huge, "-m", "after the log")
	r := openRepo(t, dir)

	var got []Commit
	if err := r.CommitsOf(ctx, []string{huge, after}, func(c *Commit) error { got = append(got, *c); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Hash != huge || got[1].Hash != after {
		t.Fatalf("read %d commits, want the huge one and the one after", len(got))
	}
	if got[0].Subject != "huge: paste the whole build log" || got[1].Subject != "after the log" {
		t.Errorf("subjects %q, %q", got[0].Subject, got[1].Subject)
	}
	if n := len(got[0].Message); n != CommitsOfKeep-1 || !utf8.ValidString(got[0].Message) {
		t.Errorf("kept %d bytes (valid UTF-8: %v), want the %d before the cut character", n, utf8.ValidString(got[0].Message), CommitsOfKeep-1)
	}

	// Log keeps what it reads whole, past the old limit too.
	all, err := r.Log(ctx, "--no-walk", huge)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || !strings.HasSuffix(all[0].Message, "closingword\n") {
		t.Errorf("Log read %d commits, message whole: %v", len(all), len(all) == 1 && strings.HasSuffix(all[0].Message, "closingword\n"))
	}
}

// A git that Ctrl-C killed left no answer, which is not "detached HEAD":
// a caller that saved the branch (a session's state) saved none.
func TestCurrentBranchOfAStoppedGitIsAnError(t *testing.T) {
	r := openRepo(t, gitInit(t))
	if b, err := r.CurrentBranch(context.Background()); err != nil || b != "main" {
		t.Fatalf("CurrentBranch = %q, %v; want main", b, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b, err := r.CurrentBranch(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("CurrentBranch after cancel = %q, %v; want context.Canceled", b, err)
	}
}
