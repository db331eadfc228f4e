package builtin

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeFiles writes files (path relative to dir: contents), making their
// directories.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, s := range files {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fakeMachine lays out a tiny Go distribution and Python library.
func fakeMachine(t *testing.T) MachineLimits {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"go/VERSION":         "go1.99.0\ntime 2030-01-01\n",
		"go/src/net/dial.go": "// Package net dials remote hosts over a network connection.\n// A timeout cancels a slow dial.\npackage net\n",
		"go/src/os/file.go":  "// Package os opens files and directories.\n// The terminal colour is not a file.\npackage os\n",
		"py/os.py":           "\"\"\"Operating system interfaces: open files, read directories, run processes.\"\"\"\n",
	})
	return MachineLimits{GoRoot: filepath.Join(dir, "go"), PythonLib: filepath.Join(dir, "py"), ManDir: "-", GitMan: "-", NpmDocs: "-", NodeDocs: "-", Timeout: time.Minute}
}

func TestMachineTextCacheIsTheSameModel(t *testing.T) {
	ctx := context.Background()
	lim := fakeMachine(t)
	cache := filepath.Join(t.TempDir(), "verdigris", "scry-machine-text.bin")

	fresh, cached, err := MachineText(ctx, lim, cache)
	if err != nil || cached {
		t.Fatalf("first MachineText: cached %v, err %v", cached, err)
	}
	again, cached, err := MachineText(ctx, lim, cache)
	if err != nil || !cached {
		t.Fatalf("second MachineText: cached %v, err %v; want it read from the cache", cached, err)
	}
	docs, err := MachineDocuments(ctx, lim)
	if err != nil {
		t.Fatal(err)
	}
	src := smallSources()
	fromText := src
	fromText.Background = docs
	want, err := Train(ctx, fromText, Options{Dim: 8})
	if err != nil {
		t.Fatal(err)
	}
	for name, mc := range map[string]*MachineCorpus{"analysed": fresh, "cached": again} {
		s := src
		s.Machine = mc
		got, err := Train(ctx, s, Options{Dim: 8})
		if err != nil {
			t.Fatal(err)
		}
		if got.ID() != want.ID() {
			t.Errorf("model from the %s machine corpus is %s, from the text %s", name, got.ID(), want.ID())
		}
	}
}

func TestMachineTextCacheFollowsTheSources(t *testing.T) {
	ctx := context.Background()
	lim := fakeMachine(t)
	cache := filepath.Join(t.TempDir(), "scry-machine-text.bin")
	if _, _, err := MachineText(ctx, lim, cache); err != nil {
		t.Fatal(err)
	}
	// A Go upgrade changes VERSION: the cache is stale.
	if err := os.WriteFile(filepath.Join(lim.GoRoot, "VERSION"), []byte("go1.99.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, cached, _ := MachineText(ctx, lim, cache); cached {
		t.Error("the cache was used after the Go distribution changed")
	}
	if _, cached, _ := MachineText(ctx, lim, cache); !cached {
		t.Error("the cache was not rewritten for the new distribution")
	}
	// git's manual pages, new or upgraded, are another corpus.
	man := filepath.Join(t.TempDir(), "man")
	if err := os.MkdirAll(filepath.Join(man, "man7"), 0o755); err != nil {
		t.Fatal(err)
	}
	lim.GitMan = man
	if _, cached, _ := MachineText(ctx, lim, cache); cached {
		t.Error("the cache was used after git's manual pages were added")
	}
	if err := os.WriteFile(filepath.Join(man, "man7", "gitglossary.7"), []byte("A commit is a single point in the git history.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, cached, _ := MachineText(ctx, lim, cache); cached {
		t.Error("the cache was used after git's manual pages changed")
	}
	// So are npm's and Node.js's documents, new or upgraded.
	js := t.TempDir()
	writeFiles(t, js, map[string]string{"npm/using-npm/scripts.md": "# scripts\n\nHow npm runs a package's scripts.\n"})
	lim.NpmDocs, lim.NodeDocs = filepath.Join(js, "npm"), filepath.Join(js, "node")
	if _, cached, _ := MachineText(ctx, lim, cache); cached {
		t.Error("the cache was used after npm's documents were added")
	}
	writeFiles(t, js, map[string]string{"node/fs.md": "# File system\n\nThe fs module reads files.\n"})
	if _, cached, _ := MachineText(ctx, lim, cache); cached {
		t.Error("the cache was used after Node.js's documents were added")
	}
	if _, cached, _ := MachineText(ctx, lim, cache); !cached {
		t.Error("the cache was not rewritten for npm's and Node.js's documents")
	}
	writeFiles(t, js, map[string]string{"node/path.md": "# Path\n\nThe path module joins paths.\n"})
	if _, cached, _ := MachineText(ctx, lim, cache); cached {
		t.Error("the cache was used after Node.js's documents changed")
	}
	// Another budget is another corpus.
	lim.MaxBytes = 1 << 10
	if _, cached, _ := MachineText(ctx, lim, cache); cached {
		t.Error("the cache was used for another size budget")
	}
	// A damaged file is read as no cache, never as a corpus.
	data, err := os.ReadFile(cache)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(cache, data, 0o644); err != nil {
		t.Fatal(err)
	}
	mc, cached, err := MachineText(ctx, lim, cache)
	if err != nil || cached || len(mc.Segs) == 0 {
		t.Errorf("damaged cache: cached %v, %d segments, err %v; want the text read again", cached, len(mc.Segs), err)
	}
}

func TestMachineTextWithoutCacheDirectory(t *testing.T) {
	mc, cached, err := MachineText(context.Background(), fakeMachine(t), "")
	if err != nil || cached || len(mc.Terms) == 0 {
		t.Fatalf("MachineText without a cache: %d terms, cached %v, err %v", len(mc.Terms), cached, err)
	}
}

// A source that is missing ("") or left out ("-") has nothing to stamp:
// its subdirectories were looked up relative to the working directory,
// the repository being indexed, so a repository with a src/ or man5/
// folder changed the machine's key, and the per-user cache was learned
// again whenever that folder changed.
func TestMachineKeyIgnoresTheWorkingDirectory(t *testing.T) {
	repo := t.TempDir()
	t.Chdir(repo)
	lim := MachineLimits{MaxBytes: 1 << 20, GitMaxBytes: 1 << 20, GoRoot: "", PythonLib: "-", ManDir: "-", GitMan: ""}
	before := machineKey(lim)
	writeFiles(t, repo, map[string]string{"src/main.go": "package main\n", "man5/x.5": "x\n", "os.py": "x = 1\n"})
	if after := machineKey(lim); after != before {
		t.Errorf("the key changed with the working directory's folders:\n%s\n%s", before, after)
	}
}
