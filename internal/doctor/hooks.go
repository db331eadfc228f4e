package doctor

import (
	"context"
	"path/filepath"
	"strings"

	shims "github.com/verdigris-dev/verdigris/hooks"
	"github.com/verdigris-dev/verdigris/internal/hooks"
)

func init() { register(20, "hooks", checkHooks) }

func checkHooks(ctx context.Context, c *Context) []Finding {
	if c.Unopened != nil {
		// Nothing of verdigris works there, nor does git: the cause is
		// the finding, with its fix.
		return []Finding{{Name: "repository", Status: Fail, Detail: c.Unopened.Detail, Hint: c.Unopened.Hint}}
	}
	if c.Repo == nil {
		return []Finding{{Name: "repository", Status: Skip, Detail: c.noRepo()}}
	}
	sts, err := hooks.Inspect(ctx, c.Repo)
	if err != nil {
		return []Finding{{Name: "hooks", Status: Fail, Detail: err.Error(), Hint: "check that git's hooks directory (git rev-parse --git-path hooks) can be read"}}
	}
	bare := bareRepo(ctx, c)
	var out []Finding
	if sd := hooks.Shared(ctx, c.Repo); sd != nil {
		out = append(out, Finding{
			Name: "hooks folder", Status: Warn,
			Detail: sd.Dir + " is core.hooksPath in the " + sd.Scope + " git config (" + sd.File + "): every repository that uses it runs these hooks",
			Hint:   "'verdigris uninstall' in any of them removes the shims for all; set core.hooksPath in this repository's own config to give it hooks of its own",
		})
	}
	if o := hooks.Override(ctx, c.Repo, c.Getenv); o != nil {
		out = append(out, Finding{Name: "hooks folder", Status: Warn, Detail: o.String(), Hint: o.Hint()})
	}
	out = append(out, leftHooks(ctx, c)...)
	// A file where the hooks folder goes: every hook is missing, and the
	// hint to run install, which fails on the file, sent the user there
	// to learn of it. It is the one finding, with install's words.
	if dir, err := hooks.Dir(ctx, c.Repo); err == nil {
		if fe := hooks.InTheWay(dir); fe != nil {
			return append(out, Finding{Name: "hooks folder", Status: Warn, Detail: fe.Error(), Hint: fe.Fix(ctx, c.Repo, "run 'verdigris install'")})
		}
	}
	for _, st := range sts {
		f := Finding{Name: st.Name, Detail: st.Path}
		switch st.State {
		case hooks.Missing, hooks.Foreign:
			if !bare {
				break
			}
			// git makes no commit, merge, rebase or am there, and the
			// pre-push shim checks the working tree's toolchain.toml
			// and vault, which a bare repository has not: a shim there
			// would do nothing, so its absence is no warning.
			f.Status, f.Hint = Skip, "run 'verdigris install' in each clone with a working tree"
			if st.State == hooks.Missing {
				f.Detail += " is not installed"
			} else {
				f.Detail += " is another tool's hook"
			}
			f.Detail += ": verdigris's is not needed in a bare repository (no working tree, nothing for it to do)"
			out = append(out, f)
			continue
		}
		switch st.State {
		case hooks.Installed:
			f.Status = OK
			if st.Chained {
				chained(&f, st)
			}
		case hooks.Outdated:
			f.Status, f.Hint = Warn, "run 'verdigris install' to update the shim"
			f.Detail += " is an older verdigris shim"
		case hooks.Missing:
			f.Status, f.Hint = Warn, "run 'verdigris install'"
			f.Detail += " is not installed"
			if st.Chained {
				cutShort(&f, st)
			}
		case hooks.NotExecutable:
			f.Status, f.Hint = Warn, "run 'verdigris install' to make it executable again"
			f.Detail += " is not executable: git skips it"
		case hooks.Edited:
			f.Status, f.Hint = Warn, "move your lines into a hook of your own ("+st.Path+".verdigris-chained runs first), remove the shim, then run 'verdigris install'"
			f.Detail += " is a verdigris shim changed by hand"
		case hooks.Conflict:
			// 'verdigris install' would refuse it too: one of the two
			// must go first.
			f.Status, f.Hint = Warn, "compare it with "+st.Path+".verdigris-chained, keep the one you want as "+st.Path+", remove the other, then run 'verdigris install'"
			f.Detail += " is another tool's hook, beside a different one that install kept" + stepsStopped(st.Name)
		case hooks.Foreign:
			f.Status, f.Hint = Warn, "run 'verdigris install': it puts verdigris's shim back in front of that hook, which still runs, first"
			f.Detail += " is another tool's hook" + stepsStopped(st.Name)
		case hooks.Team:
			teamHook(&f, st)
		case hooks.Managed:
			managed(&f, st)
		case hooks.Stranded:
			stranded(&f, st)
		case hooks.Looped:
			f.Status, f.Hint = Warn, "run 'verdigris install' to put "+st.Manager+"'s hook back in place of the shim in front of it"
			f.Detail += " is a verdigris shim in front of " + st.Manager + "'s hook, which runs the shim it keeps as " + filepath.Base(st.Kept) + ": that runs " + st.Manager + "'s hook again"
		}
		if st.Stale != "" && !(st.State == hooks.Missing && st.Chained) {
			f.Detail += ", but the shim " + st.StaleManager + " kept as " + filepath.Base(st.Stale) + " is still beside it: no hook runs it, and " + st.StaleManager + "'s next install fails on it"
			if f.Status == OK {
				f.Status, f.Hint = Warn, "run 'verdigris install' to remove "+st.Stale
			}
		}
		out = append(out, f)
	}
	return out
}

// leftHooks warns of the folders install put shims in that git no
// longer runs hooks from (core.hooksPath was set, changed or unset
// since): the hooks listed below are those of the folder git uses now,
// and said nothing of the shims and kept hooks left in the old one.
func leftHooks(ctx context.Context, c *Context) []Finding {
	left, err := hooks.Left(ctx, c.Repo)
	if err != nil {
		return []Finding{{Name: "hooks folder", Status: Warn, Detail: "cannot tell whether an earlier install left shims in another hooks folder: " + err.Error(), Hint: "check that the git directory's verdigris/ folder can be read"}}
	}
	dir, _ := hooks.Dir(ctx, c.Repo)
	var out []Finding
	for _, l := range left {
		var what []string
		if len(l.Shims) > 0 {
			what = append(what, "verdigris's shims ("+strings.Join(l.Shims, ", ")+")")
		}
		if len(l.Kept) > 0 {
			what = append(what, "hooks install kept ("+strings.Join(l.Kept, ", ")+")")
		}
		out = append(out, Finding{
			Name: "hooks folder", Status: Warn,
			Detail: l.Dir + " holds " + strings.Join(what, " and ") + " from an earlier install, but git no longer runs hooks from it (it runs them from " + dir + ")",
			Hint:   "run 'verdigris uninstall --dir " + l.Dir + "' (it removes the shims there and puts the kept hooks back; those where git runs hooks now stay)",
		})
	}
	return out
}

// chained says whose hook install kept (the user's, or lefthook's that
// install put the shim in front of) and whether it runs: the shim runs
// it only when git could, so one that is not executable or a link to
// nothing is kept and skipped, as git skipped it before install.
func chained(f *Finding, st hooks.Status) {
	kept := st.Path + shims.ChainedSuffix
	whose := "your own hook"
	if st.ManagerChained {
		whose = st.Manager + "'s hook"
	}
	switch st.ChainedSkipped {
	case "":
		f.Detail += " (" + whose + " is chained and runs first)"
	case "dangling link":
		f.Status, f.Hint = Warn, "point "+kept+" at the hook it should run (ln -sf TARGET), or remove it if that hook is gone"
		f.Detail += " (" + whose + " is kept as " + kept + " but does not run: it is a symbolic link to nothing)"
	default:
		f.Status, f.Hint = Warn, "chmod +x "+kept+" if it should run, or remove it"
		f.Detail += " (" + whose + " is kept as " + kept + " but does not run: it is not executable)"
	}
}

// cutShort describes the hooks left by an install stopped between
// keeping the hook it found and writing the shim (or by the shim removed
// by hand): the kept hook (and a shim lefthook kept beside it) no longer
// runs, and install puts the shim back in front of it.
func cutShort(f *Finding, st hooks.Status) {
	whose := "your own hook"
	if st.ManagerChained {
		whose = st.Manager + "'s hook"
	}
	f.Detail += ", so " + whose + ", kept as " + filepath.Base(st.Path+shims.ChainedSuffix) + ", does not run either (an install cut short, or the shim removed by hand)"
	if st.Stale != "" {
		f.Detail += "; nor does the shim " + st.StaleManager + " kept as " + filepath.Base(st.Stale)
	}
	f.Hint = "run 'verdigris install' to put the shim back in front of " + strings.Replace(whose, "your own hook", "your hook", 1)
}

// managed says what runs for a hook manager's hook (pre-commit's)
// installed after verdigris, which keeps the shim under another name and
// runs it: the shim's steps, when it is current.
func managed(f *Finding, st hooks.Status) {
	kept := filepath.Base(st.Kept)
	f.Detail += " is " + st.Manager + "'s hook, which runs verdigris's shim kept as " + kept
	if st.ManagerChained {
		// The manager came first, install kept its hook, and the
		// manager, installed again, kept the shim: its hook runs
		// through the shim twice.
		f.Status, f.Hint = Warn, "run 'verdigris install' to remove "+st.Manager+"'s earlier hook"
		f.Detail += ", which runs " + st.Manager + "'s earlier hook kept as " + filepath.Base(st.Path+shims.ChainedSuffix) + ": " + st.Manager + " refuses to run from its own legacy hook, so the hook fails"
		return
	}
	switch st.ShimState {
	case hooks.Installed:
		f.Status = OK
		if st.Chained {
			chained(f, st)
		}
		if st.NoInput {
			f.Status = Warn
			f.Detail += ", but gives it none of the hook's input: verdigris's steps see nothing to do"
			f.Hint = "run '" + st.Manager + " uninstall --hook-type " + st.Name + "' to put the shim back as " + st.Path + ", then 'verdigris install'"
		}
	case hooks.Outdated:
		f.Status, f.Hint = Warn, "run 'verdigris install' to update the shim"
		f.Detail += ", an older one"
	case hooks.NotExecutable:
		f.Status, f.Hint = Warn, "run 'verdigris install' to make it executable again"
		f.Detail += ", which is not executable: it is skipped"
	default:
		f.Status, f.Hint = Warn, "move your lines into a hook of your own ("+st.Path+shims.ChainedSuffix+" runs first), remove "+st.Kept+", then run 'verdigris install'"
		f.Detail += ", changed by hand"
	}
}

// stranded warns of a hook manager's hook (lefthook's) installed after
// verdigris that keeps the shim under another name and runs no hook it
// keeps: verdigris's steps stopped without a word. install puts the shim
// back in front, unless the user's own hook is kept there too.
func stranded(f *Finding, st hooks.Status) {
	kept := filepath.Base(st.Kept)
	chained := st.Path + shims.ChainedSuffix
	f.Status = Warn
	f.Detail += " is " + st.Manager + "'s hook; verdigris's shim, kept as " + kept + ", does not run: " + st.Manager + " runs no hook it keeps"
	switch {
	case st.ShimState == hooks.Edited:
		f.Detail += " (the shim was changed by hand)"
		f.Hint = "move your lines into a hook of your own, remove " + st.Kept + ", then run 'verdigris install'"
	case st.Chained && !st.ManagerChained:
		f.Detail += ", nor your own hook kept as " + chained
		f.Hint = "move the commands of " + chained + " into " + st.Manager + "'s config, remove it, then run 'verdigris install'"
	default:
		f.Hint = "run 'verdigris install' to put the shim back in front of " + st.Manager + "'s hook, which it then runs"
	}
}

// bareRepo reports whether the repository is bare: opened in a git
// directory, it has no root, and git tells a bare one from a worktree's
// .git.
func bareRepo(ctx context.Context, c *Context) bool {
	if c.Repo.Root != "" {
		return false
	}
	out, err := c.Repo.Git(ctx, "rev-parse", "--is-bare-repository")
	return err == nil && strings.TrimSpace(out) == "true"
}

// teamHook says what runs for the team's own hook, which git tracks and
// install leaves as it is: verdigris's steps only if it calls the shim.
func teamHook(f *Finding, st hooks.Status) {
	f.Detail += " is the team's hook (tracked by git)"
	if !st.Calls {
		f.Status = Warn
		f.Detail += ": verdigris's is not chained into it, and install leaves it as it is"
		f.Hint = "add this line to it (first in the hook), commit it, then run 'verdigris install': " + hooks.CallLine(st.Name)
		return
	}
	if !st.HandsOn {
		f.Status = Warn
		f.Detail += " and calls verdigris's shim, but does not hand the hook's input on: the shim, or the rest of the hook, reads none of it"
		f.Hint = "replace the call with this line, first in the hook: " + hooks.CallLine(st.Name)
		return
	}
	if st.ShimState == hooks.Installed {
		f.Status, f.Detail = OK, f.Detail+" and runs verdigris's shim"
		return
	}
	f.Detail += " and calls verdigris's shim"
	f.Status, f.Hint = Warn, "run 'verdigris install'"
	switch st.ShimState {
	case hooks.Missing:
		f.Detail += ", which is not installed"
	case hooks.Outdated:
		f.Detail += ", an older one"
		f.Hint += " to update the shim"
	case hooks.NotExecutable:
		f.Detail += ", which is not executable: it is skipped"
		f.Hint += " to make it executable again"
	case hooks.Edited:
		f.Detail += ", which was changed by hand"
		f.Hint = "move your lines into the team's hook, remove the shim, then run 'verdigris install'"
	default:
		f.Detail += ", where another file is"
		f.Hint = "remove the file the team's hook calls, then run 'verdigris install'"
	}
}

// steps are what each hook's shim runs, as a user knows them: "another
// tool's hook" alone did not say that they stopped (husky's npm install
// writes over the shims without a word).
var steps = map[string]string{
	"pre-push":        "before a push (the pinned checks, the vault guard)",
	"post-commit":     "after a commit (session tags from commit markers, the commit index)",
	"post-merge":      "after a merge or a pull (session tags from commit markers, the commit index)",
	"post-rewrite":    "after an amend or a rebase (session tags from commit markers, the commit index)",
	"post-applypatch": "after git am (session tags from commit markers, the commit index)",
}

// stepsStopped says that verdigris's steps of the hook name no longer
// run, its shim being gone from git's sight.
func stepsStopped(name string) string {
	if s, ok := steps[name]; ok {
		return ": verdigris's steps " + s + " no longer run"
	}
	return ": verdigris's steps no longer run"
}
