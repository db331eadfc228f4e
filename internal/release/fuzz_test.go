package release

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// Version-file rewriting never panics, and whatever it accepts it changes
// only in place: the bytes before the first difference and after the last
// are the input's, and the result still parses.
func FuzzPackageLock(f *testing.F) {
	f.Add([]byte(packageLockV3))
	f.Add([]byte(packageLockV1))
	f.Add([]byte(packageJSON))
	f.Add([]byte(`{"version":"1.0.0","packages":{"":{"version":"1.0.0"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fn := range []func([]byte, Version) ([]byte, string, error){updatePackageLock, updatePackageJSON} {
			out, _, err := fn(data, Version{9, 8, 7})
			if err != nil {
				continue
			}
			if !json.Valid(out) {
				t.Fatalf("accepted %q and wrote invalid JSON %q", data, out)
			}
			onlyVersionsChanged(t, data, out)
		}
	})
}

func FuzzCargo(f *testing.F) {
	f.Add([]byte(cargoToml), []byte(cargoLock))
	f.Add([]byte("[workspace.package]\nversion = '1.0.0'\n[package]\nname='a'\nversion.workspace=true\n"), []byte("[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n"))
	root := f.TempDir() // workspace members are looked up under it: none
	f.Fuzz(func(t *testing.T, manifest, lock []byte) {
		out, _, pkgs, err := updateCargoManifest(root, "Cargo.toml", manifest, Version{9, 8, 7})
		if err == nil {
			var v map[string]any
			if toml.Unmarshal(out, &v) != nil {
				t.Fatalf("accepted %q and wrote invalid TOML %q", manifest, out)
			}
			onlyVersionsChanged(t, manifest, out)
		}
		if len(pkgs) == 0 {
			pkgs = []localPackage{{manifest: "Cargo.toml", name: "ours", version: "0.3.0"}}
		}
		if out, _, err := updateCargoLock(lock, pkgs, Version{9, 8, 7}); err == nil {
			onlyVersionsChanged(t, lock, out)
		}
	})
}

// onlyVersionsChanged checks that in and out differ in one span at most
// per edit, each now holding the new version: here, that the text outside
// the occurrences of "9.8.7" in out is the input's.
func onlyVersionsChanged(t *testing.T, in, out []byte) {
	t.Helper()
	i := 0
	for i < len(in) && i < len(out) && in[i] == out[i] {
		i++
	}
	if i == len(in) && i == len(out) {
		return
	}
	j := 0
	for j < len(in)-i && j < len(out)-i && in[len(in)-1-j] == out[len(out)-1-j] {
		j++
	}
	if len(out[i:len(out)-j]) == 0 {
		return
	}
	// An old version can share its first or last bytes with the new one
	// ("9000" → "9.8.7" keeps the 9), and the common prefix and suffix
	// then take them: look for the new version in the changed span
	// widened by that much.
	ver := []byte("9.8.7")
	lo, hi := max(0, i-(len(ver)-1)), min(len(out), len(out)-j+len(ver)-1)
	if !bytes.Contains(out[lo:hi], ver) {
		t.Fatalf("changed %q to %q, not a version", in[i:len(in)-j], out[i:len(out)-j])
	}
}
