package toolchain

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/verdigris-dev/verdigris/internal/config"
)

// rustToolchainFile is a rust-toolchain.toml (or legacy rust-toolchain)
// found at the root or above it, where rustup looks.
type rustToolchainFile struct {
	Path    string // as shown to the user: relative to the root when inside it
	Channel string
	Line    int
}

// findRustToolchainFile walks up from root as rustup does.
func findRustToolchainFile(root string) (*rustToolchainFile, error) {
	for dir := root; ; {
		f, err := rustToolchainFileIn(root, dir)
		if f != nil || err != nil {
			return f, err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, nil
		}
		dir = parent
	}
}

// rustToolchainFileIn reads the toolchain file of one directory; the
// legacy rust-toolchain wins over rust-toolchain.toml, as in rustup.
func rustToolchainFileIn(root, dir string) (*rustToolchainFile, error) {
	for _, name := range []string{"rust-toolchain", "rust-toolchain.toml"} {
		p := filepath.Join(dir, name)
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return parseRustToolchain(relTo(root, p), data)
	}
	return nil, nil
}

func parseRustToolchain(shown string, data []byte) (*rustToolchainFile, error) {
	f := &rustToolchainFile{Path: shown}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // a Windows editor's byte order mark
	text := strings.TrimSpace(string(data))
	// The legacy format is one line naming the toolchain.
	if !strings.Contains(text, "[") && !strings.Contains(text, "=") {
		f.Channel, f.Line = text, 1
		return f, nil
	}
	var doc struct {
		Toolchain struct {
			Channel string `toml:"channel"`
			Path    string `toml:"path"`
		} `toml:"toolchain"`
	}
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, errors.New(shown + ": " + err.Error())
	}
	f.Channel = doc.Toolchain.Channel
	f.Line = config.KeyLines(data)["toolchain.channel"]
	return f, nil
}

// rustupOverrides returns the directory overrides (`rustup override
// set`) from rustup's settings file.
func rustupOverrides(e *Env) map[string]string {
	home := e.getenv("RUSTUP_HOME")
	if home == "" {
		h := e.getenv("HOME")
		if h == "" {
			return nil
		}
		home = filepath.Join(h, ".rustup")
	}
	data, err := os.ReadFile(filepath.Join(home, "settings.toml"))
	if err != nil {
		return nil
	}
	var s struct {
		Overrides map[string]string `toml:"overrides"`
	}
	if toml.Unmarshal(data, &s) != nil {
		return nil
	}
	return s.Overrides
}

// rustupChoice returns the toolchain rustup would select in root and why,
// in rustup's order: RUSTUP_TOOLCHAIN, then the nearest directory
// override or toolchain file (walking up, nearest wins, an override
// before a file in the same directory), then the default ("").
func rustupChoice(e *Env, root string) (want, source string, err error) {
	if v := e.getenv("RUSTUP_TOOLCHAIN"); v != "" {
		return v, "RUSTUP_TOOLCHAIN", nil
	}
	overrides := rustupOverrides(e)
	for dir := root; ; {
		if tc, ok := overrides[dir]; ok {
			return tc, "rustup override", nil
		}
		f, err := rustToolchainFileIn(root, dir)
		if err != nil {
			return "", "", err
		}
		if f != nil && f.Channel != "" {
			return f.Channel, f.Path, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "PATH (rustup default)", nil
		}
		dir = parent
	}
}

func probeRust(ctx context.Context, e *Env) Found {
	path, err := e.lookPath("rustc")
	if err != nil {
		return Found{Source: "PATH", Missing: true, Detail: "rustc not on PATH"}
	}
	f := Found{Path: path, Source: "PATH"}
	want := ""
	if _, err := e.lookPath("rustup"); err == nil {
		if want, f.Source, err = rustupChoice(e, e.Root); err != nil {
			f.Err = err
			return f
		}
	}
	// RUSTUP_AUTO_INSTALL=0: rustup must not install the toolchain a file
	// names just because we asked for its version.
	out, err := e.output(ctx, e.Root, []string{"RUSTUP_AUTO_INSTALL=0", "RUST_BACKTRACE=0"}, path, "--version")
	if err != nil {
		if want != "" && !errors.Is(err, errTimeout) {
			f.Missing = true
			f.Detail = f.Source + " selects " + want + ", which rustup has not installed (rustup toolchain install " + want + ")"
			return f
		}
		if strings.Contains(out, "no default") || strings.Contains(out, "rustup default") {
			f.Missing = true
			f.Detail = "rustup has no default toolchain (rustup default stable, or install the pinned one)"
			return f
		}
		f.Err = err
		return f
	}
	vs := versionsIn(out)
	if len(vs) == 0 {
		f.Err = errors.New("rustc --version printed no version")
		return f
	}
	f.Version = normalize(vs[0])
	if cargo, err := e.lookPath("cargo"); err == nil {
		if out, err := e.output(ctx, e.Root, []string{"RUSTUP_AUTO_INSTALL=0"}, cargo, "--version"); err == nil {
			if cv := versionsIn(out); len(cv) > 0 && normalize(cv[0]) != f.Version {
				f.Detail = "cargo is " + normalize(cv[0])
			}
		}
	}
	return f
}
