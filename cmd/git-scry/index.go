package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/filelock"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/model"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

var indexCmd = &cli.Command{
	Name: "index",
	Usage: `Usage: git scry index [--full] [--background] [--quiet] [--json | --github]

Index the commits that are not indexed yet: every non-merge commit
reachable from any ref (branches, tags, remote-tracking branches, HEAD).
Commits that rewritten history left unreachable (amend, rebase,
force-push, deleted branches) are removed. A shallow clone indexes the
commits it has; a partial clone indexes what is present without fetching
anything (commits whose blobs are missing are indexed without their diff).

One index runs at a time; a second waits for the first. A run that is
killed resumes where it stopped. --full rebuilds beside the index, which
searches read until the rebuild replaces it; a killed rebuild is resumed
by the next run. The semantic embedder is trained from the
repository's own history on the first run and retrained as it grows.

Flags:
      --full         rebuild the index from scratch
      --background   run detached and return at once (the hooks' way); output
                     goes to <git-common-dir>/verdigris/scry.log
  -q, --quiet        no progress bar and no summary
      --json         print what the run did as JSON
      --github       also write step outputs (commits, added, embedder) and
                     warn in annotations of what limits the answers, such as a
                     shallow checkout (GitHub Actions)
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.Bool("full", false, "")
		fs.Bool("background", false, "")
		fs.BoolP("quiet", "q", false, "")
		fs.Bool("json", false, "")
		fs.Bool("github", false, "")
	},
	Run: runIndex,
}

// detachedEnv marks the process a --background run started.
const detachedEnv = "VERDIGRIS_SCRY_DETACHED"

// runningFDEnv names the descriptor of the running mark the start hands
// to the run it started (index.HandOver).
const runningFDEnv = "VERDIGRIS_SCRY_RUNNING_FD"

func runIndex(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
	if err := nargs("index", fs, args, 0, 0); err != nil {
		return err
	}
	full, _ := fs.GetBool("full")
	background, _ := fs.GetBool("background")
	quiet, _ := fs.GetBool("quiet")
	asJSON, _ := fs.GetBool("json")
	if background && asJSON {
		return cli.Usagef("--json and --background do not go together").WithHint("a background run writes to the log; run 'git scry index --json' in the foreground")
	}
	if on, _ := fs.GetBool("github"); on && background {
		return cli.Usagef("--github and --background do not go together").WithHint("a step's outputs are written by the run itself: run 'git scry index --github' in the foreground")
	}
	gh, err := githubFlag(env, fs, asJSON)
	if err != nil {
		return err
	}
	if background {
		// The hooks' path: find the repository without a git
		// process, start the run, return.
		r, err := openRepoFast(ctx, env)
		if err != nil {
			return err
		}
		return detach(env, r, full, quiet)
	}
	detached := env.Env(detachedEnv) != ""
	var handed *filelock.Lock
	if fd, err := strconv.Atoi(env.Env(runningFDEnv)); err == nil && detached {
		// Taken over before any git process starts, which would hold
		// it on.
		handed = filelock.Inherit(os.NewFile(uintptr(fd), "scry.running"))
	}
	r, err := cli.OpenRepo(ctx, env)
	if err != nil {
		return err
	}
	opt := index.Options{
		Running:   handed,
		Full:      full,
		Coalesce:  detached,
		Embedders: embedderSource(),
		Log: func(format string, a ...any) {
			if !quiet || detached {
				fmt.Fprintf(env.Stderr, "git-scry: "+format+"\n", a...)
			}
		},
	}
	if !quiet && !detached && progressAllowed(env) && cli.IsTerminal(env.Stderr) {
		opt.Progress = env.Stderr
	}
	if detached {
		fmt.Fprintf(env.Stderr, "%s index: start (pid %d)\n", time.Now().Format(time.RFC3339), os.Getpid())
	}
	res, err := index.Run(ctx, r, opt)
	var newer *store.NewerSchemaError
	if errors.As(err, &newer) {
		// Not rebuilt: the newer binary's index is kept for it. A
		// background run says so in the log once per commit, no more.
		return newerIndexError(newer)
	}
	if err != nil {
		// Interrupted, whatever the error it caused: git killed with the
		// run ("signal: killed"), a closed statement.
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			// 130, as a shell reports Ctrl-C (143 after SIGTERM: cli.Main).
			return cli.Interruptedf("interrupted; the index keeps what was written").WithHint("run 'git scry index' to resume")
		}
		if errors.Is(err, iofs.ErrPermission) || store.ReadOnly(err) {
			// Rebuilding would fail the same way: the files are another
			// user's (a 'sudo git scry index') or made read-only.
			return unwritableError(r, err)
		}
		if store.Damaged(err) {
			// Another run would open the same file and fail the same way.
			return cli.Failf("indexing failed: %v", err).WithHint("the index file is damaged: run 'git scry index --full' to rebuild it")
		}
		if strings.Contains(err.Error(), "replace depth too high") {
			// git itself cannot read the history (git log fails the
			// same way): running again or rebuilding cannot help.
			return cli.Failf("indexing failed: %v", err).WithHint("a chain of git replace refs loops or is longer than git follows (5): 'git replace -l' lists them, 'git replace -d OID' removes one")
		}
		return cli.Failf("indexing failed: %v", err).WithHint("run 'git scry index' again; if it keeps failing, 'git scry index --full' rebuilds the index")
	}
	// Commits embedded with the built-in embedder because the model
	// registry cannot be read, whatever model it names: said once by the
	// run that embeds them, as every search says it.
	var registryWarn, registryHint string
	if cause := model.RegistryCause(res.EmbedReason); cause != "" && res.Embedded > 0 {
		registryWarn, registryHint = registryWarningSo(env, cause, "commits are embedded with the built-in embedder")
	}
	if asJSON {
		out := resultJSON(res)
		out["registry_warning"] = registryWarn
		return cli.WriteJSON(env.Stdout, out)
	}
	if gh != nil && registryWarn != "" {
		gh.Warningf("git scry index: %s", registryWarn)
	}
	if !quiet || detached {
		printSummary(env, res, detached)
		if registryWarn != "" {
			report(env, detached, "warning: %s", registryWarn)
			if registryHint != "" {
				report(env, detached, "hint: %s", registryHint)
			}
		}
		if res.Embedded > 0 && !strings.HasPrefix(res.Embedder, "onnx:") {
			if name := activeModel(env); name != "" {
				// The model's vectors, if any, were just replaced: said
				// once a run that embeds, not left to doctor.
				report(env, detached, "warning: the model in use, %s, cannot run here: embedded with the %s; once it can run, the next index run embeds with it", name, res.EmbedReason)
			}
		}
	}
	if gh != nil {
		return indexToGitHub(gh, res)
	}
	return nil
}

// progressAllowed says whether the environment takes a progress bar on a
// terminal: not in CI, whose log keeps every redraw, nor on a dumb
// terminal, which shows the escape that clears the line.
func progressAllowed(env *cli.Env) bool {
	return !env.InCI() && env.Env("TERM") != "dumb"
}

// report writes a line of an index run's report: to stderr, or to the log
// with the time for a background run.
func report(env *cli.Env, detached bool, format string, a ...any) {
	prefix := "git-scry: "
	if detached {
		prefix = time.Now().Format(time.RFC3339) + " index: "
	}
	fmt.Fprintf(env.Stderr, prefix+format+"\n", a...)
}

func printSummary(env *cli.Env, res *index.Result, detached bool) {
	say := func(format string, a ...any) { report(env, detached, format, a...) }
	switch {
	case res.Deferred:
		say("another index run is busy; it will index the new commits")
		return
	case res.UpToDate:
		say("up to date (%s)", cli.Count(int(res.Total), "commit"))
		return
	}
	if res.Rebuilt {
		// Every commit was indexed again: none is new, none pruned.
		say("rebuilt the index: indexed %s; %d in the index (%s)", cli.Count(res.Added, "commit"), res.Total, res.Duration.Round(time.Millisecond))
	} else {
		say("indexed %s, pruned %d; %d in the index (%s)", cli.Count(res.Added, "new commit"), res.Pruned, res.Total, res.Duration.Round(time.Millisecond))
	}
	if res.Shallow {
		say("shallow clone: only the commits present were indexed; 'git fetch --unshallow' and 'git scry index' index the rest")
	}
	if n := res.NoPatch; n > 0 {
		why := its(n) + " objects are missing"
		if res.Partial {
			why = its(n) + " blobs are not in this partial clone (nothing was fetched)"
		}
		say("%s indexed without %s diff: %s", cli.Count(n, "commit"), its(n), why)
	}
	if n := res.Restored; n > 0 {
		say("read %s again that %s indexed without %s diff: %s objects are here now", cli.Count(n, "commit"), isAre(n, "was", "were"), its(n), its(n))
	}
	if n := res.NoFiles; n > 0 {
		say("%s indexed from %s message only: %s trees are missing", cli.Count(n, "commit"), its(n), its(n))
	}
	if n := res.Unreadable; n > 0 {
		was := "were"
		if n == 1 {
			was = "was"
		}
		say("%s could not be read at all and %s skipped (damaged repository? try 'git fsck')", cli.Count(n, "commit"), was)
	}
	if res.Unpruned {
		say("the history behind the missing commits could not be read: commits no other ref reaches were not indexed, and nothing was pruned until it can be")
	}
	if n := res.Capped; n > 0 {
		say("%s: only the beginning of %s diff was indexed", cli.Count(n, "very large commit"), its(n))
	}
	if n := res.LongMessages; n > 0 {
		say("%s: only the first 64 KiB of %s message %s indexed", cli.Count(n, "very long commit message"), its(n), isAre(n, "was", "were"))
	}
	if res.AttrWarning != "" {
		say("warning: git's linguist-generated attributes were not read for the rest of the run (%s): files it marks generated may have had their lines indexed", res.AttrWarning)
		say("hint: once git can read them, 'git scry index --full' indexes every commit again with them")
	}
	if res.Trained {
		say("trained the built-in embedder on this repository")
	}
	if res.Embedded > 0 {
		say("embedded %s with %s", cli.Count(res.Embedded, "commit"), res.Embedder)
	}
	switch {
	case res.Unembeddable > 0:
		// Semantic search ranks the others.
		say("warning: %s", res.EmbedWarning)
	case res.EmbedWarning != "" && res.Embedder == "" && model.FallbackCause(res.EmbedReason) != "":
		say("warning: semantic search is unavailable: the model in use cannot run here (%s), and the built-in embedder in its stead cannot embed (%s)", model.FallbackCause(res.EmbedReason), res.EmbedWarning)
	case res.EmbedWarning != "":
		say("warning: semantic search is unavailable: %s", res.EmbedWarning)
	}
}

func resultJSON(res *index.Result) map[string]any {
	return map[string]any{
		"added": res.Added, "pruned": res.Pruned, "total": res.Total,
		"up_to_date": res.UpToDate, "deferred": res.Deferred,
		"shallow": res.Shallow, "partial": res.Partial,
		"no_patch": res.NoPatch, "restored": res.Restored, "merged": res.Merged, "restore_checked": res.Checked, "restore_pack_objects": res.PackObjects, "no_files": res.NoFiles, "unreadable": res.Unreadable, "unpruned": res.Unpruned, "capped": res.Capped, "long_messages": res.LongMessages, "attr_warning": res.AttrWarning,
		"embedder": res.Embedder, "embedder_reason": res.EmbedReason, "embedded": res.Embedded,
		"trained": res.Trained, "trained_early": res.TrainedEarly, "embed_warning": res.EmbedWarning, "unembeddable": res.Unembeddable,
		"sessions": res.Sessions, "duration_ms": res.Duration.Milliseconds(),
		"index_ms": res.IndexTime.Milliseconds(), "train_ms": res.TrainTime.Milliseconds(), "embed_ms": res.EmbedTime.Milliseconds(),
		"switch_ms": res.SwitchTime.Milliseconds(), "peak_rss_bytes": peakRSS(),
	}
}

// peakRSS is this process's own peak resident memory (git's processes
// not included).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024 // kilobytes on Linux
}

// detach starts 'git scry index' in its own session with its output in
// the log, and returns without waiting: the post-commit hook must not
// hold up 'git commit'.
func detach(env *cli.Env, r *gitrepo.Repo, full, quiet bool) error {
	self, err := os.Executable()
	if err != nil {
		return cli.Failf("cannot find the git-scry executable: %v", err)
	}
	if err := os.MkdirAll(r.StateDir(), 0o755); err != nil {
		return err
	}
	logPath := index.LogPath(r)
	rotateLog(logPath)
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return cli.Failf("cannot open the index log: %v", err)
	}
	defer log.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return err
	}
	defer devnull.Close()
	args := []string{"index", "--quiet"}
	if full {
		args = append(args, "--full")
	}
	// The run starts in the work tree's top; GIT_DIR and the like were
	// given relative to here, and r.Environ has them absolute.
	cmd := exec.Command(self, args...)
	cmd.Dir = r.Dir()
	cmd.Env = append(slices.DeleteFunc(r.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, runningFDEnv+"=")
	}), detachedEnv+"=1")
	// The run's mark, taken now and handed over: a search between this
	// start and the run's own locks (a script's 'git commit && git scry
	// ...') finds it under way instead of being told to run an index.
	// Only closed here, never unlocked: it is the run's.
	if mark := index.HandOver(r); mark != nil {
		defer mark.File().Close()
		cmd.ExtraFiles = []*os.File{mark.File()}
		cmd.Env = append(cmd.Env, runningFDEnv+"=3") // after stdin, stdout and stderr
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return cli.Failf("cannot start the background index: %v", err)
	}
	pid := cmd.Process.Pid
	// Not waited for: it outlives us, and init reaps it.
	_ = cmd.Process.Release()
	if !quiet {
		fmt.Fprintf(env.Stderr, "git-scry: indexing in the background (pid %d); log: %s\n", pid, logPath)
	}
	return nil
}

// logRotateSize: a background runs' log past this size is moved to
// LOG.1 by the next start.
const logRotateSize = 1 << 20

// rotateLog moves the log to LOG.1 when it has grown past logRotateSize.
// The size is looked at without a lock: on the hook's path, the common
// case costs one stat.
func rotateLog(path string) {
	if fi, err := os.Stat(path); err != nil || fi.Size() <= logRotateSize {
		return
	}
	rotateSeen(path)
}

// rotateSeen rotates a log seen past logRotateSize, under LOG.lock and
// only if it still is: two starts that both saw it big (the hooks of a
// 'git am' series, a commit and a pull) rotated it both, the second
// moving the first's new, nearly empty log over LOG.1 and its megabyte
// of runs with it. A start that finds the lock taken leaves the rotation
// to its holder, never waiting: its run then writes to the old log or to
// the new one, either kept.
func rotateSeen(path string) {
	lock, err := filelock.TryLock(path + ".lock")
	if err != nil {
		return
	}
	defer lock.Unlock()
	if fi, err := os.Stat(path); err == nil && fi.Size() > logRotateSize {
		os.Rename(path, path+".1")
	}
}

// its is the possessive of n commits: "1 commit … its diff", "2
// commits … their diff".
func its(n int) string {
	if n == 1 {
		return "its"
	}
	return "their"
}

// unwritableError says that the index run could not write the index, and
// what to make writable: the file SQLite refused to write (it names
// none), or the directory. Searches read an index that exists; before the
// first run there is none to read.
func unwritableError(r *gitrepo.Repo, err error) error {
	db := index.DBPath(r)
	if f := store.NotWritable(db); f != "" && store.ReadOnly(err) {
		return cli.Failf("cannot write the commit index: %s is read-only", f).WithHint("make it writable for you (chmod u+w %s) or run as its owner; searches still read the index", cli.ShellWord(f))
	}
	e := cli.Failf("cannot write the commit index in %s: %v", r.StateDir(), err)
	if _, serr := os.Stat(db); serr == nil {
		return e.WithHint("make that directory and its files writable for you (or run as their owner); searches still read the index")
	}
	const none = "no index exists yet, so searches have none to read until then"
	if _, serr := os.Stat(r.StateDir()); errors.Is(serr, iofs.ErrNotExist) {
		// Not made yet: the directory to make writable is the one it
		// is made in.
		return e.WithHint("make %s writable for you (or run as its owner): the index is made in %s; %s", filepath.Dir(r.StateDir()), r.StateDir(), none)
	}
	return e.WithHint("make that directory and its files writable for you (or run as their owner); %s", none)
}
