// Tests of what the actions do on a runner they do not support.

package actions_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/actiontest"
	"github.com/verdigris-dev/verdigris/internal/clitest"
)

// The binaries build and are released for Linux and macOS only. On a
// Windows runner the root action built from source (at a branch ref)
// failed in go build on undefined syscall.Flock, or, at a release tag,
// said to use a branch ref to build from source, which fails so; the
// other actions failed on whatever their bash met first. Each fails in
// its first step, with an error annotation that names the runner and the
// ones to use, and runs nothing else.
func TestEveryActionRefusesAWindowsRunnerFirst(t *testing.T) {
	root := clitest.ModuleRoot()
	paths, err := actiontest.Find(root)
	if err != nil {
		t.Fatal(err)
	}
	repo := tempRepo(t, map[string]string{"toolchain.toml": pinnedToml})
	for _, p := range paths {
		rel, _ := filepath.Rel(root, p)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			a, err := actiontest.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			var used []string
			stand := func(ctx context.Context, c *actiontest.Call) error {
				used = append(used, c.Uses)
				return nil
			}
			inputs := map[string]string{}
			for _, in := range a.Inputs {
				inputs[in.Name] = map[string]string{"identity": "AGE-SECRET-KEY-1X", "version": "1.2.0", "queries": "q.json"}[in.Name]
				if inputs[in.Name] == "" {
					delete(inputs, in.Name)
				}
			}
			res, err := actiontest.Run(context.Background(), a, actiontest.Options{
				Workspace:  repo,
				ProcessEnv: withBinaries(t),
				OS:         "Windows",
				Inputs:     inputs,
				Github:     map[string]any{"event_name": "push", "sha": strings.Repeat("a", 40), "action_ref": "v1.2.0"},
				Uses:       map[string]actiontest.UsesFunc{"actions/setup-go": stand, "actions/cache/restore": stand, "actions/cache/save": stand},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Failed || len(res.Steps) == 0 || res.Steps[0].Outcome != "failure" {
				t.Fatalf("on Windows: failed %v, first step %+v\n%s", res.Failed, res.Steps, res.Log)
			}
			for _, s := range res.Steps[1:] {
				if s.Outcome != "skipped" {
					t.Errorf("step %s %s after the first failed", s.ID, s.Outcome)
				}
			}
			if len(used) > 0 {
				t.Errorf("ran %v", used)
			}
			want := "verdigris's actions run on Linux and macOS runners, not on Windows: run this job on ubuntu-latest or macos-latest"
			if len(res.Annotations) == 0 || res.Annotations[0].Level != "error" || !strings.HasPrefix(res.Annotations[0].Message, want) {
				t.Errorf("annotations %+v; want first an error %q\n%s", res.Annotations, want, res.Log)
			}
		})
	}
	if len(paths) < 5 {
		t.Errorf("found %d actions; want the root one and toolchain, vault, session, scry", len(paths))
	}
}
