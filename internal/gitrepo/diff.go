package gitrepo

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"
)

// AddedLine is one line a commit (or the index) adds to a file.
type AddedLine struct {
	Commit string // "" for staged changes
	Path   string
	Line   int // line number in the new file
	Text   []byte
}

// RevList lists the commits git rev-list selects with args.
func (r *Repo) RevList(ctx context.Context, args ...string) ([]string, error) {
	out, err := r.Git(ctx, append([]string{"rev-list"}, args...)...)
	if err != nil || out == "" {
		return nil, err
	}
	return strings.Split(out, "\n"), nil
}

// UnresolvedRangeEnd returns an end of the range A..B (or A...B) that
// names nothing here, "" when both name something; an end left out is
// HEAD, as git reads it. An end is resolved as a name, not walked: a
// full hash of a commit this clone lacks resolves, and the walk fails on
// it as on any missing object. An end starting with "-" is taken as a
// revision, never an option, and so names nothing.
func (r *Repo) UnresolvedRangeEnd(ctx context.Context, rng string) string {
	a, b, ok := strings.Cut(rng, "...")
	if !ok {
		a, b, _ = strings.Cut(rng, "..")
	}
	for _, end := range []string{a, b} {
		name := end
		if name == "" {
			name = "HEAD"
		}
		if _, err := r.Git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", name); err != nil {
			return name
		}
	}
	return ""
}

// HasObject reports whether the object named by hash is in the repository.
func (r *Repo) HasObject(ctx context.Context, hash string) bool {
	_, err := r.Git(ctx, "cat-file", "-e", hash+"^{commit}")
	return err == nil
}

// diffArgs keep the patch's paths unquoted whatever the user's
// configuration (the prefixes are given on the command line, below).
var diffArgs = []string{"-c", "core.quotePath=false"}

// EachAddedLine streams the lines added by commits (their own diffs
// against their first parent; merges add nothing of their own), or by the
// index against HEAD when commits is nil. Binary files are skipped. The
// Text slice is only valid during fn.
func (r *Repo) EachAddedLine(ctx context.Context, commits []string, fn func(*AddedLine) error) error {
	// --submodule=short: a gitlink's change is one line, not the lines
	// the submodule's own commits added (diff.submodule=diff), which
	// belong to its history and are guarded where it is pushed.
	// The a/ and b/ prefixes are given, as the index's diff reader gives
	// them: they override diff.noprefix, diff.mnemonicPrefix and git
	// 2.45's diff.srcPrefix and diff.dstPrefix alike. No colour, no
	// external diff or textconv driver, no context lines.
	patch := []string{"-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--submodule=short", "--src-prefix=a/", "--dst-prefix=b/"}
	var args []string
	var stdin io.Reader
	if commits == nil {
		args = append(append(append([]string{}, diffArgs...), "diff", "--cached"), patch...)
		if !r.HasCommits(ctx) {
			args = append(args, "--root")
		}
	} else {
		if len(commits) == 0 {
			return nil
		}
		// --root: a root commit's lines whatever log.showRoot says.
		args = append(append(append([]string{}, diffArgs...), "log", "--no-show-signature", "--no-walk=unsorted", "--stdin", "--root", "--format=%x00commit %H"), patch...)
		stdin = strings.NewReader(strings.Join(commits, "\n") + "\n")
	}
	return r.stream(ctx, stdin, func(rd io.Reader) error { return parsePatch(rd, fn) }, args...)
}

func parsePatch(rd io.Reader, fn func(*AddedLine) error) error {
	br := bufio.NewReaderSize(rd, 256*1024)
	al := &AddedLine{}
	inHeader := false
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A very long line: gather it whole.
			long := append([]byte(nil), line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		text := bytes.TrimSuffix(line, []byte("\n"))
		switch {
		case bytes.HasPrefix(text, []byte("\x00commit ")):
			al.Commit = string(text[len("\x00commit "):])
			al.Path = ""
		case bytes.HasPrefix(text, []byte("diff --git ")):
			inHeader, al.Path = true, ""
		case inHeader && bytes.HasPrefix(text, []byte("+++ ")):
			// git ends a path holding spaces with a tab.
			p := strings.TrimSuffix(string(text[4:]), "\t")
			switch {
			case p == "/dev/null":
				al.Path = ""
			case strings.HasPrefix(p, `"`):
				if u, err := strconv.Unquote(p); err == nil {
					p = u
				}
				al.Path = strings.TrimPrefix(p, "b/")
			default:
				al.Path = strings.TrimPrefix(p, "b/")
			}
		case bytes.HasPrefix(text, []byte("@@ ")):
			inHeader = false
			al.Line = hunkStart(text)
		case !inHeader && al.Path != "" && len(text) > 0 && text[0] == '+':
			al.Text = text[1:]
			if ferr := fn(al); ferr != nil {
				return ferr
			}
			al.Line++
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// hunkStart reads c from "@@ -a,b +c,d @@".
func hunkStart(h []byte) int {
	i := bytes.Index(h, []byte(" +"))
	if i < 0 {
		return 0
	}
	rest := h[i+2:]
	end := bytes.IndexAny(rest, ", ")
	if end < 0 {
		return 0
	}
	n, _ := strconv.Atoi(string(rest[:end]))
	return n
}
