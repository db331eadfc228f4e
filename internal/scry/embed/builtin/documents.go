package builtin

import (
	"bytes"
	"context"
	"errors"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// Limits bound what RepoDocuments reads.
type Limits struct {
	MaxFiles     int           // default 4000
	MaxFileBytes int64         // a larger file is skipped (default 512 KiB)
	MaxBytes     int64         // total blob bytes read (default 4 MiB)
	Timeout      time.Duration // default 10 s
}

func (l *Limits) defaults() {
	if l.MaxFiles <= 0 {
		l.MaxFiles = 4000
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = 512 << 10
	}
	if l.MaxBytes <= 0 {
		l.MaxBytes = 4 << 20
	}
	if l.Timeout <= 0 {
		l.Timeout = 10 * time.Second
	}
}

// RepoDocuments collects the prose of the repository at HEAD — markdown
// and other text documents whole, the comments of source files — for the
// model to learn from. Vendored, generated, minified and binary files are
// skipped; documents come before source files, small before large, until
// a limit is reached. A repository without commits has no documents. A
// timeout returns what was read so far.
func RepoDocuments(ctx context.Context, repo *gitrepo.Repo, lim Limits) ([]string, error) {
	lim.defaults()
	if !repo.HasCommits(ctx) {
		return nil, nil
	}
	entries, err := repo.ListTree(ctx, "HEAD")
	if err != nil {
		return nil, err
	}
	type cand struct {
		e    gitrepo.TreeEntry
		kind fileKind
	}
	var cands []cand
	for _, e := range entries {
		if e.Size <= 0 || e.Size > lim.MaxFileBytes || e.Mode == "120000" || skipPath(e.Path) {
			continue
		}
		if k := kindOf(e.Path); k != kindNone {
			cands = append(cands, cand{e, k})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if (a.kind == kindProse) != (b.kind == kindProse) {
			return a.kind == kindProse
		}
		return a.e.Size < b.e.Size
	})
	var oids []string
	var total int64
	for _, c := range cands {
		if len(oids) == lim.MaxFiles || total+c.e.Size > lim.MaxBytes {
			break
		}
		oids = append(oids, c.e.Object)
		total += c.e.Size
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	var docs []string
	_, err = repo.ReadBlobs(ctx, oids, func(i int, data []byte) error {
		if t := Extract(cands[i].e.Path, data); t != "" {
			docs = append(docs, t)
		}
		return nil
	})
	if err != nil && ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return docs, nil // out of time: learn from what was read
	}
	return docs, err
}

type fileKind int

const (
	kindNone  fileKind = iota
	kindProse          // the whole file is text
	kindSlash          // // and /* */ comments
	kindHash           // # comments (and Python docstrings)
	kindDash           // -- comments
)

var extKinds = map[string]fileKind{
	".md": kindProse, ".markdown": kindProse, ".txt": kindProse, ".rst": kindProse,
	".adoc": kindProse, ".org": kindProse, ".mdx": kindProse,
	".go": kindSlash, ".c": kindSlash, ".h": kindSlash, ".cc": kindSlash, ".cpp": kindSlash,
	".hpp": kindSlash, ".java": kindSlash, ".kt": kindSlash, ".scala": kindSlash, ".swift": kindSlash,
	".js": kindSlash, ".mjs": kindSlash, ".cjs": kindSlash, ".ts": kindSlash, ".tsx": kindSlash,
	".jsx": kindSlash, ".rs": kindSlash, ".cs": kindSlash, ".php": kindSlash, ".dart": kindSlash,
	".zig": kindSlash, ".proto": kindSlash, ".groovy": kindSlash, ".m": kindSlash,
	".py": kindHash, ".rb": kindHash, ".sh": kindHash, ".bash": kindHash, ".zsh": kindHash,
	".pl": kindHash, ".r": kindHash, ".yml": kindHash, ".yaml": kindHash, ".toml": kindHash,
	".tf": kindHash, ".nix": kindHash, ".ps1": kindHash, ".ex": kindHash, ".exs": kindHash,
	".cr": kindHash, ".jl": kindHash, ".rake": kindHash, ".gemspec": kindHash,
	".sql": kindDash, ".lua": kindDash, ".hs": kindDash, ".elm": kindDash,
}

var nameKinds = map[string]fileKind{
	"readme": kindProse, "changelog": kindProse, "contributing": kindProse, "news": kindProse,
	"authors": kindNone, "license": kindNone, "copying": kindNone, "notice": kindNone,
	"makefile": kindHash, "dockerfile": kindHash, "rakefile": kindHash, "gemfile": kindHash,
	"justfile": kindHash, "containerfile": kindHash,
}

func kindOf(p string) fileKind {
	base := strings.ToLower(path.Base(p))
	if strings.Contains(base, ".min.") || strings.HasSuffix(base, ".lock") || strings.HasSuffix(base, "-lock.json") {
		return kindNone
	}
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	if k, ok := nameKinds[stem]; ok && (ext == "" || extKinds[ext] == kindProse) {
		return k
	}
	if k, ok := nameKinds[base]; ok {
		return k
	}
	return extKinds[ext]
}

// skipPath leaves out third-party and build trees and test fixtures:
// their prose is not the project's.
func skipPath(p string) bool {
	for _, dir := range strings.Split(path.Dir(p), "/") {
		switch strings.ToLower(dir) {
		case "vendor", "node_modules", "third_party", "third-party", "thirdparty", "external",
			"testdata", "fixtures", "dist", "build", "target", ".git", "bower_components", "__pycache__":
			return true
		}
	}
	return false
}

// Extract returns the prose of one file for learning: a document whole,
// a source file's comments (consecutive comment lines form a paragraph).
// Binary, generated and minified files give "".
func Extract(p string, data []byte) string {
	kind := kindOf(p)
	if kind == kindNone || len(data) == 0 {
		return ""
	}
	head := data[:min(len(data), 8000)]
	if bytes.IndexByte(head, 0) >= 0 || isGenerated(head) {
		return ""
	}
	if lines := bytes.Count(data, []byte{'\n'}) + 1; len(data)/lines > 400 {
		return "" // minified or data, not prose
	}
	switch kind {
	case kindProse:
		return string(data)
	case kindSlash:
		return slashComments(data)
	case kindHash:
		return lineComments(data, "#", strings.HasSuffix(p, ".py"))
	case kindDash:
		return lineComments(data, "--", false)
	}
	return ""
}

func isGenerated(head []byte) bool {
	h := head[:min(len(head), 1024)]
	return bytes.Contains(h, []byte("Code generated")) || bytes.Contains(h, []byte("DO NOT EDIT")) ||
		bytes.Contains(h, []byte("@generated")) || bytes.Contains(h, []byte("autogenerated"))
}

// slashComments extracts // and /* */ comments, skipping string and
// character literals (", ', `).
func slashComments(src []byte) string {
	var out strings.Builder
	inLine, inBlock := false, false
	var quote byte
	codeOnLine := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case inLine:
			if c == '\n' {
				inLine = false
				out.WriteByte('\n')
				codeOnLine = false
				continue
			}
			out.WriteByte(c)
		case inBlock:
			if c == '*' && i+1 < len(src) && src[i+1] == '/' {
				inBlock = false
				i++
				out.WriteString("\n\n")
				continue
			}
			if c == '*' && (i == 0 || src[i-1] == '\n' || src[i-1] == ' ' || src[i-1] == '\t') {
				continue // the "*" gutter of block comments
			}
			out.WriteByte(c)
		case quote != 0:
			if c == '\\' && quote != '`' {
				i++
			} else if c == quote || (c == '\n' && quote != '`') {
				quote = 0
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			if codeOnLine {
				out.WriteString("\n\n") // a trailing comment stands alone
			}
			inLine = true
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			inBlock = true
			i++
			out.WriteString("\n\n")
		case c == '"' || c == '`' || c == '\'':
			quote = c
			codeOnLine = true
		case c == '\n':
			if codeOnLine {
				out.WriteString("\n") // code between comments ends a paragraph
				out.WriteString("\n")
			}
			codeOnLine = false
		case c != ' ' && c != '\t' && c != '\r':
			codeOnLine = true
		}
	}
	return out.String()
}

// lineComments extracts comments starting with marker (and, for Python,
// triple-quoted docstrings). A docstring with a prefix (r""") is not
// recognised and its closing quotes are taken for an opening, so the code
// after it is read as prose and its file's later docstrings are dropped.
// A parse without that flaw learned a slightly worse model, with or
// without the code (docs/benchmarks.md, "Python docstrings parsed
// correctly"), so this one stays.
func lineComments(src []byte, marker string, docstrings bool) string {
	var out strings.Builder
	inDoc := false
	for line := range strings.Lines(string(src)) {
		t := strings.TrimSpace(line)
		if docstrings && inDoc {
			inDoc = !strings.Contains(t, `"""`)
			out.WriteString(strings.ReplaceAll(t, `"""`, "") + "\n")
			continue
		}
		if docstrings && strings.HasPrefix(t, `"""`) {
			body := t[3:]
			inDoc = !strings.Contains(body, `"""`)
			out.WriteString(strings.ReplaceAll(body, `"""`, "") + "\n")
			continue
		}
		if i := strings.Index(t, marker); i >= 0 && !strings.HasPrefix(t, "#!") && (i == 0 || t[i-1] == ' ') {
			if i > 0 {
				out.WriteByte('\n')
			}
			out.WriteString(strings.TrimLeft(t[i:], marker+"!"))
			out.WriteByte('\n')
			continue
		}
		out.WriteByte('\n')
	}
	return out.String()
}
