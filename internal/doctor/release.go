package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/release"
)

func init() { register(70, "release", checkRelease) }

// checkRelease reads the [release] version files: they must parse, agree
// with each other, and not lag behind the newest release tag (a release
// cut by hand that forgot one of them). A release commit waiting for its
// tag (a git release killed between the two) is warned of.
func checkRelease(ctx context.Context, c *Context) []Finding {
	if c.Repo == nil {
		return []Finding{{Name: "version files", Status: Skip, Detail: c.noRepo()}}
	}
	if c.Repo.Root == "" {
		return []Finding{{Name: "version files", Status: Skip, Detail: "no working tree"}}
	}
	cfg, err := config.Load(c.Repo.Root)
	if errors.Is(err, config.ErrNotFound) {
		// git release runs without the file, with its defaults.
		cfg, err = &config.File{Release: config.Release{Changelog: config.DefaultChangelog, Branch: config.DefaultBranch}}, nil
	}
	if err != nil {
		return nil // the toolchain area reports a broken toolchain.toml
	}
	out := versionFiles(ctx, c, cfg.Release)
	if f, ok := unfinishedRelease(ctx, c, cfg.Release); ok {
		out = append(out, f)
	}
	return out
}

// unfinishedRelease warns of the release git release would finish: its
// commit made, its tag not (the run was killed between them). Doctor said
// "ok" of it, though the release was not out.
func unfinishedRelease(ctx context.Context, c *Context, cfg config.Release) (Finding, bool) {
	if !c.Repo.HasCommits(ctx) {
		return Finding{}, false
	}
	u, err := release.FindUnfinished(ctx, c.Repo, cfg.Changelog)
	if err != nil || u == nil {
		return Finding{}, false
	}
	f := Finding{Name: "release tag", Status: Warn,
		Detail: fmt.Sprintf("release commit %s (%s) has no tag %s: a git release stopped before tagging it", gitrepo.Short(u.Commit.Hash), u.Commit.Subject, u.Version.Tag()),
		Hint:   fmt.Sprintf("run git release again: it tags that commit %s with its changelog section", u.Version.Tag())}
	if !u.AtHead {
		f.Hint += "; the commits after it are left for the next release"
	}
	return f, true
}

// versionFiles is the finding of the [release] version files.
func versionFiles(ctx context.Context, c *Context, cfg config.Release) []Finding {
	if len(cfg.VersionFiles) == 0 {
		return []Finding{{Name: "version files", Status: Skip, Detail: "no [release] version-files in toolchain.toml"}}
	}
	files, err := release.ReadVersions(c.Repo.Root, cfg.VersionFiles)
	if err != nil {
		f := Finding{Name: "version files", Status: Fail, Detail: err.Error(), Hint: "fix [release] version-files in toolchain.toml or the file it names"}
		var re *release.Error
		if errors.As(err, &re) && re.Hint != "" {
			f.Hint = re.Hint
		}
		return []Finding{f}
	}
	// Compared as versions, not strings: a Go constant "v0.2.0" beside a
	// VERSION of 0.2.0 is one version, as git release reads and bumps them.
	versions := map[string][]string{}
	for _, f := range files {
		v := strings.TrimPrefix(f.From, "v")
		versions[v] = append(versions[v], f.Path)
	}
	if len(versions) > 1 {
		var parts []string
		for _, f := range files {
			parts = append(parts, f.Path+" "+f.From)
		}
		return []Finding{{Name: "version files", Status: Warn, Detail: "disagree: " + strings.Join(parts, ", "),
			Hint: "set them to one version by hand and commit; git release then keeps them together"}}
	}
	v := strings.TrimPrefix(files[0].From, "v")
	f := Finding{Name: "version files", Status: OK, Detail: fmt.Sprintf("%s in %s", v, cli.Count(len(files), "file"))}
	cur, tag, err := release.CurrentVersion(ctx, c.Repo)
	if err == nil && tag != "" {
		if have, perr := release.ParseVersion(v); perr == nil && have.Compare(cur) < 0 {
			f.Status = Warn
			f.Detail = fmt.Sprintf("%s in %s, behind the release tag %s", v, cli.Count(len(files), "file"), tag)
			f.Hint = "the release was cut without bumping them: set them to " + cur.String() + " and commit"
		}
	}
	return []Finding{f}
}
