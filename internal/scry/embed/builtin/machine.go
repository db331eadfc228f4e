package builtin

import (
	"bufio"
	"compress/gzip"
	"context"
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
	MaxBytes int64         // extracted text kept (default 12 MiB)
	Timeout  time.Duration // default 8 s
	// Roots overrides where to look (default: the Go distribution's
	// source and documentation, then the manual pages).
	GoRoot, ManDir string
}

func (l *MachineLimits) defaults() {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 12 << 20
	}
	if l.Timeout <= 0 {
		l.Timeout = 8 * time.Second
	}
	if l.GoRoot == "" {
		l.GoRoot = findGoRoot()
	}
	if l.ManDir == "" {
		l.ManDir = "/usr/share/man"
	}
}

// MachineDocuments collects general technical English that developer
// machines carry: the comments and documents of the Go distribution and
// the English manual pages. Whatever is missing is skipped; none of it is
// an error. It stops at the size or time limit.
func MachineDocuments(ctx context.Context, lim MachineLimits) ([]string, error) {
	lim.defaults()
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	var docs []string
	var total int64
	add := func(s string) bool {
		if s == "" {
			return true
		}
		docs = append(docs, s)
		total += int64(len(s))
		return total < lim.MaxBytes && ctx.Err() == nil
	}
	// Half the budget for each source, so neither crowds out the other.
	half := lim.MaxBytes / 2
	if lim.GoRoot != "" {
		goDocs(lim.GoRoot, func(s string) bool { return add(s) && total < half })
	}
	if ctx.Err() == nil {
		manPages(lim.ManDir, add)
	}
	return docs, nil
}

func findGoRoot() string {
	if r := os.Getenv("GOROOT"); r != "" {
		return r
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	for _, r := range []string{"/usr/local/go", "/usr/lib/go"} {
		if _, err := os.Stat(filepath.Join(r, "src")); err == nil {
			return r
		}
	}
	return ""
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

var htmlTag = regexp.MustCompile(`<[^>]*>`)

func stripHTML(s string) string { return htmlTag.ReplaceAllString(s, " ") }

// manPages feeds the English manual pages of sections 1, 5, 7 and 8
// (commands, file formats, overviews, administration) to add.
func manPages(dir string, add func(string) bool) {
	for _, sec := range []string{"man1", "man7", "man5", "man8"} {
		files, _ := filepath.Glob(filepath.Join(dir, sec, "*"))
		for _, p := range files {
			s := readMan(p)
			if !add(s) {
				return
			}
		}
	}
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
