package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/version"
)

// fullEnv runs the reproducibility test over all four targets, with the
// second build in a copy of the source at another path and a cold build
// cache, so compilation itself (not only linking and packing) is compared.
const fullEnv = "VERDIGRIS_RELEASE_FULL"

func releaseBuild(t *testing.T, src, out string, env ...string) {
	t.Helper()
	cmd := exec.Command("bash", filepath.Join(src, "scripts", "release-build.sh"), version.Version, out)
	cmd.Dir = src
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("release-build.sh: %v\n%s", err, b)
	}
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).Output()
	if err != nil {
		t.Skipf("git %v: %v (not a git checkout?)", args, err)
	}
	return strings.TrimSpace(string(out))
}

// TestReleaseBuildIsReproducible builds the release twice and compares
// every byte; then checks the archives' layout and that the binaries
// report the version and commit they were built from.
func TestReleaseBuildIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every binary twice")
	}
	src := clitest.ModuleRoot()
	head := git(t, src, "rev-parse", "HEAD")
	epoch, _ := strconv.ParseInt(git(t, src, "log", "-1", "--format=%ct", "HEAD"), 10, 64)

	targets := []string{runtime.GOOS + "/" + runtime.GOARCH}
	full := os.Getenv(fullEnv) != ""
	if full {
		targets = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"}
	}
	env := []string{"VERDIGRIS_RELEASE_TARGETS=" + strings.Join(targets, " "), "SOURCE_DATE_EPOCH="}
	a, b := t.TempDir(), t.TempDir()
	releaseBuild(t, src, a, env...)
	if full {
		elsewhere := filepath.Join(t.TempDir(), "elsewhere")
		copySource(t, src, elsewhere)
		releaseBuild(t, elsewhere, b, append(env, "GOCACHE="+t.TempDir())...)
	} else {
		releaseBuild(t, src, b, env...)
	}

	sumsA, err := os.ReadFile(filepath.Join(a, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	sumsB, _ := os.ReadFile(filepath.Join(b, "SHA256SUMS"))
	if !bytes.Equal(sumsA, sumsB) {
		t.Errorf("two builds differ:\n%s\nvs\n%s", sumsA, sumsB)
		reportDifferences(t, a, b)
		t.FailNow()
	}

	var want []string
	for _, tg := range targets {
		want = append(want, fmt.Sprintf("verdigris_%s_%s.tar.gz", version.Version, strings.ReplaceAll(tg, "/", "_")))
	}
	sort.Strings(want)
	lines := strings.Split(strings.TrimSpace(string(sumsA)), "\n")
	if len(lines) != len(want) {
		t.Fatalf("SHA256SUMS lists %d archives, want %d:\n%s", len(lines), len(want), sumsA)
	}
	binaries := commands(t, src)
	for i, l := range lines {
		sum, name, _ := strings.Cut(l, "  ")
		if name != want[i] {
			t.Fatalf("SHA256SUMS line %d names %q, want %q", i+1, name, want[i])
		}
		data, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
			t.Fatalf("%s: SHA256SUMS says %s, the file hashes to %x", name, sum, h)
		}
		checkArchive(t, data, name, binaries, time.Unix(epoch, 0))
	}

	// The host's binaries run and say which release and commit they are.
	host := filepath.Join(a, fmt.Sprintf("verdigris_%s_%s_%s.tar.gz", version.Version, runtime.GOOS, runtime.GOARCH))
	if _, err := os.Stat(host); err == nil {
		dir := t.TempDir()
		extract(t, host, dir)
		for _, bin := range binaries {
			out, err := exec.Command(filepath.Join(dir, bin), "--version").Output()
			wantLine := fmt.Sprintf("%s %s (commit %s, ", bin, version.Version, head[:12])
			if err != nil || !strings.HasPrefix(string(out), wantLine) {
				t.Errorf("%s --version = %q, %v; want it to start with %q", bin, out, err, wantLine)
			}
			page, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(manDir), bin+".1"))
			if out, err := exec.Command(filepath.Join(dir, bin), "help", "--man").Output(); err != nil || !bytes.Equal(page, out) {
				t.Errorf("%s's page in the archive is not what %s help --man prints (%v)", bin, bin, err)
			}
		}
	}
}

// reportDifferences names the archive entries that differ between two
// output directories, to tell a linker difference from a packing one.
func reportDifferences(t *testing.T, a, b string) {
	names, _ := filepath.Glob(filepath.Join(a, "*.tar.gz"))
	for _, pa := range names {
		ea, eb := entries(t, pa), entries(t, filepath.Join(b, filepath.Base(pa)))
		for name, da := range ea {
			if db, ok := eb[name]; !ok || !bytes.Equal(da, db) {
				t.Errorf("%s: %s differs (%d vs %d bytes)", filepath.Base(pa), name, len(da), len(db))
			}
		}
	}
}

func entries(t *testing.T, archive string) map[string][]byte {
	out := map[string][]byte{}
	f, err := os.Open(archive)
	if err != nil {
		return out
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return out
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			return out
		}
		data, _ := io.ReadAll(tr)
		out[h.Name] = data
	}
}

// commands lists the binaries under cmd/.
func commands(t *testing.T, src string) []string {
	entries, err := os.ReadDir(filepath.Join(src, "cmd"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(src, "cmd", e.Name(), "main.go")); err == nil {
			out = append(out, e.Name())
		}
	}
	return out
}

func checkArchive(t *testing.T, data []byte, name string, binaries []string, mtime time.Time) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" {
		t.Errorf("%s: gzip header has name %q, time %v", name, zr.Name, zr.ModTime)
	}
	tr := tar.NewReader(zr)
	var names []string
	modes := map[string]int64{}
	pages := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		names = append(names, h.Name)
		modes[h.Name] = h.Mode
		if strings.HasPrefix(h.Name, manDir) {
			page, _ := io.ReadAll(tr)
			pages[h.Name] = string(page)
		}
		if !h.ModTime.Equal(mtime) || h.Uid != 0 || h.Gid != 0 || h.Typeflag != tar.TypeReg {
			t.Errorf("%s: %s has mtime %v (want %v), owner %d:%d, type %c", name, h.Name, h.ModTime, mtime, h.Uid, h.Gid, h.Typeflag)
		}
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("%s: entries not sorted: %v", name, names)
	}
	for _, bin := range binaries {
		if modes[bin] != 0o755 {
			t.Errorf("%s: %s missing or not executable (mode %o); entries %v", name, bin, modes[bin], names)
		}
	}
	for _, doc := range []string{"README.md", "CHANGELOG.md"} {
		if modes[doc] != 0o644 {
			t.Errorf("%s: %s missing or mode %o", name, doc, modes[doc])
		}
	}
	// Each binary's manual page, for whoever installs from the archive:
	// git NAME --help opens it.
	for _, bin := range binaries {
		page := manDir + bin + ".1"
		head := `.TH "` + strings.ReplaceAll(strings.ToUpper(bin), "-", `\-`) + `" 1 `
		if modes[page] != 0o644 || !strings.HasPrefix(pages[page], head) {
			t.Errorf("%s: %s missing, mode %o, or not %s's page (%.60q); entries %v", name, page, modes[page], bin, pages[page], names)
		}
	}
}

// manDir is where an archive holds the manual pages, as PREFIX/share/man/
// man1 holds them once installed.
const manDir = "share/man/man1/"

// The archives of targets this machine cannot run hold the manual pages
// too, each the one the host's binary of the same source prints:
// release-build.sh writes them with binaries built for the host.
func TestReleaseArchivesHoldManualPagesOfAnotherTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a release build")
	}
	src := clitest.ModuleRoot()
	target := "linux/arm64"
	if runtime.GOOS+"/"+runtime.GOARCH == target {
		target = "linux/amd64"
	}
	out := t.TempDir()
	releaseBuild(t, src, out, "VERDIGRIS_RELEASE_TARGETS="+target, "VERDIGRIS_RELEASE_CGO_SCRY=0")
	archive := filepath.Join(out, fmt.Sprintf("verdigris_%s_%s.tar.gz", version.Version, strings.ReplaceAll(target, "/", "_")))
	dir := t.TempDir()
	extract(t, archive, dir)
	host := t.TempDir()
	build := exec.Command("go", "build", "-tags", "noonnx", "-o", host+string(filepath.Separator), "./cmd/...")
	build.Dir = src
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	for _, bin := range commands(t, src) {
		want, err := exec.Command(filepath.Join(host, bin), "help", "--man").Output()
		if err != nil {
			t.Fatalf("%s help --man: %v", bin, err)
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(manDir), bin+".1"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s's page in the %s archive: %v; %d bytes, want the %d of %s help --man", bin, target, err, len(got), len(want), bin)
		}
	}
}

func extract(t *testing.T, archive, dir string) {
	t.Helper()
	if out, err := exec.Command("tar", "-xzf", archive, "-C", dir).CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
}

// copySource copies the tracked and untracked (not ignored) files, and the
// git directory, so the copy is the same commit with the same changes.
func copySource(t *testing.T, src, dst string) {
	t.Helper()
	files := git(t, src, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	for _, f := range strings.Split(files, "\x00") {
		if f == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, f))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(filepath.Join(src, f))
		os.MkdirAll(filepath.Dir(filepath.Join(dst, f)), 0o755)
		if err := os.WriteFile(filepath.Join(dst, f), data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("git", "clone", "-q", "--bare", src, filepath.Join(dst, ".git")).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	exec.Command("git", "-C", dst, "config", "core.bare", "false").Run()
	exec.Command("git", "-C", dst, "reset", "-q").Run()
}

func TestReleaseBuildRefusesAnotherVersion(t *testing.T) {
	src := clitest.ModuleRoot()
	cmd := exec.Command("bash", filepath.Join(src, "scripts", "release-build.sh"), "99.0.0", t.TempDir())
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("release-build.sh 99.0.0: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "release-build: error: asked for 99.0.0, but internal/version/version.go holds "+version.Version) {
		t.Fatalf("output:\n%s", out)
	}
}

// runReleaseBuild runs the script with args and returns its exit code and
// output; the tests below stop before anything is built.
func runReleaseBuild(t *testing.T, args ...string) (int, string) {
	t.Helper()
	src := clitest.ModuleRoot()
	out, err := exec.Command("bash", append([]string{filepath.Join(src, "scripts", "release-build.sh")}, args...)...).CombinedOutput()
	if err == nil {
		return 0, string(out)
	}
	ee, ok := err.(*exec.ExitError)
	if !ok {
		t.Fatalf("release-build.sh %v: %v", args, err)
	}
	return ee.ExitCode(), string(out)
}

// Without its arguments the script printed a bare "usage:" line, not the
// error and hint every verdigris command gives; and a VERSION that is no
// X.Y.Z (1.2) got the hint to run 'git release 1.2', which git release
// refuses. Both are usage errors (exit 2) saying what to give.
func TestReleaseBuildUsageErrors(t *testing.T) {
	code, out := runReleaseBuild(t)
	if code != 2 || !strings.Contains(out, "release-build: error: expected VERSION and OUTDIR, got 0 arguments\n") ||
		!strings.Contains(out, "release-build: hint: run scripts/release-build.sh VERSION OUTDIR") || strings.Contains(out, "usage:") {
		t.Errorf("no arguments: exit %d\n%s", code, out)
	}
	code, out = runReleaseBuild(t, "1.2", t.TempDir())
	if code != 2 || !strings.Contains(out, "release-build: error: VERSION 1.2 is not X.Y.Z (or vX.Y.Z)\n") ||
		!strings.Contains(out, "release-build: hint: give the release's whole version, such as "+version.Version) || strings.Contains(out, "git release 1.2") {
		t.Errorf("1.2: exit %d\n%s", code, out)
	}
	// A release older than the source's is built from its tag: git
	// release cannot cut a version below the current one.
	if version.Version != "0.0.0" {
		code, out = runReleaseBuild(t, "0.0.0", t.TempDir())
		if code != 1 || !strings.Contains(out, "release-build: hint: build the tagged commit of that release (git switch --detach v0.0.0), then run this again\n") || strings.Contains(out, "git release 0.0.0") {
			t.Errorf("0.0.0: exit %d\n%s", code, out)
		}
	}
}
