// Package gitrepo is verdigris's one access layer to git. Reads of refs,
// tags and single objects go through an in-process reader when the program
// has one (package gitrepo/inprocess: no process start, which matters in
// hooks), else through git; bulk history streaming, status, pushes and
// every write to refs go through the git CLI, which is faster for
// whole-history walks and takes git's own ref locks, so a tag is created
// atomically or not at all.
package gitrepo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Repo is an opened repository: a worktree (or a bare repository) and the
// git directories behind it.
type Repo struct {
	Root      string // top of the worktree; "" in a bare repository
	GitDir    string // this worktree's git directory (absolute)
	CommonDir string // the git directory shared by all worktrees (absolute)
	Bare      bool
	// InGitDir: opened inside the git directory of a repository that has
	// a working tree (git says it is not bare), so Root is "" all the
	// same. WorktreeOf names that working tree.
	InGitDir bool

	// env is what the git processes the repository starts get on top
	// of the process's environment: the location variables the
	// repository was opened with, where they were given relative, as
	// absolute paths ("GIT_DIR=/home/me/.dotfiles"). See Environ.
	env []string

	objOnce sync.Once
	obj     ObjectReader // see objects
}

// ErrNotRepo is returned by Open outside a git repository.
var ErrNotRepo = errors.New("not a git repository")

// ErrNoGit is returned by Open when git itself cannot be run: not on
// PATH (a GUI's or a cron job's bare environment), which is no reason to
// say there is no repository here.
var ErrNoGit = errors.New("git is not on PATH")

// ErrWorkdirGone is returned by Open when the working directory no longer
// exists: a checkout of a branch without it deletes the directory a shell
// is in, and "getwd: no such file or directory" said nothing of that.
var ErrWorkdirGone = errors.New("the current directory no longer exists")

// UnsafeRepoError is returned by Open in a repository that git refuses to
// work in because another user owns it ("detected dubious ownership";
// git's safe.directory setting lists the ones to trust anyway).
type UnsafeRepoError struct {
	Path string // the repository, as git names it
}

func (e *UnsafeRepoError) Error() string {
	return fmt.Sprintf("git refuses the repository at %s: another user owns it", e.Path)
}

// MissingGitDirError is returned by Open where a .git file or $GIT_DIR
// names a git directory that is not there: a linked worktree whose
// repository was moved (its .git file holds an absolute path), a GIT_DIR
// mistyped. It is ErrNotRepo too.
type MissingGitDirError struct {
	GitDir string // the directory named
	Top    string // the directory of the .git file naming it; "" for $GIT_DIR
	// NotGitDir: $GIT_DIR names something that is there but is no git
	// directory (a worktree's top, a file), which no cd gets round.
	NotGitDir bool
}

func (e *MissingGitDirError) Error() string {
	if e.NotGitDir {
		return fmt.Sprintf("%s is not a git directory", e.GitDir)
	}
	return fmt.Sprintf("the git directory %s does not exist", e.GitDir)
}

func (e *MissingGitDirError) Unwrap() error { return ErrNotRepo }

// UnreadableRepoError is returned by Open where git finds a repository
// and cannot read it: a config line it cannot parse, a repository format
// or extension of a newer git (reftable made by git 2.45, read by 2.39).
// Saying there is no repository sent users to git init, which fails on
// the same line. It is no ErrNotRepo.
type UnreadableRepoError struct {
	Reason string // git's fatal message, its continuation lines joined
	// Newer: the repository needs a newer git.
	Newer bool
}

func (e *UnreadableRepoError) Error() string {
	return "git cannot read the repository: " + e.Reason
}

// Open finds the repository containing dir ("" is the working directory).
// Location variables (GIT_DIR, GIT_WORK_TREE, GIT_COMMON_DIR,
// GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY) given relative are read as git
// run in the working directory reads them, whatever dir is, and handed
// to the git processes the Repo starts as absolute paths: those run in
// the top of the work tree or in the git directory, where
// GIT_DIR=../.dotfiles named another folder.
func Open(ctx context.Context, dir string) (*Repo, error) {
	wd, wderr := os.Getwd()
	if dir == "" {
		if wderr != nil {
			if errors.Is(wderr, fs.ErrNotExist) {
				return nil, ErrWorkdirGone
			}
			return nil, wderr
		}
		dir = wd
	}
	var given []string // the location variables, made absolute
	if wderr == nil && len(relativeVars(os.Environ())) > 0 {
		if abs, err := filepath.Abs(dir); err != nil || abs != wd {
			// Given in the working directory, not in dir: read there.
			given = absEnv(os.Environ(), wd)
			if here, err := open(ctx, wd, nil); err == nil {
				given = here.env
			}
		}
	}
	return open(ctx, dir, given)
}

// open opens the repository git finds in dir with the process's
// environment and the variables given ("K=V") over it.
func open(ctx context.Context, dir string, given []string) (*Repo, error) {
	environ := withVars(os.Environ(), given)
	// One git process for everything: --show-toplevel comes last because
	// it fails in a bare repository (or inside the git dir), after git has
	// printed the others. --git-path says where git reads the index and
	// the objects: GIT_INDEX_FILE's and GIT_OBJECT_DIRECTORY's, if set.
	out, err := run(ctx, dir, given, nil, "rev-parse", "--path-format=absolute", "--is-bare-repository", "--absolute-git-dir", "--git-common-dir", "--git-path", "index", "--git-path", "objects", "--show-toplevel")
	if errors.Is(err, exec.ErrNotFound) {
		return nil, ErrNoGit
	}
	f := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(f) < 5 || (err != nil && len(f) != 5) {
		if u := unsafeRepo(err); u != nil {
			return nil, u
		}
		if m := missingGitDir(dir, lookup(environ, "GIT_DIR"), err); m != nil {
			return nil, m
		}
		if u := unreadableRepo(err); u != nil {
			return nil, u
		}
		return nil, fmt.Errorf("%w: %s", ErrNotRepo, dir)
	}
	r := &Repo{Bare: f[0] == "true", GitDir: f[1], CommonDir: f[2]}
	if err == nil && len(f) == 6 && !r.Bare {
		r.Root = f[5]
	} else {
		r.InGitDir = f[0] == "false"
		r.Bare = true
	}
	// As git read them in dir; run in r.Dir() they would name other places.
	read := map[string]string{"GIT_DIR": r.GitDir, "GIT_WORK_TREE": r.Root, "GIT_COMMON_DIR": r.CommonDir, "GIT_INDEX_FILE": f[3], "GIT_OBJECT_DIRECTORY": f[4]}
	for _, k := range relativeVars(environ) {
		if v := read[k]; v != "" {
			r.env = append(r.env, k+"="+v)
		} else {
			r.env = append(r.env, absEnv([]string{k + "=" + lookup(environ, k)}, dir)...)
		}
	}
	r.env = withVars(given, r.env)
	return r, nil
}

// lookup is the value environ gives k.
func lookup(environ []string, k string) string {
	for i := len(environ) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(environ[i], k+"="); ok {
			return v
		}
	}
	return ""
}

// WorktreeOf returns the top of the working tree whose git directory the
// repository was opened in (InGitDir), or "" when the git directory does
// not tell: a linked worktree's names it in its gitdir file, and a .git
// directory is in it. (One with core.worktree set, a submodule's, opens
// with its Root; a --separate-git-dir names none.) The candidate counts
// only when git, opened there, finds this same git directory.
func (r *Repo) WorktreeOf(ctx context.Context) string {
	if r.Root != "" || !r.InGitDir {
		return r.Root
	}
	top := filepath.Dir(r.GitDir)
	if t := LinkedWorktreeTop(r.GitDir); t != "" {
		top = t
	} else if filepath.Base(r.GitDir) != ".git" {
		return ""
	}
	wt, err := Open(ctx, top)
	if err != nil || wt.Root == "" || !SameDir(wt.GitDir, r.GitDir) {
		return ""
	}
	return wt.Root
}

// LinkedWorktreeTop is the top folder of the linked worktree whose git
// dir (<common>/worktrees/NAME) is gitDir, as its gitdir file names it
// (the worktree's .git file, relative to gitDir under
// worktree.useRelativePaths); "" when it cannot be read. git keeps it
// current through 'git worktree move' and 'git worktree repair', where a
// path recorded earlier goes stale.
func LinkedWorktreeTop(gitDir string) string {
	b, err := os.ReadFile(filepath.Join(gitDir, "gitdir"))
	if err != nil {
		return ""
	}
	dotGit := strings.TrimSpace(string(b))
	if dotGit == "" {
		return ""
	}
	if !filepath.IsAbs(dotGit) {
		dotGit = filepath.Join(gitDir, dotGit)
	}
	return filepath.Dir(filepath.Clean(dotGit))
}

// SameDir reports whether a and b name one directory, however each is
// spelled; false when either cannot be found.
func SameDir(a, b string) bool {
	ai, aerr := os.Stat(a)
	bi, berr := os.Stat(b)
	return aerr == nil && berr == nil && os.SameFile(ai, bi)
}

// unsafeRepo recognises git's refusal of a repository another user owns,
// which is no reason to say there is no repository here.
func unsafeRepo(err error) *UnsafeRepoError {
	var ge *Error
	if !errors.As(err, &ge) {
		return nil
	}
	const mark = "detected dubious ownership in repository at '"
	_, rest, ok := strings.Cut(ge.Stderr, mark)
	if !ok {
		return nil
	}
	path, _, _ := strings.Cut(rest, "'\n")
	return &UnsafeRepoError{Path: path}
}

// unreadableRepo recognises git's failure to read a repository it found,
// which is any fatal error but "not a git repository" (none here, or a
// git directory that missingGitDir did not take).
func unreadableRepo(err error) *UnreadableRepoError {
	var ge *Error
	if !errors.As(err, &ge) {
		return nil
	}
	_, rest, ok := strings.Cut(ge.Stderr, "fatal: ")
	if !ok || strings.HasPrefix(rest, "not a git repository") {
		return nil
	}
	// "unknown repository extension found:" names them on the lines
	// after it.
	var parts []string
	for _, l := range strings.Split(rest, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "hint:") {
			parts = append(parts, l)
		}
	}
	reason := strings.Join(parts, " ")
	newer := strings.HasPrefix(reason, "unknown repository extension") || strings.HasPrefix(reason, "Expected git repo version")
	return &UnreadableRepoError{Reason: reason, Newer: newer}
}

// missingGitDir recognises git's "not a git repository: PATH", which git
// says of the git directory a .git file or $GIT_DIR names, when PATH is
// not there. gitDir is the GIT_DIR git was run with.
func missingGitDir(dir, gitDir string, err error) *MissingGitDirError {
	var ge *Error
	if !errors.As(err, &ge) {
		return nil
	}
	const mark = "fatal: not a git repository: "
	_, rest, ok := strings.Cut(ge.Stderr, mark)
	if !ok {
		return nil
	}
	path, _, _ := strings.Cut(rest, "\n")
	if gitDir != "" {
		// Quoted, and relative to dir when it was given so.
		path = strings.TrimSuffix(strings.TrimPrefix(path, "'"), "'")
		abs := path
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(dir, abs)
		}
		_, err := os.Stat(abs)
		switch {
		case err == nil:
			return &MissingGitDirError{GitDir: path, NotGitDir: true}
		case !errors.Is(err, os.ErrNotExist):
			return nil
		}
		return &MissingGitDirError{GitDir: path}
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	_, top := findGitDir(dir, nil)
	if top == "" {
		return nil
	}
	return &MissingGitDirError{GitDir: path, Top: top}
}

// Init creates a repository at dir whose first branch is branch (git
// init leaves an existing one as it is) and opens it.
func Init(ctx context.Context, dir, branch string) (*Repo, error) {
	if _, err := run(ctx, "", nil, nil, "init", "-q", "-b", branch, dir); err != nil {
		return nil, err
	}
	return Open(ctx, dir)
}

// Dir is where git commands run: the worktree, or the git dir when bare.
func (r *Repo) Dir() string {
	if r.Root != "" {
		return r.Root
	}
	return r.GitDir
}

// StateDir is verdigris's directory shared by all worktrees
// (<git-common-dir>/verdigris): the commit index, saved user hooks.
func (r *Repo) StateDir() string { return filepath.Join(r.CommonDir, "verdigris") }

// WorktreeStateDir is verdigris's directory for this worktree only
// (<git-dir>/verdigris): the active session.
func (r *Repo) WorktreeStateDir() string { return filepath.Join(r.GitDir, "verdigris") }

// Error is a failed git command with the stderr git printed.
type Error struct {
	Args   []string
	Stderr string
	Err    error
}

// Error says why git failed in one line: its last fatal: or error: line,
// with the refs a push had rejected, else its last few lines. git's
// hint: lines come last and say what to try, not what went wrong.
func (e *Error) Error() string {
	var lines, rejected, remote []string
	cause := ""
	for _, l := range strings.Split(e.Stderr, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "" || strings.HasPrefix(l, "hint:"):
		case strings.HasPrefix(l, "remote:"):
			// What a server's hook says about a refused push (a
			// protected branch, say) arrives here.
			if r := strings.TrimSpace(strings.TrimPrefix(l, "remote:")); r != "" {
				remote = append(remote, r)
			}
		case strings.HasPrefix(l, "fatal: ") || strings.HasPrefix(l, "error: "):
			cause = strings.TrimPrefix(strings.TrimPrefix(l, "fatal: "), "error: ")
		case strings.HasPrefix(l, "! ["):
			rejected = append(rejected, strings.Join(strings.Fields(l), " "))
		default:
			lines = append(lines, l)
		}
	}
	msg := cause
	if msg == "" && len(rejected) == 0 {
		msg = strings.Join(lines[max(len(lines)-3, 0):], " ")
	}
	if len(rejected) > 0 {
		msg = strings.TrimPrefix(msg+": "+strings.Join(rejected, "; "), ": ")
		if len(remote) > 0 {
			msg += " (remote: " + strings.Join(remote, " ") + ")"
		}
	} else if cause == "" && len(remote) > 0 {
		lines = append(remote, lines...)
		msg = strings.Join(lines[max(len(lines)-3, 0):], " ")
	}
	if msg == "" {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("git %s: %s", firstArg(e.Args), msg)
}

func (e *Error) Unwrap() error { return e.Err }

// exitedOne reports whether err is git's exit status 1, which commands
// that answer a question (merge-base --is-ancestor, check-ignore) use for
// "no", not for a failure.
func exitedOne(err error) bool {
	var ge *Error
	var ee *exec.ExitError
	return errors.As(err, &ge) && errors.As(ge.Err, &ee) && ee.ExitCode() == 1
}

// firstArg is the git command args run: the first word not an option,
// nor the value of -c or -C before the command (git -c core.abbrev=40
// commit failed as 'git core.abbrev=40: …').
func firstArg(args []string) string {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-c" || a == "-C":
			i++
		case !strings.HasPrefix(a, "-"):
			return a
		}
	}
	return strings.Join(args, " ")
}

// Git runs a git command in the repository and returns its stdout with
// trailing whitespace removed.
func (r *Repo) Git(ctx context.Context, args ...string) (string, error) {
	out, err := r.run(ctx, nil, args...)
	return strings.TrimRight(string(out), "\n"), err
}

// GitBytes runs a git command and returns its raw stdout.
func (r *Repo) GitBytes(ctx context.Context, args ...string) ([]byte, error) {
	return r.run(ctx, nil, args...)
}

// GitInput runs a git command with stdin.
func (r *Repo) GitInput(ctx context.Context, stdin io.Reader, args ...string) (string, error) {
	out, err := r.run(ctx, stdin, args...)
	return strings.TrimRight(string(out), "\n"), err
}

// Stream runs a git command and hands its stdout to fn as it is produced;
// for history walks too large to hold in memory.
func (r *Repo) Stream(ctx context.Context, fn func(io.Reader) error, args ...string) error {
	return r.stream(ctx, nil, fn, args...)
}

func (r *Repo) stream(ctx context.Context, stdin io.Reader, fn func(io.Reader) error, args ...string) error {
	cmd := r.command(ctx, args...)
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	ferr := fn(out)
	if ferr != nil {
		// Stop git early; its exit status no longer matters.
		_ = cmd.Process.Kill()
		_, _ = io.Copy(io.Discard, out)
		_ = cmd.Wait()
		return ferr
	}
	if err := cmd.Wait(); err != nil {
		return &Error{Args: args, Stderr: stderr.String(), Err: err}
	}
	return nil
}

// command is git run in the repository, with the location variables it
// was opened with.
func (r *Repo) command(ctx context.Context, args ...string) *exec.Cmd {
	return command(ctx, r.Dir(), r.env, args...)
}

func (r *Repo) run(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	return run(ctx, r.Dir(), r.env, stdin, args...)
}

// command is git run in dir with the process's environment and the
// variables of env ("K=V") over it.
func command(ctx context.Context, dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	// Never let git stop for a pager, an editor or a credential prompt:
	// verdigris runs inside hooks and CI where nobody can answer.
	cmd.Env = append(withVars(os.Environ(), env), "GIT_PAGER=cat", "GIT_TERMINAL_PROMPT=0", "GIT_EDITOR=:", "LC_ALL=C")
	return cmd
}

func run(ctx context.Context, dir string, env []string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := command(ctx, dir, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin = stdin
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), &Error{Args: args, Stderr: stderr.String(), Err: err}
	}
	return stdout.Bytes(), nil
}
