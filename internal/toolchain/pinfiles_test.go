package toolchain

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/config"
)

func TestDriftFromEveryPinFile(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "go.mod"), "module x\n\ngo 1.27\n\ntoolchain go1.25.0\n")
	writeFile(t, filepath.Join(root, "rust-toolchain.toml"), "[toolchain]\nchannel = \"stable\"\n")
	writeFile(t, filepath.Join(root, ".nvmrc"), "lts/iron\n")
	writeFile(t, filepath.Join(root, ".node-version"), "20.20.2\n")
	writeFile(t, filepath.Join(root, ".python-version"), "# comment\n3.12.1\n")
	writeFile(t, filepath.Join(root, ".tool-versions"), "golang 1.26.8\nnodejs 18.0.0 # old\nrust 1.89.0\nterraform 1.0.0\n")
	cfg, err := config.Parse("toolchain.toml", []byte("[tools]\ngo = \"1.26.8\"\nrust = \"1.89.0\"\nnode = \"20.20.2\"\npython = \"3.11.7\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	pins, err := ReadPinFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range FindDrift(cfg, pins) {
		got = append(got, d.String())
	}
	want := []string{
		`.nvmrc:1: version lts/iron disagrees with toolchain.toml node = "20.20.2"; fix: set it to 20.20.2`,
		`.python-version:2: version 3.12.1 disagrees with toolchain.toml python = "3.11.7"; fix: set it to 3.11.7`,
		`.tool-versions:2: nodejs 18.0.0 disagrees with toolchain.toml node = "20.20.2"; fix: set it to nodejs 20.20.2`,
		`go.mod:3: go 1.27 needs Go 1.27 or newer, but toolchain.toml pins go = "1.26.8"; fix: lower the go line to 1.26.8 or below, or raise the pin in toolchain.toml`,
		`go.mod:5: toolchain 1.25.0 disagrees with toolchain.toml go = "1.26.8"; fix: set it to toolchain go1.26.8`,
		`rust-toolchain.toml:2: channel stable disagrees with toolchain.toml rust = "1.89.0"; fix: set it to channel = "1.89.0"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("drift:\n%q\nwant\n%q", got, want)
	}

	lp := LintPins(nil, pins)
	wantPins := map[string]Pin{
		"go":     {Version: "1.25.0", From: "go.mod"},
		"node":   {Version: "20.20.2", From: ".node-version"},
		"python": {Version: "3.12.1", From: ".python-version"},
		"rust":   {Version: "1.89.0", From: ".tool-versions"},
	}
	if !reflect.DeepEqual(lp, wantPins) {
		t.Errorf("LintPins without toolchain.toml = %v; want %v", lp, wantPins)
	}
}

// A go line is a minimum: it drifts only when no version the pin allows
// meets it. A shorter pin allows each of its patch releases.
func TestGoLineAbovePin(t *testing.T) {
	for _, tc := range []struct {
		line, pin string
		want      bool
	}{
		{"1.26.2", "1.26", false},
		{"1.26rc1", "1.26", false},
		{"1.26", "1.26", false},
		{"1.20.5", "1.20", false}, // before 1.21, "1.20" named a release
		{"1.27", "1.26", true},
		{"1.27.0", "1.26", true},
		{"1.26.9", "1.26.8", true},
		{"1.26.8", "1.26.8", false},
		{"1.26", "1.26.8", false},
	} {
		if got := goLineAbovePin(tc.line, tc.pin); got != tc.want {
			t.Errorf("goLineAbovePin(%q, %q) = %v; want %v", tc.line, tc.pin, got, tc.want)
		}
	}
}
