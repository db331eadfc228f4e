// Package replay rebuilds a recorded commit history (the JSONL corpora
// under shared/corpora: sha, date, subject, body, files with numstat) as a
// real git repository, through git fast-import. Messages, dates and paths
// are the recorded ones; file contents are synthetic, sized by the numstat
// and made of identifier-like lines drawn from the commit's own words, so
// indexing, search and scanning see realistic diffs. Tests and benchmarks
// use it; the output is deterministic, so the same input gives the same
// commit hashes.
package replay

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/sourcetree"
)

// File is one changed file with its numstat; nil counts mean binary.
type File struct {
	Path    string `json:"path"`
	Added   *int   `json:"added"`
	Deleted *int   `json:"deleted"`
}

// Commit is one recorded commit.
type Commit struct {
	Sha     string `json:"sha"`
	Date    string `json:"date"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Files   []File `json:"files"`
}

// LefthookCorpus is the path of the recorded lefthook history shipped in
// testdata/corpora of verdigris's source tree (found from the working
// directory up).
func LefthookCorpus() string {
	root, err := sourcetree.Root()
	if err != nil {
		root = "."
	}
	return filepath.Join(root, "testdata", "corpora", "lefthook-commits.jsonl")
}

// Load reads a JSONL corpus. The corpora list commits newest first; Load
// returns them oldest first, the order they are replayed in.
func Load(path string) ([]Commit, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Commit
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var c Commit
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Options shape the replay.
type Options struct {
	// Rounds > 1 replays the history that many times in a row (dates moved
	// forward, subjects marked with the round) for large-history benchmarks.
	Rounds int
	// MaxLines caps a synthetic file's length so repeated rounds stay cheap.
	MaxLines int
	// Branch receives the history; default "main".
	Branch string
	// AgentSignature is the fraction (0 to 1) of the commits whose
	// message carries an AI coding agent's signature, as the agent's
	// commits do; which ones is decided by their recorded sha, so the
	// same commits on every run.
	AgentSignature float64
	// Agent is whose signature: "claude-code" (the default:
	// ClaudeCodeSignature at the end of the message) or "aider" (older
	// aider's AiderPrefix before the subject).
	Agent string
	// Bots interleaves that many automated commits into the history,
	// spread evenly over it (bots.go): the repeated messages of a busy
	// project's CI and dependency bots, each touching the file such a
	// bot touches. The same commits for the same number on every run.
	Bots int
}

// Agents are the signatures Options.Agent may name.
var Agents = []string{"claude-code", "aider"}

// ClaudeCodeSignature is what Claude Code appends to every commit
// message it writes: a body paragraph and a co-author trailer.
const ClaudeCodeSignature = "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>"

// AiderPrefix is what aider put before the subject of its commits
// (before its Co-authored-by trailer; since then, with
// --attribute-commit-message-author).
const AiderPrefix = "aider: "

// signed says whether the commit recorded as sha gets the signature.
func signed(sha string, frac float64) bool {
	return frac > 0 && float64(hash("signature/"+sha)%10000) < frac*10000
}

// Result maps each recorded sha to the replayed commit's hash (for the
// first round).
type Result struct {
	Hashes  map[string]string
	Commits int
}

var authors = []string{
	"Ada Lovelace <ada@example.com>",
	"Grace Hopper <grace@example.com>",
	"Ken Thompson <ken@example.com>",
	"Barbara Liskov <barbara@example.com>",
	"Edsger Dijkstra <edsger@example.com>",
}

// Build replays commits into the repository at dir, creating it if needed.
func Build(ctx context.Context, dir string, commits []Commit, opt Options) (*Result, error) {
	if opt.Rounds < 1 {
		opt.Rounds = 1
	}
	if opt.MaxLines <= 0 {
		opt.MaxLines = 400
	}
	if opt.Branch == "" {
		opt.Branch = "main"
	}
	if opt.Agent == "" {
		opt.Agent = Agents[0]
	}
	if !slices.Contains(Agents, opt.Agent) {
		return nil, fmt.Errorf("unknown agent %q (known: %s)", opt.Agent, strings.Join(Agents, ", "))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r, err := gitrepo.Init(ctx, dir, opt.Branch)
	if err != nil {
		return nil, err
	}
	marks := filepath.Join(r.GitDir, "replay-marks")
	// fast-import reads the stream as write makes it; a failed import
	// closes the pipe, which stops write.
	pr, pw := io.Pipe()
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		err := write(w, commits, opt)
		if err == nil {
			err = w.Flush()
		}
		pw.CloseWithError(err)
		werr <- err
	}()
	_, ierr := r.GitInput(ctx, pr, "fast-import", "--quiet", "--done", "--export-marks="+marks)
	pr.CloseWithError(io.ErrClosedPipe)
	// A failed write is why the import failed; a failed import is why
	// the write found the pipe closed.
	if err := <-werr; err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return nil, err
	}
	if ierr != nil {
		return nil, ierr
	}
	if _, err := r.Git(ctx, "checkout", "-q", "-f", opt.Branch); err != nil {
		return nil, err
	}
	res := &Result{Hashes: map[string]string{}, Commits: len(commits)*opt.Rounds + max(opt.Bots, 0)}
	data, err := os.ReadFile(marks)
	if err != nil {
		return nil, err
	}
	byMark := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		if m, h, ok := strings.Cut(l, " "); ok {
			byMark[m] = h
		}
	}
	for i, c := range commits {
		res.Hashes[c.Sha] = byMark[fmt.Sprintf(":%d", i+1)]
	}
	return res, os.Remove(marks)
}

func write(w io.Writer, commits []Commit, opt Options) error {
	files := map[string][]string{} // path → current lines
	// Each round starts the day after the previous one ended. Counted in
	// days: rounds × a multi-year span in nanoseconds overflows a Duration.
	spanDays := 0
	if len(commits) > 1 {
		first, _ := parseDate(commits[0].Date)
		last, _ := parseDate(commits[len(commits)-1].Date)
		spanDays = int(last.Sub(first).Hours()/24) + 1
	}
	// A recorded commit's mark is its place in the replay (Build finds
	// round 0's by it); bots' marks follow all of them.
	mark, prev, total := 0, 0, len(commits)*opt.Rounds
	bots := newBotWriter(opt, total)
	for round := 0; round < opt.Rounds; round++ {
		for _, c := range commits {
			mark++
			when, err := parseDate(c.Date)
			if err != nil {
				return fmt.Errorf("commit %s: %w", c.Sha, err)
			}
			when = when.AddDate(0, 0, round*spanDays)
			sign := signed(c.Sha, opt.AgentSignature)
			msg := c.Subject
			if sign && opt.Agent == "aider" {
				msg = AiderPrefix + msg
			}
			if round > 0 {
				msg = fmt.Sprintf("%s (round %d)", msg, round+1)
			}
			if strings.TrimSpace(c.Body) != "" {
				msg += "\n\n" + strings.TrimRight(c.Body, "\n")
			}
			if sign && opt.Agent == "claude-code" {
				msg += "\n\n" + ClaudeCodeSignature
			}
			msg += "\n"
			author := authors[hash(c.Sha)%uint32(len(authors))]
			stamp := fmt.Sprintf("%d %s", when.Unix(), when.Format("-0700"))
			fmt.Fprintf(w, "commit refs/heads/%s\nmark :%d\nauthor %s %s\ncommitter %s %s\ndata %d\n%s", opt.Branch, mark, author, stamp, author, stamp, len(msg), msg)
			if prev > 0 {
				fmt.Fprintf(w, "from :%d\n", prev)
			}
			prev = mark
			words := vocabulary(c)
			for k, f := range c.Files {
				if f.Path == "" || strings.Contains(f.Path, "\n") {
					continue
				}
				if f.Added == nil || f.Deleted == nil {
					blob := binaryBlob(c.Sha, f.Path, round)
					fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n", quotePath(f.Path), len(blob))
					w.Write(blob)
					w.Write([]byte("\n"))
					continue
				}
				lines := files[f.Path]
				del := *f.Deleted
				if del > len(lines) {
					del = len(lines)
				}
				// Deleted lines come from the middle so both ends of a file
				// stay stable, the way real edits mostly look.
				at := (len(lines) - del) / 2
				lines = append(lines[:at:at], lines[at+del:]...)
				for j := 0; j < *f.Added; j++ {
					lines = append(lines, synthLine(words, c.Sha, k, j, round))
				}
				if len(lines) > opt.MaxLines {
					lines = lines[len(lines)-opt.MaxLines:]
				}
				files[f.Path] = lines
				content := strings.Join(lines, "\n")
				if len(lines) > 0 {
					content += "\n"
				}
				fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", quotePath(f.Path), len(content), content)
			}
			fmt.Fprintln(w)
			prev = bots.after(w, mark-1, when, files, prev)
		}
	}
	_, err := fmt.Fprintln(w, "done")
	return err
}

func parseDate(s string) (time.Time, error) {
	return time.Parse(time.RFC3339, s)
}

func hash(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// vocabulary draws identifier parts from the commit's subject and paths.
func vocabulary(c Commit) []string {
	seen := map[string]bool{}
	var words []string
	add := func(s string) {
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len(w) > 2 && !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
	}
	add(c.Subject)
	for _, f := range c.Files {
		add(filepath.Base(f.Path))
	}
	if len(words) == 0 {
		words = []string{"value"}
	}
	sort.Strings(words)
	return words
}

func synthLine(words []string, sha string, file, n, round int) string {
	h := hash(fmt.Sprintf("%s/%d/%d/%d", sha, file, n, round))
	a := words[int(h)%len(words)]
	b := words[int(h>>8)%len(words)]
	name := a + strings.ToUpper(b[:1]) + b[1:]
	switch h % 4 {
	case 0:
		return fmt.Sprintf("func %s%d() error { return nil }", name, h%1000)
	case 1:
		return fmt.Sprintf("\t%s_%s := %d", a, b, h%10000)
	case 2:
		return fmt.Sprintf("// %s %s handles %s", a, b, words[int(h>>16)%len(words)])
	default:
		return fmt.Sprintf("\tif err := %s(ctx); err != nil { return err }", name)
	}
}

func binaryBlob(sha, path string, round int) []byte {
	h := hash(sha + path + fmt.Sprint(round))
	b := make([]byte, 64)
	for i := range b {
		h = h*1664525 + 1013904223
		b[i] = byte(h >> 24)
	}
	b[0] = 0 // a NUL byte makes git treat it as binary
	return b
}

func quotePath(p string) string {
	if strings.ContainsAny(p, "\" \t\\") || strings.HasPrefix(p, "\"") {
		return fmt.Sprintf("%q", p)
	}
	return p
}

// Lookup returns the replayed hash of a recorded commit named by a sha or
// an unambiguous sha prefix.
func (r *Result) Lookup(prefix string) (string, bool) {
	found := ""
	for orig, h := range r.Hashes {
		if strings.HasPrefix(orig, prefix) {
			if found != "" {
				return "", false
			}
			found = h
		}
	}
	return found, found != ""
}
