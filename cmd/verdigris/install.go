package main

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/hooks"
)

var installCmd = &cli.Command{
	Name: "install",
	Usage: `Usage: verdigris install [--json]

Install verdigris's pre-push, post-commit, post-merge, post-rewrite and
post-applypatch shims into the repository's hooks directory
(core.hooksPath if set, else the common git dir's hooks/, shared by all
worktrees). An existing hook is kept as <hook>.verdigris-chained and still
runs, before verdigris's steps. Re-running install changes nothing.
pre-commit, installed since, keeps the shim as <hook>.legacy and runs it:
its hook is left in place, and install updates the shim it keeps. lefthook
keeps it as <hook>.old and runs no hook it keeps: install puts the shim
back in front, with lefthook's hook kept and run as
<hook>.verdigris-chained, and removes <hook>.old; with your own hook kept
there already it refuses, leaving all three for you to merge into
lefthook's config.

A hook that git tracks (a team's .githooks/pre-push) is left as it is:
install says which line to add to it to run verdigris's shim, which it
keeps in the git directory, and fails until the hook has that line.
Shims in a folder of the worktree are listed in .git/info/exclude, so
that git status does not show them; uninstall takes them out again.
A hooks folder that core.hooksPath in the global or system config names
is shared by every repository that uses it: install says so, and the
shims run in all of them. Install records each other folder it installs
into, so that uninstall cleans it after core.hooksPath changes.

Flags:
      --json   print {"ok", "hooks_dir", "hooks": [{"name", "path", "did",
               "detail", "call"}]} as JSON
`,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("verdigris install", args, 0, 0); err != nil {
			return err
		}
		r, err := cli.OpenRepo(ctx, env)
		if err != nil {
			return err
		}
		out := actionsOut(ctx, fs, r)
		if sd := hooks.Shared(ctx, r); sd != nil {
			cli.Warnf(env.Stderr, "verdigris", "%s", sd)
		}
		if o := hooks.Override(ctx, r, env.Env); o != nil {
			cli.Warnf(env.Stderr, "verdigris", "%s", o)
		}
		acts, err := hooks.Install(ctx, r)
		if werr := out.print(env, acts, err); werr != nil {
			return werr
		}
		if err != nil && ctx.Err() != nil {
			if len(acts) == 0 {
				return cli.Interruptedf("interrupted; no hook was installed").WithHint("run 'verdigris install' again")
			}
			return cli.Interruptedf("interrupted; the hooks above are installed, the others not yet").WithHint("run 'verdigris install' again to finish")
		}
		if explainTeamHooks(env, acts, err) {
			return cli.Exit(cli.ExitFailed)
		}
		if err := explainConflict(err, "install"); err != nil {
			return err
		}
		var fe *hooks.FileInTheWayError
		if errors.As(err, &fe) {
			return cli.Failf("%s", fe).WithHint("%s", fe.Fix(ctx, r, "re-run 'verdigris install'"))
		}
		var se *hooks.StrandedError
		if errors.As(err, &se) {
			return cli.Failf("%s", se).WithHint("move the commands of %s into %s's config, remove it, then re-run 'verdigris install'", se.Chained, se.Manager)
		}
		return explainPermission(explainEdited(err))
	},
}

// explainTeamHooks says, for each hook of the team's that install left
// as it is, the line that makes it run verdigris's shim, and reports
// whether that is the only reason err fails the command.
func explainTeamHooks(env *cli.Env, acts []hooks.Action, err error) bool {
	for _, a := range acts {
		if a.Call == "" {
			continue
		}
		cli.ErrorLinef(env.Stderr, "verdigris", "%s", &hooks.TeamHookError{Hook: a.Path, Name: a.Name})
		cli.HintLinef(env.Stderr, "verdigris", "add this line to it (first in the hook), commit it, then re-run 'verdigris install': %s", a.Call)
	}
	var te *hooks.TeamHookError
	return errors.As(err, &te)
}

// explainConflict says what to do with another tool's hook in the
// shim's place beside the hook install kept: nil when err is no such
// conflict.
func explainConflict(err error, cmd string) error {
	var ce *hooks.ConflictError
	if errors.As(err, &ce) {
		return cli.Failf("%s", ce).WithHint("compare the two files, keep the one you want as %s, remove the other, then re-run 'verdigris %s'", ce.Hook, cmd)
	}
	return nil
}

// explainEdited says what to do with a shim changed by hand.
func explainEdited(err error) error {
	var ee *hooks.EditedError
	if errors.As(err, &ee) {
		return cli.Failf("%s; left as it is", ee).WithHint("move your lines into a hook of your own (%s runs first), remove %s, then re-run the command", ee.Chained, ee.Hook)
	}
	return err
}

// explainPermission names the directory this user may not write (a
// hooks directory made read-only, or another user's: a shared
// core.hooksPath, a repository cloned with sudo), where the bare error
// named a rename and no way out.
func explainPermission(err error) error {
	if !errors.Is(err, iofs.ErrPermission) {
		return err
	}
	var path string
	var le *os.LinkError
	var pe *iofs.PathError
	switch {
	case errors.As(err, &le):
		path = le.New
	case errors.As(err, &pe):
		path = pe.Path
	default:
		return err
	}
	dir := filepath.Dir(path)
	return cli.Failf("cannot write %s: permission denied", dir).WithHint("make that directory writable for you (or run as its owner), then re-run the command")
}

var uninstallCmd = &cli.Command{
	Name: "uninstall",
	Usage: `Usage: verdigris uninstall [--dir DIR] [--json]

Remove verdigris's hook shims and put back, byte for byte, any hook that
install found in their place, in the hooks directory and in any folder an
earlier install used before core.hooksPath changed. Hooks that are not
verdigris's are left alone. A shim that pre-commit or lefthook keeps
(<hook>.legacy, <hook>.old) goes, and the hook install kept takes its
place there, where the manager's own uninstall puts it back as the
hook; the manager's hook stays.
A hooks folder that core.hooksPath in the global or system config names is
every repository's that uses it: uninstall says so, and removes the shims
for all of them.

Flags:
      --dir DIR   clean only DIR: a folder an earlier install used (as
                  'verdigris doctor' names it), or the hooks directory
      --json      print {"ok", "hooks_dir", "dir" (with --dir), "hooks":
                  [{"name", "path", "did", "detail"}]} as JSON
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.String("dir", "", "")
		fs.Bool("json", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("verdigris uninstall", args, 0, 0); err != nil {
			return err
		}
		// An empty name is a shell variable left unset ('--dir "$OLD"'),
		// not a request to clean every folder.
		if only, _ := fs.GetString("dir"); fs.Changed("dir") && only == "" {
			return cli.Usagef("verdigris uninstall: --dir needs a folder, and it was given an empty name").WithHint("name the folder to clean ('verdigris doctor' names those an earlier install left shims in), or run 'verdigris uninstall' without --dir")
		}
		r, err := cli.OpenRepo(ctx, env)
		if err != nil {
			return err
		}
		out := actionsOut(ctx, fs, r)
		if only, _ := fs.GetString("dir"); only != "" {
			return uninstallDir(ctx, env, r, only, out)
		}
		if sd := hooks.Shared(ctx, r); sd != nil {
			cli.Warnf(env.Stderr, "verdigris", "%s, and the shims are removed for all of them", sd)
		}
		if o := hooks.Override(ctx, r, env.Env); o != nil {
			cli.Warnf(env.Stderr, "verdigris", "%s", o)
		}
		acts, err := hooks.Uninstall(ctx, r)
		if werr := out.print(env, acts, err); werr != nil {
			return werr
		}
		if err != nil && ctx.Err() != nil {
			return interruptedUninstall(acts, "verdigris uninstall")
		}
		if err := explainConflict(err, "uninstall"); err != nil {
			return err
		}
		return explainPermission(explainEdited(err))
	},
}

// uninstallDir cleans the one folder only, given relative to the
// working directory.
func uninstallDir(ctx context.Context, env *cli.Env, r *gitrepo.Repo, only string, out *actionsReport) error {
	if !filepath.IsAbs(only) {
		wd := env.Dir
		if wd == "" {
			var err error
			if wd, err = os.Getwd(); err != nil {
				return err
			}
		}
		only = filepath.Join(wd, only)
	}
	acts, err := hooks.UninstallDir(ctx, r, only)
	var ne *hooks.NotRecordedError
	if errors.As(err, &ne) {
		return cli.Usagef("%s", ne).WithHint("'verdigris doctor' names the folders an earlier install left shims in; 'verdigris uninstall' without --dir cleans the one git runs hooks from now")
	}
	if out != nil {
		out.Dir = only
	}
	if werr := out.print(env, acts, err); werr != nil {
		return werr
	}
	if err != nil && ctx.Err() != nil {
		return interruptedUninstall(acts, "verdigris uninstall --dir "+cli.ShellWord(only))
	}
	if err := explainConflict(err, "uninstall --dir "+only); err != nil {
		return err
	}
	return explainPermission(explainEdited(err))
}

// interruptedUninstall is the error of an uninstall that Ctrl-C or
// SIGTERM stopped, in place of the one git's death caused.
func interruptedUninstall(acts []hooks.Action, again string) error {
	if len(acts) == 0 {
		return cli.Interruptedf("interrupted; no hook was uninstalled").WithHint("run '%s' again", again)
	}
	return cli.Interruptedf("interrupted; the hooks above are uninstalled, the others not yet").WithHint("run '%s' again to finish", again)
}

// actionsReport is install's and uninstall's --json: the hooks
// directory and each hook with what was done to it, as the text lines
// say it. nil: the text lines.
type actionsReport struct {
	OK bool `json:"ok"`
	// HooksDir is the folder git runs hooks from (core.hooksPath, or
	// the common git directory's hooks/).
	HooksDir string `json:"hooks_dir"`
	// Dir is the one folder uninstall --dir cleaned.
	Dir   string         `json:"dir,omitempty"`
	Hooks []hooks.Action `json:"hooks"`
}

// actionsOut is the report --json asks for, nil without it. A hooks
// directory git cannot tell fails install and uninstall the same way,
// which say why.
func actionsOut(ctx context.Context, fs *pflag.FlagSet, r *gitrepo.Repo) *actionsReport {
	if asJSON, _ := fs.GetBool("json"); !asJSON {
		return nil
	}
	dir, err := hooks.Dir(ctx, r)
	if err != nil {
		dir = ""
	}
	return &actionsReport{HooksDir: dir}
}

// print writes what was done to each hook: the lines, or the JSON
// document (none when nothing was done and err says why, as the lines
// are none then).
func (o *actionsReport) print(env *cli.Env, acts []hooks.Action, err error) error {
	if o == nil {
		printActions(env, acts)
		return nil
	}
	if err != nil && len(acts) == 0 {
		return nil
	}
	o.OK, o.Hooks = err == nil, acts
	return cli.WriteJSON(env.Stdout, o)
}

func printActions(env *cli.Env, acts []hooks.Action) {
	width := 0
	for _, a := range acts {
		width = max(width, len(a.Name))
	}
	for _, a := range acts {
		line := fmt.Sprintf("%-*s %s: %s", width, a.Name, a.Did, a.Path)
		if a.Detail != "" {
			line += " (" + a.Detail + ")"
		}
		fmt.Fprintln(env.Stdout, cli.Printable(line)) // the path is core.hooksPath's
	}
}
