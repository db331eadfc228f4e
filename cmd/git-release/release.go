package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/release"
)

var releaseCmd = &cli.Command{
	Usage: usage,
	Flags: func(fs *pflag.FlagSet) {
		fs.BoolP("dry-run", "n", false, "")
		fs.Bool("push", false, "")
		fs.Bool("json", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("git release", args, 0, 2); err != nil {
			return err
		}
		dryRun, _ := fs.GetBool("dry-run")
		push, _ := fs.GetBool("push")
		asJSON, _ := fs.GetBool("json")
		now, err := releaseTime(env)
		if err != nil {
			return err
		}
		o := release.Options{Push: push, Now: now}
		if len(args) > 0 {
			o.Bump = args[0]
		}
		if len(args) > 1 {
			o.Message = args[1]
		}
		r, err := cli.OpenWorktree(ctx, env)
		if err != nil {
			return err
		}
		cfg, err := config.Load(r.Root)
		switch {
		case errors.Is(err, config.ErrNotFound):
			o.Config = config.Release{Branch: config.DefaultBranch, Changelog: config.DefaultChangelog}
		case err != nil:
			var ce *config.Error
			if errors.As(err, &ce) && ce.Hint != "" {
				return cli.Failf("%s", err).WithHint("%s", ce.Hint)
			}
			return cli.Failf("%s", err).WithHint("fix toolchain.toml and try again")
		default:
			o.Config = cfg.Release
		}
		if !dryRun {
			lock, err := release.Lock(r)
			if err != nil {
				return userError(err)
			}
			defer lock.Unlock()
		}
		plan, err := release.Prepare(ctx, r, o)
		if err != nil {
			if ctx.Err() != nil {
				// What failed is a git the interrupt stopped.
				return cli.Interruptedf("interrupted: nothing was changed").WithHint("run git release again")
			}
			return userError(err)
		}
		for _, w := range plan.Warnings {
			cli.Warnf(env.Stderr, "git-release", "%s", w)
		}
		if dryRun {
			// The files first, as the real run writes them before it tags.
			if err = release.CheckWritable(r, plan); err == nil {
				err = release.CheckSigning(ctx, r, plan)
			}
		} else {
			err = release.Apply(ctx, r, plan)
		}
		if asJSON {
			if jerr := cli.WriteJSON(env.Stdout, struct {
				*release.Plan
				DryRun bool `json:"dry_run"`
			}{plan, dryRun}); jerr != nil {
				return jerr
			}
		} else {
			printPlan(env.Stdout, plan, dryRun)
		}
		if err != nil {
			e := cli.AsError(userError(err))
			if ctx.Err() != nil {
				e.Code = cli.ExitInterrupted
			}
			return e
		}
		if dryRun {
			fmt.Fprintln(env.Stderr, "git-release: dry run: nothing was changed")
		}
		return nil
	},
}

// userError turns the release package's refusals into the CLI's errors.
func userError(err error) error {
	var re *release.Error
	if !errors.As(err, &re) {
		return err
	}
	if re.Usage {
		return cli.Usagef("%s", re.Msg).WithHint("%s", re.Hint)
	}
	return cli.Failf("%s", re.Msg).WithHint("%s", re.Hint)
}

func printPlan(w io.Writer, p *release.Plan, dryRun bool) {
	t := &cli.Table{}
	from := p.Previous
	if p.PreviousTag == "" {
		from += ", no release tag yet"
	}
	t.Row("version", fmt.Sprintf("%s (%s from %s; %s)", p.Version, p.Bump, from, p.Reason))
	if p.TagSigned {
		t.Row("tag", p.Tag+" (signed)")
	} else {
		t.Row("tag", p.Tag)
	}
	branch := p.Branch
	if p.Remote != "" {
		branch += " → " + p.Remote + "/" + strings.TrimPrefix(p.RemoteRef, "refs/heads/")
	}
	t.Row("branch", branch)
	t.Row("commit", p.Message)
	for i, f := range p.Files {
		label := ""
		if i == 0 {
			label = "files"
		}
		switch {
		case f.Kind == "changelog":
			t.Row(label, f.Path+" (new section)")
		case !f.Changed():
			t.Row(label, f.Path+" "+f.From+" (unchanged)")
		default:
			t.Row(label, f.Path+" "+f.From+" → "+f.To)
		}
	}
	switch {
	case p.Tagged:
		t.Row("released", fmt.Sprintf("%s on %s", p.Tag, p.Commit[:min(len(p.Commit), 12)]))
	case p.Commit != "":
		t.Row("made", fmt.Sprintf("commit %s, not tagged %s", p.Commit[:min(len(p.Commit), 12)], p.Tag))
	}
	if p.Pushed {
		t.Row("pushed", fmt.Sprintf("%s and %s to %s", p.Branch, p.Tag, p.Remote))
	}
	t.Write(w)
	if dryRun {
		fmt.Fprintln(w)
		fmt.Fprint(w, cli.PrintableText(p.Notes)) // subjects from the repository, shown, not obeyed
	}
}

// releaseTime is the date the changelog gives the release: now, or
// SOURCE_DATE_EPOCH when set, so a release can be replayed byte for byte.
func releaseTime(env *cli.Env) (time.Time, error) {
	s := env.Env("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Now(), nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, cli.Usagef("SOURCE_DATE_EPOCH=%q is not a number of seconds", s).WithHint("unset it, or set it to a Unix time")
	}
	return time.Unix(sec, 0).UTC(), nil
}
