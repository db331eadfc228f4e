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
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MachineLimits bound what MachineDocuments reads.
type MachineLimits struct {
	MaxBytes int64 // extracted text kept of Go, Python and the manual pages (default 8 MiB)
	// GitMaxBytes is git's guides and file formats, read first and on
	// top of MaxBytes (default 2 MiB; git 2.39's are about 0.6 MiB of
	// text).
	GitMaxBytes int64
	// JSMaxBytes is npm's documents and Node.js's API documents, read
	// after git's pages and on top of MaxBytes too (default 2 MiB).
	JSMaxBytes int64
	Timeout    time.Duration // default 8 s
	// Where to look; "" finds them, "-" leaves the source out.
	GoRoot    string // the Go distribution (go env GOROOT)
	PythonLib string // the Python standard library (/usr/lib/python3.N)
	ManDir    string // manual pages (/usr/share/man)
	GitMan    string // git's manual pages (git --man-path)
	NpmDocs   string // npm's documents (its package's docs/content)
	NodeDocs  string // Node.js's API documents in markdown (/usr/share/doc/nodejs/api)
}

func (l *MachineLimits) defaults() {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 8 << 20
	}
	if l.GitMaxBytes <= 0 {
		l.GitMaxBytes = 2 << 20
	}
	if l.JSMaxBytes <= 0 {
		l.JSMaxBytes = 2 << 20
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
	if l.NpmDocs == "" {
		l.NpmDocs = findNpmDocs()
	}
	if l.NodeDocs == "" {
		l.NodeDocs = findNodeDocs()
	}
}

// MachineDocuments collects general technical English that developer
// machines carry: git's guides and file formats first (gitItems), then
// npm's and Node.js's documents (jsItems), each on a budget of its own,
// then the comments and documents of the Go distribution and the
// docstrings and comments of the Python standard library, in equal
// shares of the size budget, and the other English manual pages for what those two leave
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
//
// The documents are loaded on up to one goroutine a CPU (readPool), each
// a few ahead of the budget's decision to keep it: loading them (a file
// read, its comments extracted, a manual page's markup removed) took a
// fifth of a cold index on one CPU. What is kept is what loading one
// document after another kept: the budget counts the documents in
// order, and those loaded past a source's end are dropped.
func machineDocuments(ctx context.Context, lim MachineLimits) (docs []string, complete bool) {
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	pool := newReadPool(min(runtime.GOMAXPROCS(0), 8))
	defer pool.close()
	// take reads a source's documents until they reach its share; the
	// one that reaches it is kept.
	take := func(items []machineItem, share int64) (used int64) {
		pool.each(items, func(s string) bool {
			if s != "" {
				docs = append(docs, s)
				used += int64(len(s))
			}
			return used < share && ctx.Err() == nil
		})
		return used
	}
	// Sources with a budget of their own (first) come first, on top of
	// MaxBytes; the others share it.
	type source struct {
		list  func() []machineItem
		first bool
		own   int64
	}
	var sources []source
	gitRead := lim.GitMan != "" && lim.GitMan != "-"
	if gitRead {
		sources = append(sources, source{func() []machineItem { return gitItems(lim.GitMan) }, true, lim.GitMaxBytes})
	}
	npm, node := lim.NpmDocs != "" && lim.NpmDocs != "-", lim.NodeDocs != "" && lim.NodeDocs != "-"
	if npm || node {
		sources = append(sources, source{func() []machineItem { return jsItems(lim.NpmDocs, lim.NodeDocs) }, true, lim.JSMaxBytes})
	}
	if lim.GoRoot != "" && lim.GoRoot != "-" {
		sources = append(sources, source{list: func() []machineItem { return goItems(lim.GoRoot) }})
	}
	if lim.PythonLib != "" && lim.PythonLib != "-" {
		sources = append(sources, source{list: func() []machineItem { return pythonItems(lim.PythonLib) }})
	}
	shared := 0 // sources sharing the budget; the rest fill in
	for _, s := range sources {
		if !s.first {
			shared++
		}
	}
	if lim.ManDir != "-" {
		sources = append(sources, source{list: func() []machineItem { return manItems(lim.ManDir, gitRead) }})
	}
	if len(sources) == 0 {
		return nil, ctx.Err() == nil
	}
	// Each source's documents are listed (directory walks, a man1 of
	// thousands of pages) while the source before it is read.
	listed := listing(sources[0].list)
	next := func(k int) []machineItem {
		items := listed()
		if k+1 < len(sources) {
			listed = listing(sources[k+1].list)
		}
		return items
	}
	k := 0
	for ; k < len(sources) && sources[k].first; k++ {
		// git's guides and file formats, then npm's and Node's
		// documents, first, on budgets of their own.
		take(next(k), sources[k].own)
	}
	var total int64
	for i := 0; k < len(sources); i, k = i+1, k+1 {
		items := next(k)
		// What a source leaves unused goes to the ones after it.
		share := lim.MaxBytes - total
		if i < shared {
			share /= int64(shared - i)
		}
		total += take(items, share)
		if ctx.Err() != nil || total >= lim.MaxBytes {
			break
		}
	}
	return docs, ctx.Err() == nil
}

// machineItem loads one document of a source: its text, or false when
// the file cannot be read (it is passed over).
type machineItem func() (string, bool)

// listing starts list on a goroutine of its own and returns what waits
// for its result.
func listing(list func() []machineItem) func() []machineItem {
	done := make(chan []machineItem, 1)
	go func() { done <- list() }()
	return func() []machineItem { return <-done }
}

// readPool loads documents on its goroutines.
type readPool struct {
	jobs  chan *readJob
	ahead int // documents of a source loaded ahead of the one taken
	wg    sync.WaitGroup
}

// readJob is one document, its text loaded (ok) when done is closed;
// ended says its source took what it needed: it is no longer loaded.
type readJob struct {
	load  machineItem
	ended *atomic.Bool
	done  chan struct{}
	text  string
	ok    bool
}

func newReadPool(workers int) *readPool {
	p := &readPool{jobs: make(chan *readJob, 4*workers), ahead: 4 * workers}
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for j := range p.jobs {
				if !j.ended.Load() {
					j.text, j.ok = j.load()
				}
				close(j.done)
			}
		}()
	}
	return p
}

// each calls take with a source's documents in order, each loaded ahead
// of its turn, until take says stop or they run out; those loaded ahead
// of the stop are dropped, and those not yet loaded never are. A file
// that cannot be read is passed over.
func (p *readPool) each(items []machineItem, take func(string) bool) {
	ended := new(atomic.Bool)
	defer ended.Store(true)
	var queue []*readJob
	next := 0
	for {
		for next < len(items) && len(queue) < p.ahead {
			j := &readJob{load: items[next], ended: ended, done: make(chan struct{})}
			p.jobs <- j
			queue = append(queue, j)
			next++
		}
		if len(queue) == 0 {
			return
		}
		j := queue[0]
		queue = queue[1:]
		<-j.done
		if j.ok && !take(j.text) {
			return
		}
	}
}

// close waits for the goroutines, once every document sent is done.
func (p *readPool) close() {
	close(p.jobs)
	p.wg.Wait()
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

// goItems is the standard library's comments (commands last: compiler
// internals are jargon), after the distribution's documents.
func goItems(root string) []machineItem {
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
	var items []machineItem
	docs, _ := filepath.Glob(filepath.Join(root, "doc", "*"))
	for _, p := range docs {
		items = append(items, func() (string, bool) {
			data, err := os.ReadFile(p)
			if err != nil {
				return "", false
			}
			s := string(data)
			if strings.HasSuffix(p, ".html") {
				s = stripHTML(s)
			}
			return s, true
		})
	}
	return append(items, extracted(files)...)
}

// extracted loads each file's comments or prose (Extract).
func extracted(files []string) []machineItem {
	items := make([]machineItem, len(files))
	for i, p := range files {
		items[i] = func() (string, bool) {
			data, err := os.ReadFile(p)
			if err != nil {
				return "", false
			}
			return Extract(p, data), true
		}
	}
	return items
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

// pythonItems is the standard library's docstrings and comments (not
// tests, not third-party packages).
func pythonItems(root string) []machineItem {
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
	return extracted(files)
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

func stripHTML(s string) string { return htmlTag.ReplaceAllString(s, " ") }

// manItems is the English manual pages of sections 1, 5, 7 and 8
// (commands, file formats, overviews, administration), but for git's
// guides and file formats when gitItems has them already.
func manItems(dir string, skipGit bool) []machineItem {
	var items []machineItem
	for _, sec := range []string{"man1", "man7", "man5", "man8"} {
		files, _ := filepath.Glob(filepath.Join(dir, sec, "*"))
		for _, p := range files {
			if skipGit && sec != "man1" && strings.HasPrefix(filepath.Base(p), "git") {
				continue
			}
			items = append(items, manItem(p))
		}
	}
	return items
}

// gitItems is git's guides and file formats: its manual pages of
// section 7 (gitglossary, gitworkflows, gitrevisions, gitcli…) and
// section 5 (githooks, gitattributes, gitignore…). Every history git scry
// indexes is a git history, and these pages explain the words of its work
// (branches, patches, hooks, line endings, tags). Its command pages
// (section 1) are left to the other manual pages: with them, our query
// set hardest for word matching gained more, and the lefthook sets lost
// what it gained (docs/benchmarks.md).
func gitItems(dir string) []machineItem {
	var items []machineItem
	for _, sec := range []string{"man7", "man5"} {
		files, _ := filepath.Glob(filepath.Join(dir, sec, "git*"))
		for _, p := range files {
			items = append(items, manItem(p))
		}
	}
	return items
}

// manItem loads a manual page as text ("" when it cannot be read).
func manItem(p string) machineItem {
	return func() (string, bool) { return readMan(p), true }
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

// jsItems is npm's documents (its guides and file formats: package.json,
// scripts, workspaces, lockfiles, configuration; then its commands), then
// Node.js's API documents, the modules most programs use first. Both are
// markdown, extracted as the repository's own documents are.
func jsItems(npmDocs, nodeDocs string) []machineItem {
	var files []string
	if npmDocs != "" && npmDocs != "-" {
		for _, dir := range []string{"configuring-npm", "using-npm", "commands"} {
			m, _ := filepath.Glob(filepath.Join(npmDocs, dir, "*.md"))
			files = append(files, m...)
		}
	}
	if nodeDocs != "" && nodeDocs != "-" {
		m, _ := filepath.Glob(filepath.Join(nodeDocs, "*.md"))
		rank := func(p string) int {
			if i := slices.Index(nodeFirst, strings.TrimSuffix(filepath.Base(p), ".md")); i >= 0 {
				return i
			}
			return len(nodeFirst)
		}
		sort.SliceStable(m, func(i, j int) bool { return rank(m[i]) < rank(m[j]) })
		files = append(files, m...)
	}
	return extracted(files)
}

// nodeFirst are Node.js's API documents of what most programs use
// (processes, files, streams, modules and packages, errors, tests),
// read before the specialised ones (crypto, N-API, HTTP/2, V8…).
var nodeFirst = []string{
	"cli", "process", "child_process", "fs", "path", "stream", "events", "errors", "modules",
	"esm", "packages", "test", "worker_threads", "url", "os", "util", "assert", "buffer",
	"timers", "readline", "console",
}

// findNpmDocs finds npm's documents: its package's docs/content, beside
// the npm-cli.js the npm on PATH links to (a distribution's package,
// nvm, Homebrew), else under the global node_modules that npm names
// ("" when neither has them).
func findNpmDocs() string {
	content := func(pkg string) string {
		d := filepath.Join(pkg, "docs", "content")
		if m, _ := filepath.Glob(filepath.Join(d, "*", "*.md")); len(m) == 0 {
			return ""
		}
		return d
	}
	bin, err := exec.LookPath("npm")
	if err != nil {
		return ""
	}
	if p, err := filepath.EvalSymlinks(bin); err == nil && filepath.Base(filepath.Dir(p)) == "bin" {
		if d := content(filepath.Dir(filepath.Dir(p))); d != "" {
			return d
		}
	}
	if root := askPath(5*time.Second, nil, "npm", "root", "-g"); root != "" {
		return content(filepath.Join(root, "npm"))
	}
	return ""
}

// findNodeDocs finds Node.js's API documents in markdown: Debian's and
// NodeSource's packages put them in share/doc/nodejs/api under the
// prefix of the node on PATH (official builds and Homebrew ship none).
func findNodeDocs() string {
	bin, err := exec.LookPath("node")
	if err != nil {
		if bin, err = exec.LookPath("nodejs"); err != nil {
			return ""
		}
	}
	if p, err := filepath.EvalSymlinks(bin); err == nil {
		bin = p
	}
	prefix := filepath.Dir(filepath.Dir(bin))
	for _, d := range []string{filepath.Join(prefix, "share", "doc", "nodejs", "api"), filepath.Join(prefix, "share", "doc", "node", "api")} {
		if m, _ := filepath.Glob(filepath.Join(d, "*.md")); len(m) > 0 {
			return d
		}
	}
	return ""
}
