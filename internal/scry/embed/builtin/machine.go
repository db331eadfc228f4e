package builtin

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// MachineLimits bound what MachineDocuments reads.
type MachineLimits struct {
	MaxBytes int64 // extracted text kept of Go, Python and the manual pages (default 8 MiB)
	// GitMaxBytes is git's guides and file formats, read first and on
	// top of MaxBytes (default 2 MiB; git 2.39's are about 0.6 MiB of
	// text).
	GitMaxBytes int64
	Timeout     time.Duration // default 8 s
	// Where to look; "" finds them, "-" leaves the source out.
	GoRoot    string // the Go distribution (go env GOROOT)
	PythonLib string // the Python standard library (/usr/lib/python3.N)
	ManDir    string // manual pages (/usr/share/man)
	GitMan    string // git's manual pages (git --man-path)
}

func (l *MachineLimits) defaults() {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 8 << 20
	}
	if l.GitMaxBytes <= 0 {
		l.GitMaxBytes = 2 << 20
	}
	if l.Timeout <= 0 {
		l.Timeout = 8 * time.Second
	}
	if l.GoRoot == "" {
		l.GoRoot = findGoRoot()
	}
	if l.PythonLib == "" {
		l.PythonLib = findPythonLib()
	}
	if l.ManDir == "" {
		l.ManDir = "/usr/share/man"
	}
	if l.GitMan == "" {
		l.GitMan = findGitMan()
	}
}

// MachineDocuments collects general technical English that developer
// machines carry: git's guides and file formats first (gitPages), then the
// comments and documents of the Go distribution and the docstrings and
// comments of the Python standard library, in equal shares of the size
// budget, and the other English manual pages for what those two leave
// unused (they are slower to read and worth less per byte). Whatever is
// missing is skipped, none of it is an error. It stops at the time limit
// with what it has.
func MachineDocuments(ctx context.Context, lim MachineLimits) ([]string, error) {
	lim.defaults()
	docs, _ := machineDocuments(ctx, lim)
	return docs, nil
}

// machineDocuments is MachineDocuments with defaults applied; complete is
// false when the time limit (or ctx) cut the reading short.
func machineDocuments(ctx context.Context, lim MachineLimits) (docs []string, complete bool) {
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	gitRead := lim.GitMan != "" && lim.GitMan != "-"
	if gitRead {
		var used int64
		gitPages(lim.GitMan, func(s string) bool {
			if s != "" {
				docs = append(docs, s)
				used += int64(len(s))
			}
			return used < lim.GitMaxBytes && ctx.Err() == nil
		})
	}
	var sources []func(add func(string) bool)
	if lim.GoRoot != "" && lim.GoRoot != "-" {
		sources = append(sources, func(add func(string) bool) { goDocs(lim.GoRoot, add) })
	}
	if lim.PythonLib != "" && lim.PythonLib != "-" {
		sources = append(sources, func(add func(string) bool) { pythonDocs(lim.PythonLib, add) })
	}
	shared := len(sources) // sources sharing the budget; the rest fill in
	if lim.ManDir != "-" {
		sources = append(sources, func(add func(string) bool) { manPages(lim.ManDir, gitRead, add) })
	}
	var total int64
	for i, src := range sources {
		// What a source leaves unused goes to the ones after it.
		share := lim.MaxBytes - total
		if i < shared {
			share /= int64(shared - i)
		}
		var used int64
		src(func(s string) bool {
			if s != "" {
				docs = append(docs, s)
				used += int64(len(s))
			}
			return used < share && ctx.Err() == nil
		})
		total += used
		if ctx.Err() != nil || total >= lim.MaxBytes {
			break
		}
	}
	return docs, ctx.Err() == nil
}

func findGoRoot() string {
	if r := os.Getenv("GOROOT"); r != "" {
		return r
	}
	if r := askGoRoot(); r != "" {
		return r
	}
	for _, r := range []string{"/usr/local/go", "/usr/lib/go"} {
		if _, err := os.Stat(filepath.Join(r, "src")); err == nil {
			return r
		}
	}
	return ""
}

// askGoRoot asks the go command where its distribution is, with
// GOTOOLCHAIN=local so that nothing makes it fetch another toolchain.
func askGoRoot() string {
	return askPath(5*time.Second, []string{"GOTOOLCHAIN=local"}, "go", "env", "GOROOT")
}

// askPath runs a tool from the temporary directory, never from the
// repository being indexed (whose go.mod or Python files must have no
// say), and returns the absolute path it prints: "" when it fails or
// prints anything else.
func askPath(timeout time.Duration, env []string, name string, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	p := strings.TrimSpace(string(out))
	if !filepath.IsAbs(p) {
		return ""
	}
	return p
}

// goDocs feeds the standard library's comments (commands last: compiler
// internals are jargon) and the distribution's documents to add until it
// says stop.
func goDocs(root string, add func(string) bool) {
	var files []string
	src := filepath.Join(root, "src")
	_ = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "vendor", "internal":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			files = append(files, p)
		}
		return nil
	})
	cmd := string(filepath.Separator) + "cmd" + string(filepath.Separator)
	sort.SliceStable(files, func(i, j int) bool {
		return !strings.Contains(files[i], cmd) && strings.Contains(files[j], cmd)
	})
	docs, _ := filepath.Glob(filepath.Join(root, "doc", "*"))
	for _, p := range docs {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(data)
		if strings.HasSuffix(p, ".html") {
			s = stripHTML(s)
		}
		if !add(s) {
			return
		}
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if !add(Extract(p, data)) {
			return
		}
	}
}

// findPythonLib returns the newest /usr/lib/python3.N or
// /usr/local/lib/python3.N, else the standard library of the python3 on
// PATH (pyenv, Homebrew, a framework build: not where a distribution puts
// it).
func findPythonLib() string {
	if d := newestPythonLib([]string{"/usr/lib/python3.*", "/usr/local/lib/python3.*"}); d != "" {
		return d
	}
	return askPythonLib()
}

func newestPythonLib(patterns []string) string {
	var best string
	bestMinor := -1
	for _, pat := range patterns {
		dirs, _ := filepath.Glob(pat)
		for _, d := range dirs {
			var minor int
			if _, err := fmt.Sscanf(filepath.Base(d), "python3.%d", &minor); err != nil {
				continue
			}
			if _, err := os.Stat(filepath.Join(d, "os.py")); err == nil && minor > bestMinor {
				best, bestMinor = d, minor
			}
		}
	}
	return best
}

// askPythonLib asks python3 where its standard library is, isolated
// (-I: neither the current directory nor PYTHON* variables on its path),
// so that a repository's own os.py or sitecustomize.py never runs.
func askPythonLib() string {
	d := askPath(2*time.Second, nil, "python3", "-I", "-c", "import os; print(os.path.dirname(os.__file__))")
	if d == "" {
		return ""
	}
	if _, err := os.Stat(filepath.Join(d, "os.py")); err != nil {
		return ""
	}
	return d
}

// pythonDocs feeds the standard library's docstrings and comments (not
// tests, not third-party packages) to add until it says stop.
func pythonDocs(root string, add func(string) bool) {
	var files []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case "test", "tests", "site-packages", "dist-packages", "idlelib", "lib2to3", "__pycache__", "turtledemo":
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".py") {
			files = append(files, p)
		}
		return nil
	})
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if !add(Extract(p, data)) {
			return
		}
	}
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

func stripHTML(s string) string { return htmlTag.ReplaceAllString(s, " ") }

// manPages feeds the English manual pages of sections 1, 5, 7 and 8
// (commands, file formats, overviews, administration) to add, but for
// git's guides and file formats when gitPages has read them already.
func manPages(dir string, skipGit bool, add func(string) bool) {
	for _, sec := range []string{"man1", "man7", "man5", "man8"} {
		files, _ := filepath.Glob(filepath.Join(dir, sec, "*"))
		for _, p := range files {
			if skipGit && sec != "man1" && strings.HasPrefix(filepath.Base(p), "git") {
				continue
			}
			s := readMan(p)
			if !add(s) {
				return
			}
		}
	}
}

// gitPages feeds git's guides and file formats to add: its manual pages
// of section 7 (gitglossary, gitworkflows, gitrevisions, gitcli…) and
// section 5 (githooks, gitattributes, gitignore…). Every history git scry
// indexes is a git history, and these pages explain the words of its work
// (branches, patches, hooks, line endings, tags). Its command pages
// (section 1) are left to the other manual pages: with them, our query
// set hardest for word matching gained more, and the lefthook sets lost
// what it gained (docs/benchmarks.md).
func gitPages(dir string, add func(string) bool) {
	for _, sec := range []string{"man7", "man5"} {
		files, _ := filepath.Glob(filepath.Join(dir, sec, "git*"))
		for _, p := range files {
			if !add(readMan(p)) {
				return
			}
		}
	}
}

// findGitMan asks git where its manual pages are ("" when it has none:
// Git for Windows ships HTML instead, and a minimal image may lack them).
func findGitMan() string {
	dir := askPath(5*time.Second, nil, "git", "--man-path")
	if dir == "" {
		return ""
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "man7", "git*")); len(m) == 0 {
		return ""
	}
	return dir
}

func readMan(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(p, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return ""
		}
		defer gz.Close()
		r = gz
	}
	var out strings.Builder
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		out.WriteString(troffText(sc.Text()))
		out.WriteByte('\n')
	}
	return out.String()
}

var troffEscape = regexp.MustCompile(`\\(f[BIRPC]|f\(..|f\[[^\]]*\]|\(..|\[[^\]]*\]|s[-+]?\d|[-&e|^ 0c"%])`)

// troffText turns one line of a manual page's source into plain text:
// requests that carry text (.SH, .B, .I, .IP …) keep their arguments,
// other requests and comments become paragraph breaks.
func troffText(line string) string {
	if strings.HasPrefix(line, `.\"`) || strings.HasPrefix(line, `'\"`) {
		return ""
	}
	if strings.HasPrefix(line, ".") {
		req, args, _ := strings.Cut(line[1:], " ")
		switch req {
		case "SH", "SS", "B", "I", "BR", "IR", "RB", "RI", "BI", "IB", "TP", "IP", "Nm", "Nd", "Sh", "Fl", "Ar", "Pa":
			line = strings.ReplaceAll(args, `"`, "")
		default:
			return ""
		}
	}
	return troffEscape.ReplaceAllString(line, " ")
}
