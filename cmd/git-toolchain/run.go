package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/toolchain"
)

var runCmd = &cli.Command{
	Name: "run",
	Usage: `Usage: git toolchain run SET [-v] [-j N] [--missing-ok] [--json] [--github]

Run the checks of SET (a key of [sets] in toolchain.toml) from the
repository root, each with sh -c. Independent checks run in parallel; a
check with after = [...] waits for those checks (when they are in the set)
and is blocked if one of them fails; a check with parallel = false runs
alone, and checks listed after it wait for it. Each check's output is kept
and shown when it fails or is interrupted (with -v, always), then a summary
table with each status and duration is printed.

VERDIGRIS_SKIP=a,b skips the named checks (shown as skipped; commas, blanks
or line breaks between names). Checks see
VERDIGRIS_CHECK=NAME, and not the GIT_DIR-style variables a git hook runs
with. Ctrl-C (also SIGTERM, SIGHUP unless ignored as by nohup, SIGQUIT)
stops every running check's process group.

Exits 1 naming the checks that failed, or for a set that lists no
check; 2 for an unknown set; 130 when Ctrl-C stopped it (143 SIGTERM).

Flags:
  -v, --verbose      show the output of every check, not only failures
  -j, --jobs N       run at most N checks at once (default: number of CPUs)
      --missing-ok   a set (or toolchain.toml) that does not exist, or a set
                     that lists no check, is not an error (used by the
                     pre-push hook); a set of a near name (pre_push) is
                     still an error, at its line
      --json         print the results, output included, as JSON (with
                     --missing-ok and nothing to run, a run of no check)
      --github       also write error annotations, log groups and a
                     step-summary table (inside GitHub Actions)
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.BoolP("verbose", "v", false, "")
		fs.IntP("jobs", "j", runtime.NumCPU(), "")
		fs.Bool("missing-ok", false, "")
		fs.Bool("json", false, "")
		fs.Bool("github", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git toolchain run", args, 1, 1); err != nil {
			return err
		}
		set := args[0]
		verbose, _ := fs.GetBool("verbose")
		jobs, _ := fs.GetInt("jobs")
		missingOK, _ := fs.GetBool("missing-ok")
		asJSON, _ := fs.GetBool("json")
		github, _ := fs.GetBool("github")
		if err := exclusive(asJSON, github); err != nil {
			return err
		}
		if jobs < 1 {
			return cli.Usagef("--jobs must be at least 1").WithHint("run 'git toolchain run --help' for usage")
		}
		r, err := cli.OpenWorktree(ctx, env)
		if err != nil {
			return err
		}
		// With --missing-ok, nothing to run is a run of no check: --json
		// prints it as one, as a script reading stdout needs JSON.
		nothing := func(why string) error {
			fmt.Fprintf(env.Stderr, "git-toolchain: %s; nothing to run\n", why)
			if asJSON {
				return cli.WriteJSON(env.Stdout, map[string]any{"set": set, "ok": true, "checks": []toolchain.CheckResult{}})
			}
			return nil
		}
		cfg, err := config.Load(r.Root)
		if err != nil {
			if missingOK && isNotFound(err) {
				return nothing(err.Error())
			}
			return configError(err)
		}
		names, ok := cfg.Sets[set]
		if !ok {
			if missingOK {
				if err := nearSet(cfg, set); err != nil {
					return err
				}
				return nothing(fmt.Sprintf("no set %q in %s", set, config.FileName))
			}
			return unknownSet(cfg, set)
		}
		if len(names) == 0 {
			// It passed with a table of no rows: a CI step that checked
			// nothing, green. Refused here, not when the file is read,
			// so the other sets and commands still work; the hook's
			// --missing-ok takes it as a set deliberately emptied.
			if missingOK {
				return nothing(fmt.Sprintf("set %q in %s runs no check", set, config.FileName))
			}
			return emptySet(cfg, set)
		}
		var gh *ghaction.Action
		if github {
			gh = ghaction.New(env.Stdout, env.Env)
		}
		skip := toolchain.SplitSkip(env.Env("VERDIGRIS_SKIP"))
		for _, s := range skip {
			if _, ok := cfg.Checks[s]; !ok {
				// The check meant still runs, and may fail the push the
				// variable was to let through: name it, in the run's
				// summary too, where the log is not read.
				meant := ""
				if near := cli.Nearest(s, cfg.CheckNames()); near != "" {
					meant = "; did you mean " + near + "?"
				}
				msg := fmt.Sprintf("VERDIGRIS_SKIP names %q, which is not a check in %s%s", s, config.FileName, meant)
				cli.Warnf(env.Stderr, "git-toolchain", "%s", msg)
				if gh != nil {
					gh.Warningf("%s", msg)
				}
			}
		}
		// Each check runs in a session of its own, out of reach of the
		// terminal's SIGHUP (closed under a push) and Ctrl-\'s SIGQUIT:
		// git-toolchain died of them and left its checks running. They
		// stop the run as Ctrl-C does. A SIGHUP ignored from the start
		// (nohup) stays so: asking for it would install a handler, and
		// the run was cancelled when the terminal it was meant to outlive
		// closed.
		sigs := []os.Signal{syscall.SIGQUIT}
		if !signal.Ignored(syscall.SIGHUP) {
			sigs = append(sigs, syscall.SIGHUP)
		}
		ctx, stop := cli.StopOn(ctx, sigs...)
		defer stop()
		results := toolchain.RunChecks(ctx, cfg, names, toolchain.RunOptions{
			Root: r.Root,
			Jobs: jobs,
			Skip: skip,
			Env:  os.Environ(),
			Done: func(res toolchain.CheckResult) {
				if !asJSON {
					reportCheck(env, gh, res, verbose, workspacePath(env, r.Root, cfg.Path), cfg.Checks[res.Name])
				}
			},
		})
		if asJSON {
			if err := cli.WriteJSON(env.Stdout, map[string]any{"set": set, "ok": failed(results) == nil, "checks": results}); err != nil {
				return err
			}
		} else if err := summary(env, cfg, set, results).Write(env.Stdout); err != nil {
			return err
		}
		if gh != nil {
			if err := gh.Summary("### git toolchain run " + set + "\n\n" + summary(nil, cfg, set, results).Markdown() + "\n"); err != nil {
				return githubWriteError(err)
			}
		}
		if ctx.Err() != nil {
			return cli.Interruptedf("interrupted; running checks were stopped").
				WithHint("run 'git toolchain run %s' again to run them; the table above shows what finished", cli.ShellWord(set))
		}
		if bad := failed(results); bad != nil {
			var failedNames, blocked []string
			for _, r := range results {
				switch r.Status {
				case toolchain.Blocked:
					blocked = append(blocked, r.Name)
				case toolchain.Fail, toolchain.Cancelled:
					failedNames = append(failedNames, r.Name)
				}
			}
			word := "check"
			if len(failedNames) > 1 {
				word = "checks"
			}
			msg := fmt.Sprintf("%s %s failed in set %s", word, strings.Join(failedNames, ", "), set)
			if len(blocked) > 0 {
				msg += "; not run because of it: " + strings.Join(blocked, ", ")
			}
			// Every failed check, as VERDIGRIS_SKIP takes them: naming the
			// first only, a push with it failed on the next.
			them := failedNames[0]
			if len(failedNames) > 1 {
				them = "them"
			}
			// Inside the pre-push hook, which every shim has run as
			// 'run --missing-ok pre-push' (git marks a hook's run with no
			// variable of its own), the run to skip them in is the push.
			if missingOK && set == "pre-push" {
				return cli.Failf("%s", msg).
					WithHint("fix and re-run 'git toolchain run %s'; 'VERDIGRIS_SKIP=%s git push' skips %s for this push", set, strings.Join(failedNames, ","), them)
			}
			return cli.Failf("%s", msg).
				WithHint("fix and re-run 'git toolchain run %s'; VERDIGRIS_SKIP=%s skips %s for one run", set, strings.Join(failedNames, ","), them)
		}
		return nil
	},
}

func exclusive(asJSON, github bool) error {
	if asJSON && github {
		return cli.Usagef("--json and --github cannot be combined").WithHint("--github writes workflow commands to stdout, where they would break the JSON")
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, config.ErrNotFound) }

func unknownSet(cfg *config.File, set string) error {
	var sets []string
	for s := range cfg.Sets {
		sets = append(sets, s)
	}
	sort.Strings(sets)
	e := cli.Usagef("no set %q in %s", set, config.FileName)
	// A check's name is the likely mistake ('run test'): listing the sets
	// alone read as if the check were not defined.
	if _, ok := cfg.Checks[set]; ok {
		var in []string
		for _, s := range sets {
			if slices.Contains(cfg.Sets[s], set) {
				in = append(in, s)
			}
		}
		if len(in) > 0 {
			return e.WithHint("%s is a check, not a set; the sets that run it: %s", set, strings.Join(in, ", "))
		}
		if len(sets) == 0 {
			return e.WithHint("%s is a check, not a set; add a [sets] table, e.g. %s = [%q]", set, config.KeyPath(set), set)
		}
		return e.WithHint("%s is a check, not a set, and no set runs it; add it to one in [sets] (sets defined: %s)", set, strings.Join(sets, ", "))
	}
	if len(sets) == 0 {
		return e.WithHint("add a [sets] table, e.g. %s = [\"check-name\", …]", config.KeyPath(set))
	}
	if near := cli.Nearest(set, sets); near != "" {
		return e.WithHint("did you mean %s? (sets defined: %s)", near, strings.Join(sets, ", "))
	}
	return e.WithHint("sets defined: %s", strings.Join(sets, ", "))
}

// nearSet refuses, for --missing-ok, a set that is not defined where a
// set of a near name is (pre_push, prepush, Pre-Push for pre-push): a
// typo in toolchain.toml, which let every push through with none of the
// set's checks run, one line on stderr saying nothing was run. It fails
// at that set's line, as a toolchain.toml that does not parse fails the
// hook. nil when no set is that near.
func nearSet(cfg *config.File, set string) error {
	sets := make([]string, 0, len(cfg.Sets))
	for s := range cfg.Sets {
		sets = append(sets, s)
	}
	sort.Strings(sets)
	near := cli.Nearest(set, sets)
	if near == "" {
		return nil
	}
	err := &config.Error{Path: cfg.Path, Line: cfg.Line(config.KeyPath("sets", near)), Key: config.KeyPath("sets", near), Msg: fmt.Sprintf("did you mean %s? (no set is named %q, which was asked for)", set, set)}
	return cli.Failf("%s", err).WithHint("rename the set to %s in %s so that its checks run; nothing was run", set, config.FileName)
}

func emptySet(cfg *config.File, set string) error {
	example := `"check-name", …`
	if names := cfg.CheckNames(); len(names) > 0 {
		example = fmt.Sprintf("%q", names[0])
	}
	err := &config.Error{Path: cfg.Path, Line: cfg.Line(config.KeyPath("sets", set)), Key: config.KeyPath("sets", set), Msg: "runs no check"}
	return cli.Failf("%s", err).WithHint("list the checks it runs (%s = [%s]), or remove it", config.KeyPath(set), example)
}

// failed names the checks that failed, were blocked or were cancelled.
func failed(results []toolchain.CheckResult) []string {
	var out []string
	for _, r := range results {
		if r.Status != toolchain.Pass && r.Status != toolchain.Skipped {
			out = append(out, r.Name)
		}
	}
	return out
}

// reportCheck prints a finished check to stderr: one line, and its output
// when it failed (or always with -v). Inside GitHub Actions the output
// goes in a collapsible group and a failure gets an annotation.
func reportCheck(env *cli.Env, gh *ghaction.Action, r toolchain.CheckResult, verbose bool, file string, c *config.Check) {
	color := env.Color(env.Stderr)
	line := fmt.Sprintf("%s %s", paint(color, r.Status, strings.ToUpper(r.Status)), r.Name)
	if r.Status == toolchain.Pass || r.Status == toolchain.Fail || r.Status == toolchain.Cancelled && r.Duration > 0 {
		line += " (" + duration(r.Duration) + ")"
	}
	if r.Reason != "" {
		line += ": " + r.Reason
	} else if r.Status == toolchain.Fail && r.ExitCode > 0 {
		line += ": " + toolchain.ExitStatus(r.ExitCode)
	}
	// A check stopped by Ctrl-C is most often one that hung: what it
	// printed says where, and was dropped unless -v was given.
	show := (verbose || r.Status == toolchain.Fail || r.Status == toolchain.Cancelled) && r.Output != ""
	if gh != nil {
		if show {
			gh.Group(line)
			fmt.Fprint(env.Stdout, withNewline(r.Output))
			gh.EndGroup()
		} else {
			fmt.Fprintln(env.Stdout, line)
		}
		if r.Status == toolchain.Fail {
			// On the check's line of toolchain.toml, as the README says;
			// with the reason (the signal that killed it), which the
			// annotation shows on its own in a pull request.
			msg := fmt.Sprintf("check %s failed (exit %d)", r.Name, r.ExitCode)
			if r.Reason != "" {
				msg += ": " + r.Reason
			}
			if c != nil && c.Line > 0 {
				gh.ErrorAt(file, c.Line, "%s", msg)
			} else {
				gh.Errorf("%s", msg)
			}
		}
		return
	}
	fmt.Fprintln(env.Stderr, line)
	if show {
		for _, l := range strings.Split(strings.TrimRight(r.Output, "\n"), "\n") {
			fmt.Fprintln(env.Stderr, "    "+l)
		}
	}
}

func withNewline(s string) string {
	if s == "" || strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

func summary(env *cli.Env, cfg *config.File, set string, results []toolchain.CheckResult) *cli.Table {
	color := env != nil && env.Color(env.Stdout)
	t := &cli.Table{}
	t.Row("CHECK", "STATUS", "DURATION")
	for _, r := range results {
		d := "-"
		if r.Status == toolchain.Pass || r.Status == toolchain.Fail || r.Duration > 0 {
			d = duration(r.Duration)
		}
		status := paintStatus(color, r.Status)
		if r.Reason != "" && r.Status != toolchain.Fail {
			status += " (" + r.Reason + ")"
		}
		t.Row(r.Name, status, d)
	}
	return t
}
