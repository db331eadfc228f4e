package toolchain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRust puts rustup, rustc and cargo stand-ins on a PATH: rustc answers
// with the version of the toolchain rustup would select, or fails as
// rustup does when that toolchain is not installed, and records the
// RUSTUP_AUTO_INSTALL it was run with.
func fakeRust(t *testing.T, installed string) (bin, log string) {
	bin = t.TempDir()
	log = filepath.Join(t.TempDir(), "log")
	writeFile(t, filepath.Join(bin, "rustup"), "#!/bin/sh\nexit 0\n")
	script := `#!/bin/sh
echo "auto-install=$RUSTUP_AUTO_INSTALL" >> ` + log + `
want=${RUSTUP_TOOLCHAIN:-}
if [ -z "$want" ] && [ -f rust-toolchain.toml ]; then want=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml); fi
if [ -n "$want" ] && [ "$want" != "` + installed + `" ]; then
	echo "error: toolchain '$want-x86_64-unknown-linux-gnu' is not installed" >&2; exit 1
fi
echo "$(basename "$0") ` + installed + ` (abcdef 2025-08-04)"
`
	writeFile(t, filepath.Join(bin, "rustc"), script)
	writeFile(t, filepath.Join(bin, "cargo"), script)
	return bin, log
}

func rustEnv(root, bin string, vars map[string]string) *Env {
	vars["PATH"] = bin + ":/usr/bin:/bin"
	vars["HOME"] = root
	return &Env{Root: root, Getenv: func(k string) string { return vars[k] }, Environ: func() []string {
		env := []string{}
		for k, v := range vars {
			env = append(env, k+"="+v)
		}
		return env
	}}
}

func TestProbeRustNamesTheSourceAndNeverInstalls(t *testing.T) {
	bin, log := fakeRust(t, "1.89.0")
	root := t.TempDir()

	f := probeRust(context.Background(), rustEnv(root, bin, map[string]string{}))
	if f.Version != "1.89.0" || f.Source != "PATH (rustup default)" {
		t.Errorf("default: %+v", f)
	}

	writeFile(t, filepath.Join(root, "rust-toolchain.toml"), "[toolchain]\nchannel = \"1.89.0\"\ncomponents = [\"clippy\"]\n")
	f = probeRust(context.Background(), rustEnv(root, bin, map[string]string{}))
	if f.Version != "1.89.0" || f.Source != "rust-toolchain.toml" {
		t.Errorf("file: %+v", f)
	}

	f = probeRust(context.Background(), rustEnv(root, bin, map[string]string{"RUSTUP_TOOLCHAIN": "1.95.0"}))
	if !f.Missing || f.Source != "RUSTUP_TOOLCHAIN" || !strings.Contains(f.Detail, "rustup toolchain install 1.95.0") {
		t.Errorf("RUSTUP_TOOLCHAIN: %+v", f)
	}

	writeFile(t, filepath.Join(root, ".rustup", "settings.toml"), "[overrides]\n\""+root+"\" = \"nightly\"\n")
	f = probeRust(context.Background(), rustEnv(root, bin, map[string]string{}))
	if f.Source != "rustup override" {
		t.Errorf("override: %+v", f)
	}

	b, _ := os.ReadFile(log)
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l != "auto-install=0" {
			t.Fatalf("rustc ran with %s: rustup could install a toolchain", l)
		}
	}
}

func TestRustToolchainFileFormats(t *testing.T) {
	f, err := parseRustToolchain("rust-toolchain", []byte("1.80.1\n"))
	if err != nil || f.Channel != "1.80.1" || f.Line != 1 {
		t.Errorf("legacy: %+v %v", f, err)
	}
	f, err = parseRustToolchain("rust-toolchain.toml", []byte("# pinned\n[toolchain]\nprofile = \"minimal\"\nchannel = \"1.89.0\"\n"))
	if err != nil || f.Channel != "1.89.0" || f.Line != 4 {
		t.Errorf("toml: %+v %v", f, err)
	}
	// A Windows editor's byte order mark, in either format.
	if f, err := parseRustToolchain("rust-toolchain", []byte("\uFEFF1.80.1\r\n")); err != nil || f.Channel != "1.80.1" {
		t.Errorf("legacy with a byte order mark: %+v %v", f, err)
	}
	if f, err := parseRustToolchain("rust-toolchain.toml", []byte("\uFEFF[toolchain]\nchannel = \"1.89.0\"\n")); err != nil || f.Channel != "1.89.0" || f.Line != 2 {
		t.Errorf("toml with a byte order mark: %+v %v", f, err)
	}
	if _, err := parseRustToolchain("rust-toolchain.toml", []byte("[toolchain\n")); err == nil {
		t.Error("bad toml accepted")
	}
}

// rustup with no default toolchain: rustc fails with an error and, with
// RUST_BACKTRACE set, a backtrace whose last line was reported as the
// error ("13: <unknown>"). It is a missing toolchain, said plainly.
func TestProbeRustWithoutADefaultToolchain(t *testing.T) {
	bin := t.TempDir()
	writeFile(t, filepath.Join(bin, "rustup"), "#!/bin/sh\nexit 0\n")
	writeFile(t, filepath.Join(bin, "rustc"), `#!/bin/sh
echo "error: rustup could not choose a version of rustc to run, because one wasn't specified explicitly, and no default is configured." >&2
echo "help: run 'rustup default stable' to download the latest stable release of Rust and set it as your default toolchain." >&2
[ "$RUST_BACKTRACE" = 0 ] || printf 'stack backtrace:\n  12: main\n  13: <unknown>\n' >&2
exit 1
`)
	root := t.TempDir()
	f := probeRust(context.Background(), rustEnv(root, bin, map[string]string{"RUST_BACKTRACE": "1"}))
	if !f.Missing || !strings.Contains(f.Detail, "rustup has no default toolchain") || f.Err != nil {
		t.Fatalf("%+v", f)
	}
}

// A tool built from a checkout prints the Go release it was built with,
// which is not its version.
func TestProbeIgnoresTheGoItWasBuiltWith(t *testing.T) {
	bin := t.TempDir()
	writeFile(t, filepath.Join(bin, "golangci-lint"), "#!/bin/sh\necho 'golangci-lint has version (devel) built with go1.24.1 from (unknown, modified: ?, mod sum: \"\")'\n")
	root := t.TempDir()
	f := simpleProbe(context.Background(), rustEnv(root, bin, map[string]string{}), []string{"golangci-lint"}, "--version")
	if f.Version != "" || f.Err == nil || !strings.Contains(f.Err.Error(), "printed no version") {
		t.Fatalf("%+v", f)
	}
}

// A tool numbered by one number: a pin of "5" never matched "mytool 5".
func TestCustomProbeWholeNumber(t *testing.T) {
	root := t.TempDir()
	e := rustEnv(root, t.TempDir(), map[string]string{})
	if f := customProbe(context.Background(), e, "echo mytool 5"); f.Version != "5" || f.Err != nil {
		t.Fatalf("%+v", f)
	}
	if f := customProbe(context.Background(), e, "echo mytool 5.2.1 build 77"); f.Version != "5.2.1" {
		t.Fatalf("a dotted version comes first: %+v", f)
	}
}
