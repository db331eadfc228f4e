package toolchain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSelectGoFollowsGOTOOLCHAINRules(t *testing.T) {
	mod := func(goLine, tc string) *goMod { return &goMod{File: "go.mod", Go: goLine, Toolchain: tc} }
	for _, c := range []struct {
		name, local, setting, from string
		mod                        *goMod
		version, source, detail    string
	}{
		{"auto without module", "1.26.8", "auto", "GOTOOLCHAIN default", nil, "1.26.8", "PATH", ""},
		{"auto, older go line", "1.26.8", "auto", "GOTOOLCHAIN default", mod("1.22", ""), "1.26.8", "PATH", ""},
		{"auto, newer toolchain line", "1.26.8", "auto", "GOTOOLCHAIN default", mod("1.22", "1.27.1"), "1.27.1", "go.mod toolchain", ""},
		{"auto, older toolchain line", "1.26.8", "auto", "GOTOOLCHAIN default", mod("1.22", "1.25.0"), "1.26.8", "PATH", ""},
		{"auto, newer go line is its first release", "1.26.8", "auto", "GOTOOLCHAIN default", mod("1.27", ""), "1.27.0", "go.mod go", ""},
		{"go line beats an older toolchain line", "1.21.0", "auto", "GOTOOLCHAIN default", mod("1.23.2", "1.22.0"), "1.23.2", "go.mod go", ""},
		{"local never switches", "1.26.8", "local", "GOTOOLCHAIN", mod("1.22", "1.27.1"), "1.26.8", "PATH (GOTOOLCHAIN=local)", ""},
		// The source names the setting as the environment spells it: auto
		// and path are not local.
		{"auto from the environment", "1.26.8", "auto", "GOTOOLCHAIN", mod("1.22", ""), "1.26.8", "PATH (GOTOOLCHAIN=auto)", ""},
		{"path from the environment", "1.26.8", "path", "GOTOOLCHAIN", mod("1.22", ""), "1.26.8", "PATH (GOTOOLCHAIN=path)", ""},
		{"local+auto from the environment", "1.26.8", "local+auto", "GOTOOLCHAIN", nil, "1.26.8", "PATH (GOTOOLCHAIN=local+auto)", ""},
		{"local from go.env", "1.26.8", "local", "GOTOOLCHAIN ($GOROOT/go.env)", mod("", "1.27.1"), "1.26.8", "PATH", ""},
		{"a named toolchain", "1.26.8", "go1.25.3", "GOTOOLCHAIN", mod("1.22", "1.27.1"), "1.25.3", "GOTOOLCHAIN", ""},
		{"a named toolchain too old for the module", "1.26.8", "go1.21.0", "GOTOOLCHAIN", mod("1.22", ""), "1.21.0", "GOTOOLCHAIN", "go.mod needs go >= 1.22"},
		{"name+auto upgrades", "1.26.8", "go1.25.0+auto", "GOTOOLCHAIN", mod("1.22", "1.25.5"), "1.25.5", "go.mod toolchain", ""},
		{"name+auto keeps a newer name", "1.26.8", "go1.27.0+auto", "GOTOOLCHAIN", mod("1.22", "1.25.5"), "1.27.0", "GOTOOLCHAIN", ""},
		{"path mode", "1.26.8", "path", "GOTOOLCHAIN", mod("1.22", "1.27.1"), "1.27.1", "go.mod toolchain", ""},
		// "toolchain default": go runs the toolchain GOTOOLCHAIN names and
		// never switches for the module, whose newer go line it refuses.
		{"toolchain default never switches", "1.26.8", "auto", "GOTOOLCHAIN default", &goMod{File: "go.mod", Go: "1.27", ToolchainDefault: true}, "1.26.8", "PATH", "go.mod needs go >= 1.27; go will refuse"},
		{"toolchain default keeps name+auto's name", "1.26.8", "go1.25.0+auto", "GOTOOLCHAIN", &goMod{File: "go.mod", Go: "1.25.4", ToolchainDefault: true}, "1.25.0", "GOTOOLCHAIN", "go.mod needs go >= 1.25.4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := selectGo(c.local, c.setting, c.from, c.mod)
			if f.Err != nil {
				t.Fatal(f.Err)
			}
			if f.Version != c.version || f.Source != c.source || !strings.Contains(f.Detail, c.detail) {
				t.Errorf("got %s from %q (%q); want %s from %q (%q)", f.Version, f.Source, f.Detail, c.version, c.source, c.detail)
			}
		})
	}
	for _, bad := range []string{"asdf", "go1.22+sometimes", "1.22"} {
		if f := selectGo("1.26.8", bad, "GOTOOLCHAIN", nil); f.Err == nil {
			t.Errorf("GOTOOLCHAIN=%s accepted", bad)
		}
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestMainGoModPrefersGoWork(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module x // comment\n\ngo 1.22\ntoolchain go1.23.0\n")
	e := &Env{Root: root, Getenv: func(string) string { return "" }}
	m := mainGoMod(e)
	if m.File != "go.mod" || m.Go != "1.22" || m.GoLine != 3 || m.Toolchain != "1.23.0" || m.ToolchainLine != 4 {
		t.Fatalf("go.mod: %+v", m)
	}
	writeFile(t, filepath.Join(root, "go.work"), "go 1.24.0\n\nuse .\n")
	if m := mainGoMod(e); m.File != "go.work" || m.Go != "1.24.0" {
		t.Fatalf("go.work not used: %+v", m)
	}
	e.Getenv = func(k string) string {
		if k == "GOWORK" {
			return "off"
		}
		return ""
	}
	if m := mainGoMod(e); m.File != "go.mod" {
		t.Fatalf("GOWORK=off: %+v", m)
	}
}

func TestReadGoModToolchainDefault(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module x\n\ngo 1.27\n\ntoolchain default\n")
	m, err := readGoMod(root, "go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if !m.ToolchainDefault || m.Toolchain != "" || m.Go != "1.27" {
		t.Fatalf("got %+v", m)
	}
}

// The go command must never be run in a way that makes it fetch the
// toolchain a go.mod asks for: with the proxy off such a fetch would
// fail, and the probe would report an error instead of the version.
func TestProbeGoDoesNotSwitchOrDownload(t *testing.T) {
	if _, err := (&Env{}).lookPath("go"); err != nil {
		t.Skip("go not on PATH")
	}
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module x\n\ngo 1.999\n")
	vars := map[string]string{"GOTOOLCHAIN": "auto", "GOPROXY": "off", "PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME")}
	e := &Env{
		Root:    root,
		Getenv:  func(k string) string { return vars[k] },
		Environ: func() []string { return append(os.Environ(), "GOTOOLCHAIN=auto", "GOPROXY=off") },
	}
	f := probeGo(context.Background(), e)
	if f.Err != nil {
		t.Fatalf("probe failed: %v", f.Err)
	}
	if f.Version != "1.999.0" || f.Source != "go.mod go" || !strings.Contains(f.Detail, "download go1.999.0") {
		t.Fatalf("got %+v", f)
	}

	vars["GOTOOLCHAIN"] = "go1.998.1"
	f = probeGo(context.Background(), e)
	if f.Version != "1.998.1" || f.Source != "GOTOOLCHAIN" {
		t.Fatalf("GOTOOLCHAIN=go1.998.1: got %+v", f)
	}
}

func TestGoToolchainSettingFromEnvFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "env"), "GOPROXY=off\nGOTOOLCHAIN=go1.25.0+auto\n")
	writeFile(t, filepath.Join(dir, "root", "go.env"), "GOTOOLCHAIN=auto\n")
	e := &Env{Getenv: func(string) string { return "" }}
	v, from := goToolchainSetting(e, goEnv{GOENV: filepath.Join(dir, "env"), GOROOT: filepath.Join(dir, "root")})
	if v != "go1.25.0+auto" || from != "GOTOOLCHAIN (go env -w)" {
		t.Fatalf("got %q from %q", v, from)
	}
	v, from = goToolchainSetting(e, goEnv{GOENV: "off", GOROOT: filepath.Join(dir, "root")})
	if v != "auto" || from != "GOTOOLCHAIN ($GOROOT/go.env)" {
		t.Fatalf("got %q from %q", v, from)
	}
}
