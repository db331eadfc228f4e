package actions_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/actiontest"
	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/version"
)

// releaseServer serves a release directory tree (<root>/v<X.Y.Z>/…) over
// loopback HTTP, as GitHub's release downloads would, counting requests;
// tamper replaces an archive's bytes while SHA256SUMS stays as built.
type releaseServer struct {
	*httptest.Server
	requests atomic.Int32
	mu       sync.Mutex
	tamper   map[string][]byte // URL path → bytes served instead
}

func newReleaseServer(t *testing.T, root string) *releaseServer {
	s := &releaseServer{tamper: map[string][]byte{}}
	files := http.FileServer(http.Dir(root))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		s.mu.Lock()
		body, ok := s.tamper[r.URL.Path]
		s.mu.Unlock()
		if ok {
			w.Write(body)
			return
		}
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// fakeCache stands in for actions/cache/restore and actions/cache/save:
// saved files are kept in memory by key and restored byte for byte to the
// paths the restore step names (on a runner, the same tool-cache paths;
// here each run has its own temporary directory).
type fakeCache struct {
	mu      sync.Mutex
	entries map[string]map[string][]byte // key → file name → content
	saves   int
}

func newFakeCache() *fakeCache { return &fakeCache{entries: map[string]map[string][]byte{}} }

func paths(with map[string]string) []string {
	var out []string
	for _, p := range strings.Split(with["path"], "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (fc *fakeCache) uses() map[string]actiontest.UsesFunc {
	return map[string]actiontest.UsesFunc{
		"actions/cache/restore": func(ctx context.Context, c *actiontest.Call) error {
			fc.mu.Lock()
			defer fc.mu.Unlock()
			e, ok := fc.entries[c.With["key"]]
			if !ok {
				c.SetOutput("cache-hit", "false")
				return nil
			}
			for _, p := range paths(c.With) {
				data, ok := e[filepath.Base(p)]
				if !ok {
					continue
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					return err
				}
			}
			c.SetOutput("cache-hit", "true")
			return nil
		},
		"actions/cache/save": func(ctx context.Context, c *actiontest.Call) error {
			fc.mu.Lock()
			defer fc.mu.Unlock()
			e := map[string][]byte{}
			for _, p := range paths(c.With) {
				data, err := os.ReadFile(p)
				if err != nil {
					return fmt.Errorf("cache save: %v", err)
				}
				e[filepath.Base(p)] = data
			}
			fc.entries[c.With["key"]] = e
			fc.saves++
			return nil
		},
	}
}

func runnerOS(t *testing.T) (string, string) {
	os := map[string]string{"linux": "Linux", "darwin": "macOS"}[runtime.GOOS]
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	if os == "" || arch == "" {
		t.Skipf("no release archive for %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	return os, arch
}

func rootAction(t *testing.T) *actiontest.Action {
	a, err := actiontest.Load(filepath.Join(clitest.ModuleRoot(), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The root action, run as the runner runs it against a local release
// server holding scripts/release-build.sh's output: a version input or a
// vX.Y.Z ref installs verified, working binaries and caches them; a
// tampered archive, downloaded or restored from the cache, is refused.
func TestRootActionInstallsVerifiedReleaseBinaries(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a release build")
	}
	runnerOSName, runnerArch := runnerOS(t)
	root := clitest.ModuleRoot()
	srvRoot := t.TempDir()
	relDir := filepath.Join(srvRoot, "v"+version.Version)
	build := exec.Command("bash", filepath.Join(root, "scripts", "release-build.sh"), version.Version, relDir)
	build.Env = append(os.Environ(), "VERDIGRIS_RELEASE_TARGETS="+runtime.GOOS+"/"+runtime.GOARCH, "VERDIGRIS_RELEASE_CGO_SCRY=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("release-build.sh: %v\n%s", err, out)
	}
	archive := fmt.Sprintf("verdigris_%s_%s_%s.tar.gz", version.Version, runtime.GOOS, runtime.GOARCH)
	srv := newReleaseServer(t, srvRoot)
	a := rootAction(t)

	run := func(t *testing.T, cache *fakeCache, inputs map[string]string, github map[string]any) (*actiontest.Result, string) {
		t.Helper()
		temp := t.TempDir()
		res, err := actiontest.Run(context.Background(), a, actiontest.Options{
			Workspace: t.TempDir(), Temp: temp, OS: runnerOSName, Arch: runnerArch,
			Inputs: inputs, Github: github, Uses: cache.uses(),
		})
		if err != nil {
			t.Fatal(err)
		}
		return res, filepath.Join(temp, "_tool", "verdigris", version.Version, runtime.GOOS+"_"+runtime.GOARCH)
	}
	works := func(t *testing.T, res *actiontest.Result, dir string) {
		t.Helper()
		if res.Failed {
			t.Fatalf("action failed:\n%s", res.Log)
		}
		bin := filepath.Join(dir, "bin")
		if res.Outputs["bin-dir"] != bin || len(res.Path) != 1 || res.Path[0] != bin {
			t.Fatalf("bin-dir %q, PATH additions %q; want %s", res.Outputs["bin-dir"], res.Path, bin)
		}
		if res.Outputs["source"] != "release" || res.Outputs["version"] != version.Version || res.Outputs["go-version"] != "" {
			t.Errorf("outputs = %v", res.Outputs)
		}
		mains, _ := filepath.Glob(filepath.Join(root, "cmd", "*", "main.go"))
		for _, m := range mains {
			name := filepath.Base(filepath.Dir(m))
			out, err := exec.Command(filepath.Join(bin, name), "--version").Output()
			if err != nil || !strings.HasPrefix(string(out), name+" "+version.Version+" (commit ") {
				t.Errorf("%s --version: %q, %v", name, out, err)
			}
		}
		if !strings.Contains(res.Log, archive+": sha256 ") {
			t.Errorf("no verification in the log:\n%s", res.Log)
		}
	}

	cache := newFakeCache()
	t.Run("version input downloads, verifies and caches", func(t *testing.T) {
		before := srv.requests.Load()
		res, dir := run(t, cache, map[string]string{"version": "v" + version.Version, "base-url": srv.URL}, nil)
		works(t, res, dir)
		if n := srv.requests.Load() - before; n != 2 {
			t.Errorf("%d requests; want SHA256SUMS and the archive", n)
		}
		if cache.saves != 1 {
			t.Errorf("cache saves = %d, want 1", cache.saves)
		}
	})
	t.Run("a cache hit downloads nothing and is verified", func(t *testing.T) {
		before := srv.requests.Load()
		res, dir := run(t, cache, map[string]string{"version": version.Version, "base-url": srv.URL + "/"}, nil)
		works(t, res, dir)
		if n := srv.requests.Load() - before; n != 0 {
			t.Errorf("%d requests on a cache hit", n)
		}
		if cache.saves != 1 || !strings.Contains(res.Log, archive+": from the cache") {
			t.Errorf("saves %d; log:\n%s", cache.saves, res.Log)
		}
	})
	t.Run("a vX.Y.Z action ref installs that release", func(t *testing.T) {
		res, dir := run(t, newFakeCache(), map[string]string{"base-url": srv.URL}, map[string]any{"action_ref": "v" + version.Version})
		works(t, res, dir)
	})

	good, err := os.ReadFile(filepath.Join(relDir, archive))
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), good...)
	bad[len(bad)/2] ^= 0x01
	refused := func(t *testing.T, res *actiontest.Result, dir string, cache *fakeCache) {
		t.Helper()
		if !res.Failed || res.Step("release").Outcome != "failure" {
			t.Fatalf("a tampered archive was not refused:\n%s", res.Log)
		}
		if !annotated(res, "checksum mismatch for "+archive) {
			t.Errorf("no checksum error annotation: %+v\n%s", res.Annotations, res.Log)
		}
		if len(res.Path) != 0 || res.Outputs["bin-dir"] != "" {
			t.Errorf("PATH additions %q, bin-dir %q after a refusal", res.Path, res.Outputs["bin-dir"])
		}
		if _, err := os.Stat(filepath.Join(dir, archive)); !os.IsNotExist(err) {
			t.Errorf("the refused archive was kept: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "bin")); !os.IsNotExist(err) {
			t.Errorf("the refused archive was unpacked: %v", err)
		}
		if cache.saves != 0 {
			t.Errorf("a refused archive was cached")
		}
	}
	t.Run("a tampered download is refused", func(t *testing.T) {
		srv.mu.Lock()
		srv.tamper["/v"+version.Version+"/"+archive] = bad
		srv.mu.Unlock()
		defer func() { srv.mu.Lock(); delete(srv.tamper, "/v"+version.Version+"/"+archive); srv.mu.Unlock() }()
		c := newFakeCache()
		res, dir := run(t, c, map[string]string{"version": version.Version, "base-url": srv.URL}, nil)
		refused(t, res, dir, c)
	})
	t.Run("a tampered cache entry is refused", func(t *testing.T) {
		c := newFakeCache()
		for key, e := range cache.entries {
			c.entries[key] = map[string][]byte{}
			for name, data := range e {
				if name == archive {
					data = bad
				}
				c.entries[key][name] = data
			}
		}
		before := srv.requests.Load()
		res, dir := run(t, c, map[string]string{"version": version.Version, "base-url": srv.URL}, nil)
		refused(t, res, dir, c)
		if n := srv.requests.Load() - before; n != 0 {
			t.Errorf("%d requests: the cache entry was not used", n)
		}
	})
	t.Run("a base-url without a scheme is refused before any download", func(t *testing.T) {
		before := srv.requests.Load()
		hostPath := strings.TrimPrefix(srv.URL, "http://")
		res, _ := run(t, newFakeCache(), map[string]string{"version": version.Version, "base-url": hostPath}, nil)
		if !res.Failed || !annotated(res, "base-url '"+hostPath+"' has no scheme") {
			t.Fatalf("a base-url without a scheme was not refused:\n%s", res.Log)
		}
		if n := srv.requests.Load() - before; n != 0 {
			t.Errorf("%d requests over plain HTTP", n)
		}
		if len(res.Path) != 0 {
			t.Errorf("PATH additions %q", res.Path)
		}
	})
	t.Run("a release that does not exist fails the step", func(t *testing.T) {
		res, _ := run(t, newFakeCache(), map[string]string{"version": "99.0.0", "base-url": srv.URL}, nil)
		if !res.Failed || !annotated(res, "could not download "+srv.URL+"/v99.0.0/SHA256SUMS") {
			t.Fatalf("missing release:\n%s", res.Log)
		}
	})
}

func annotated(res *actiontest.Result, text string) bool {
	for _, a := range res.Annotations {
		if strings.Contains(a.Message, text) {
			return true
		}
	}
	return false
}

// resolve runs the action's resolve step script directly and returns its
// outputs and the log.
func resolve(t *testing.T, env map[string]string) (map[string]string, string, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "output")
	cmd := exec.Command("bash", filepath.Join(clitest.ModuleRoot(), "scripts", "action-release.sh"), "resolve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "GITHUB_OUTPUT=" + out, "RUNNER_TEMP=/tmp/rt", "RUNNER_OS=Linux", "RUNNER_ARCH=X64"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	log, err := cmd.CombinedOutput()
	data, _ := os.ReadFile(out)
	outputs := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			outputs[k] = v
		}
	}
	return outputs, string(log), err
}

func TestRootActionResolvesReleaseOrSource(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want map[string]string
		fail string
	}{
		{"branch ref builds from source", map[string]string{"ACTION_REF": "main"}, map[string]string{"mode": "source"}, ""},
		{"local action builds from source", nil, map[string]string{"mode": "source"}, ""},
		{"pre-release tag builds from source", map[string]string{"ACTION_REF": "v1.2.3-rc.1"}, map[string]string{"mode": "source"}, ""},
		{"release ref", map[string]string{"ACTION_REF": "v1.2.3", "ACTION_REPOSITORY": "o/r", "RUNNER_TOOL_CACHE": "/tc"},
			map[string]string{"mode": "release", "version": "1.2.3", "archive": "verdigris_1.2.3_linux_amd64.tar.gz",
				"url": "https://github.com/o/r/releases/download/v1.2.3", "dir": "/tc/verdigris/1.2.3/linux_amd64", "cache-key": "verdigris-release-1.2.3-linux-amd64"}, ""},
		// github.action_ref and action_repository can be empty in composite
		// actions: the action's checkout path says the same.
		{"ref and repository from the action path", map[string]string{"ACTION_PATH": "/home/runner/work/_actions/acme/verdigris/v2.0.1", "GITHUB_SERVER_URL": "https://ghe.example", "RUNNER_ARCH": "ARM64", "RUNNER_OS": "macOS"},
			map[string]string{"mode": "release", "version": "2.0.1", "archive": "verdigris_2.0.1_darwin_arm64.tar.gz", "url": "https://ghe.example/acme/verdigris/releases/download/v2.0.1", "dir": "/tmp/rt/verdigris/2.0.1/darwin_arm64"}, ""},
		{"version input wins over a branch ref", map[string]string{"ACTION_REF": "main", "VERSION": "v0.9.0", "BASE_URL": "http://127.0.0.1:1/rel/"},
			map[string]string{"mode": "release", "version": "0.9.0", "url": "http://127.0.0.1:1/rel/v0.9.0"}, ""},
		{"bad version", map[string]string{"VERSION": "1.2"}, nil, "::error::version '1.2' is not X.Y.Z"},
		// Workflow-command encoded: the line break would start a
		// command of its own.
		{"version with a line break", map[string]string{"VERSION": "1.2\n::warning::injected"}, nil, "::error::version '1.2%0A::warning::injected' is not X.Y.Z"},
		// curl and wget fetch a URL without a scheme over plain HTTP, where
		// anyone on the way can swap the archive and SHA256SUMS alike.
		{"base-url without a scheme", map[string]string{"VERSION": "1.2.3", "BASE_URL": "mirror.example.com/verdigris"}, nil, "::error::base-url 'mirror.example.com/verdigris' has no scheme"},
		{"base-url with another scheme", map[string]string{"VERSION": "1.2.3", "BASE_URL": "ftp://mirror.example.com/verdigris"}, nil, "::error::base-url 'ftp://mirror.example.com/verdigris' is not an https://"},
		{"base-url with a line break", map[string]string{"VERSION": "1.2.3", "BASE_URL": "https://a.example\n::warning::injected"}, nil, "::error::base-url 'https://a.example%0A::warning::injected' is not one URL"},
		{"https base-url", map[string]string{"VERSION": "1.2.3", "BASE_URL": "https://mirror.example.com/verdigris"}, map[string]string{"url": "https://mirror.example.com/verdigris/v1.2.3"}, ""},
		{"local mirror", map[string]string{"VERSION": "1.2.3", "BASE_URL": "file:///srv/mirror"}, map[string]string{"url": "file:///srv/mirror/v1.2.3"}, ""},
		{"unsupported OS", map[string]string{"VERSION": "1.2.3", "RUNNER_OS": "Windows"}, nil, "::error::no release archive for runner OS 'Windows'"},
		{"unsupported architecture", map[string]string{"VERSION": "1.2.3", "RUNNER_ARCH": "ARM"}, nil, "::error::no release archive for runner architecture 'ARM'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, log, err := resolve(t, c.env)
			for _, l := range strings.Split(log, "\n") {
				if strings.HasPrefix(l, "::warning::") {
					t.Fatalf("a line break in an input started a workflow command of its own:\n%s", log)
				}
			}
			if c.fail != "" {
				if err == nil || !strings.Contains(log, c.fail) {
					t.Fatalf("err %v, log:\n%s", err, log)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, log)
			}
			for k, v := range c.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}
