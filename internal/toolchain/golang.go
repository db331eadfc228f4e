package toolchain

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The Go probe answers "which Go would `go build` use here" without
// running go in a way that could switch toolchains: go itself, under the
// default GOTOOLCHAIN=auto, downloads the toolchain a go.mod asks for
// before doing anything. So the local go is asked only for its own
// version and settings (GOTOOLCHAIN=local, outside any module), and the
// selection rules of https://go.dev/doc/toolchain are applied here:
//
//   - GOTOOLCHAIN comes from the environment, else the go env file
//     (go env -w), else $GOROOT/go.env; unset means auto (= local+auto).
//   - local, or a name such as go1.26.8, without +auto/+path: that
//     toolchain, never another.
//   - NAME+auto or NAME+path: NAME (or the local go) unless the main
//     module's go.mod (or the go.work in use) asks for newer: first its
//     toolchain line, then its go line (a language version such as 1.22
//     means its first release, go1.22.0).

// goMod holds the go and toolchain lines of a go.mod or go.work.
type goMod struct {
	File          string // relative to the root
	Go            string
	GoLine        int
	Toolchain     string // without the "go" prefix; "" when absent or "default"
	ToolchainLine int
	// ToolchainDefault is "toolchain default": go runs the toolchain
	// GOTOOLCHAIN names and never switches for this module, not even
	// for a newer go line (which it refuses to build).
	ToolchainDefault bool
}

func readGoMod(root, name string) (*goMod, error) {
	f, err := os.Open(filepath.Join(root, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := &goMod{File: name}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			continue
		}
		switch fields[0] {
		case "go":
			m.Go, m.GoLine = fields[1], n
		case "toolchain":
			if fields[1] == "default" {
				m.Toolchain, m.ToolchainLine, m.ToolchainDefault = "", n, true
			} else {
				m.Toolchain, m.ToolchainLine, m.ToolchainDefault = normalize(fields[1]), n, false
			}
		}
	}
	return m, sc.Err()
}

// mainGoMod returns the file whose go and toolchain lines select the
// toolchain at the root: the go.work in use, else go.mod; nil if neither.
func mainGoMod(e *Env) *goMod {
	gowork := e.getenv("GOWORK")
	switch {
	case gowork == "off":
	case gowork != "":
		if rel, err := filepath.Rel(e.Root, gowork); err == nil && !strings.HasPrefix(rel, "..") {
			if m, err := readGoMod(e.Root, rel); err == nil {
				return m
			}
		}
	default:
		if m, err := readGoMod(e.Root, "go.work"); err == nil {
			return m
		}
	}
	if m, err := readGoMod(e.Root, "go.mod"); err == nil {
		return m
	}
	return nil
}

type goEnv struct {
	GOVERSION, GOROOT, GOENV, GOMODCACHE, GOOS, GOARCH string
}

func probeGo(ctx context.Context, e *Env) Found {
	path, err := e.lookPath("go")
	if err != nil {
		return Found{Source: "PATH", Missing: true, Detail: "go not on PATH"}
	}
	// Outside any module and with GOTOOLCHAIN=local, go answers with its
	// own version and cannot switch.
	tmp, err := os.MkdirTemp("", "git-toolchain-go-")
	if err != nil {
		return Found{Path: path, Err: err}
	}
	defer os.RemoveAll(tmp)
	out, err := e.output(ctx, tmp, []string{"GOTOOLCHAIN=local", "GO111MODULE=off", "GOWORK=off", "GOFLAGS="},
		path, "env", "-json", "GOVERSION", "GOROOT", "GOENV", "GOMODCACHE", "GOOS", "GOARCH")
	if err != nil {
		return Found{Path: path, Err: err}
	}
	var ge goEnv
	if err := json.Unmarshal([]byte(out), &ge); err != nil {
		return Found{Path: path, Err: fmt.Errorf("go env -json: %v", err)}
	}
	local := ""
	if vs := versionsIn(ge.GOVERSION); len(vs) > 0 {
		local = normalize(vs[0])
	}
	setting, from := goToolchainSetting(e, ge)
	f := selectGo(local, setting, from, mainGoMod(e))
	f.Path = path
	if f.Version != "" && f.Version != local && f.Err == nil {
		f.Detail = switchDetail(e, ge, f.Version, setting)
	}
	return f
}

// goToolchainSetting returns GOTOOLCHAIN and where it was set.
func goToolchainSetting(e *Env, ge goEnv) (value, from string) {
	if v := e.getenv("GOTOOLCHAIN"); v != "" {
		return v, "GOTOOLCHAIN"
	}
	if v := envFileValue(ge.GOENV, "GOTOOLCHAIN"); v != "" {
		return v, "GOTOOLCHAIN (go env -w)"
	}
	if v := envFileValue(filepath.Join(ge.GOROOT, "go.env"), "GOTOOLCHAIN"); v != "" {
		return v, "GOTOOLCHAIN ($GOROOT/go.env)"
	}
	return "auto", "GOTOOLCHAIN default"
}

func envFileValue(path, key string) string {
	if path == "" || path == "off" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	val := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && strings.TrimSpace(k) == key {
			val = strings.TrimSpace(v)
		}
	}
	return val
}

// selectGo applies the go command's toolchain selection.
func selectGo(local, setting, from string, mod *goMod) Found {
	name, mode, _ := strings.Cut(setting, "+")
	switch setting {
	case "auto":
		name, mode = "local", "auto"
	case "path":
		name, mode = "local", "path"
	}
	var f Found
	switch {
	case name == "local":
		f.Version, f.Source = local, "PATH"
		if from == "GOTOOLCHAIN" {
			// As the environment spells it: GOTOOLCHAIN=auto was shown
			// as local, which it is not.
			f.Source = "PATH (GOTOOLCHAIN=" + setting + ")"
		}
	case strings.HasPrefix(name, "go") && parseGo(name).ok:
		f.Version, f.Source = normalize(name), "GOTOOLCHAIN"
	default:
		f.Err = fmt.Errorf("invalid GOTOOLCHAIN %q (from %s)", setting, from)
		return f
	}
	if mode != "" && mode != "auto" && mode != "path" {
		f.Err = fmt.Errorf("invalid GOTOOLCHAIN %q (from %s)", setting, from)
		return f
	}
	if mod == nil {
		return f
	}
	if mode == "" || mod.ToolchainDefault {
		// A fixed toolchain never switches, nor does any for a module
		// that says "toolchain default"; go refuses to build a module
		// that needs a newer one.
		if mod.Go != "" && compareGo(mod.Go, f.Version) > 0 {
			f.Detail = fmt.Sprintf("%s needs go >= %s; go will refuse to build it", mod.File, mod.Go)
		}
		return f
	}
	if mod.Toolchain != "" && compareGo(mod.Toolchain, f.Version) > 0 {
		f.Version, f.Source = mod.Toolchain, mod.File+" toolchain"
	}
	if mod.Go != "" && compareGo(mod.Go, f.Version) > 0 {
		v := normalize(mod.Go)
		if isGoLang(v) {
			v += ".0"
		}
		f.Version, f.Source = v, mod.File+" go"
	}
	return f
}

// switchDetail says what the go command would have to do to run a
// toolchain other than the local one.
func switchDetail(e *Env, ge goEnv, version, setting string) string {
	if _, err := e.lookPath("go" + version); err == nil {
		return "go" + version + " from PATH"
	}
	if strings.HasSuffix(setting, "+path") || setting == "path" {
		return "go" + version + " is not on PATH: go will fail (GOTOOLCHAIN=" + setting + ")"
	}
	if ge.GOMODCACHE != "" {
		dir := filepath.Join(ge.GOMODCACHE, "golang.org", fmt.Sprintf("toolchain@v0.0.1-go%s.%s-%s", version, ge.GOOS, ge.GOARCH))
		if _, err := os.Stat(dir); err == nil {
			return "go" + version + " from the module cache"
		}
	}
	return "go would download go" + version
}
