package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/config"
	"github.com/verdigris-dev/verdigris/internal/release"
)

func init() { register(70, "release", checkRelease) }

// checkRelease reads the [release] version files: they must parse, agree
// with each other, and not lag behind the newest release tag (a release
// cut by hand that forgot one of them).
func checkRelease(ctx context.Context, c *Context) []Finding {
	if c.Repo == nil {
		return []Finding{{Name: "version files", Status: Skip, Detail: c.noRepo()}}
	}
	if c.Repo.Root == "" {
		return []Finding{{Name: "version files", Status: Skip, Detail: "no working tree"}}
	}
	cfg, err := config.Load(c.Repo.Root)
	if errors.Is(err, config.ErrNotFound) || (err == nil && len(cfg.Release.VersionFiles) == 0) {
		return []Finding{{Name: "version files", Status: Skip, Detail: "no [release] version-files in toolchain.toml"}}
	}
	if err != nil {
		return nil // the toolchain area reports a broken toolchain.toml
	}
	files, err := release.ReadVersions(c.Repo.Root, cfg.Release.VersionFiles)
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
