package doctor

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/hooks"
	"github.com/verdigris-dev/verdigris/internal/toolchain"
)

func init() { register(30, "toolchain", checkToolchain) }

// checkToolchain reports drift between toolchain.toml and what would run
// here: each pinned tool, and each pin file that disagrees.
func checkToolchain(ctx context.Context, c *Context) []Finding {
	if c.Repo == nil {
		return []Finding{{Name: config.FileName, Status: Skip, Detail: c.noRepo()}}
	}
	if c.Repo.Root == "" {
		return []Finding{{Name: config.FileName, Status: Skip, Detail: "no working tree"}}
	}
	cfg, err := config.Load(c.Repo.Root)
	if errors.Is(err, config.ErrNotFound) {
		return []Finding{{Name: config.FileName, Status: Skip, Detail: "not in use (no " + config.FileName + ")"}}
	}
	if err != nil {
		hint := "fix " + config.FileName + " at the line shown"
		var ce *config.Error
		if errors.As(err, &ce) && ce.Hint != "" {
			hint = ce.Hint
		}
		return []Finding{{Name: config.FileName, Status: Fail, Detail: err.Error(), Hint: hint}}
	}
	e := &toolchain.Env{Root: c.Repo.Root, Getenv: c.Getenv, Environ: os.Environ}
	rep, err := toolchain.Check(ctx, cfg, e)
	if err != nil {
		return []Finding{{Name: "check", Status: Fail, Detail: err.Error(), Hint: "run 'git toolchain check' to see it on its own"}}
	}
	var out []Finding
	for i, t := range rep.Tools {
		f := Finding{Name: t.Tool}
		// A tool pinned under a name with no built-in probe, and none of
		// its own: not installing it, but its name or a probe is the fix.
		if fix := toolchain.Unprobed(cfg.Tools[i]); fix != "" && t.Status == toolchain.StatusMissing {
			f.Status, f.Detail, f.Hint = Fail, "pinned "+t.Pinned+", "+t.Detail, fix
			out = append(out, f)
			continue
		}
		switch t.Status {
		case toolchain.StatusOK:
			f.Status, f.Detail = OK, fmt.Sprintf("%s (%s)", t.Found, t.Source)
		case toolchain.StatusMismatch:
			f.Status = Fail
			f.Detail = fmt.Sprintf("pinned %s, found %s (%s)", t.Pinned, t.Found, t.Source)
			f.Hint = "install " + t.Tool + " " + t.Pinned + ", or change the pin in " + config.FileName
		case toolchain.StatusMissing:
			f.Status = Fail
			f.Detail = "pinned " + t.Pinned + ", not installed"
			if t.Detail != "" {
				f.Detail += ": " + t.Detail
			}
			f.Hint = "install " + t.Tool + " " + t.Pinned
		default:
			f.Status, f.Detail = Warn, "pinned "+t.Pinned+": "+t.Detail
			f.Hint = "run 'git toolchain check' for details"
		}
		out = append(out, f)
	}
	for _, d := range rep.Drift {
		out = append(out, Finding{
			Name:   filepath.ToSlash(d.File),
			Status: Fail,
			Detail: fmt.Sprintf("line %d: %s", d.Line, d.Problem),
			Hint:   d.Fix,
		})
	}
	if len(out) == 0 {
		out = append(out, Finding{Name: config.FileName, Status: OK, Detail: "no tools pinned"})
	}
	return append(out, prePushSet(ctx, c, cfg)...)
}

// prePushSet warns when the pre-push hook is installed and toolchain.toml
// defines checks but no pre-push set: the hook said "no set; nothing to
// run" on every push, which went through unchecked while doctor said all
// was well. An empty pre-push set is one emptied on purpose, and a file
// of no checks (pins only) has none to run.
func prePushSet(ctx context.Context, c *Context, cfg *config.File) []Finding {
	const set = "pre-push"
	if _, ok := cfg.Sets[set]; ok || len(cfg.Checks) == 0 || !prePushShim(ctx, c) {
		return nil
	}
	f := Finding{Name: set + " set", Status: Warn,
		Detail: fmt.Sprintf("%s has no %s set, so the %s hook runs no check", config.FileName, set, set)}
	sets := slices.Sorted(maps.Keys(cfg.Sets))
	if near := cli.Nearest(set, sets); near != "" {
		// git toolchain run refuses it in the hook: every push fails.
		f.Detail = fmt.Sprintf("%s has no %s set but a %s set, so the %s hook fails every push", config.FileName, set, near, set)
		f.Hint = fmt.Sprintf("rename set %s to %s in %s", near, set, config.FileName)
		return []Finding{f}
	}
	names := cfg.CheckNames()
	for i, n := range names {
		names[i] = fmt.Sprintf("%q", n)
	}
	f.Hint = fmt.Sprintf("add %s = [%s] (the checks to run before each push) to [sets] in %s", set, strings.Join(names, ", "), config.FileName)
	return []Finding{f}
}

// prePushShim reports whether git runs verdigris's pre-push shim here:
// installed (or older), or run by a team's hook or a hook manager.
func prePushShim(ctx context.Context, c *Context) bool {
	sts, err := hooks.Inspect(ctx, c.Repo)
	if err != nil {
		return false // the hooks area reports it
	}
	runs := func(s hooks.State) bool { return s == hooks.Installed || s == hooks.Outdated }
	for _, st := range sts {
		if st.Name == "pre-push" {
			return runs(st.State) || runs(st.ShimState)
		}
	}
	return false
}
