package gitrepo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// FileChange is one file a commit changed, relative to its first parent
// (or the empty tree for a root commit); renames only with
// DiffOptions.Renames.
type FileChange struct {
	Path             string
	OldPath          string // the path before a rename ('R'), else ""
	Status           byte   // 'A' added, 'M' modified, 'D' deleted, 'T' type changed, 'R' renamed
	OldMode, NewMode string
	OldBlob, NewBlob string // all zeros on the side that does not exist
	// Added and Deleted count lines; -1 for binary files and when the
	// patch was not read.
	Added, Deleted int
	Binary         bool
}

// CommitDiff is a commit and the files it changed.
type CommitDiff struct {
	Commit
	Files []FileChange
	// Patched is true when the patch was read: line counts are known and
	// OnLine has seen every changed line.
	Patched bool
}

// DiffOptions shape a DiffCommits stream.
type DiffOptions struct {
	// Patch reads the patch text: line counts, and OnLine for every added
	// or removed line. Without it only the changed paths are listed, which
	// reads trees but never a blob.
	Patch bool
	// OnLine receives, for the commit being read, each added or removed
	// line without its +/- marker and each hunk header's section text,
	// with the index of its file in Files. The slice is valid only during
	// the call.
	OnLine func(file int, line []byte)
	// SkipLines, when set, names the files whose changed lines OnLine
	// is not given: it is asked once a file, when its section of the
	// patch begins, with the commit being read (its Files all listed, as
	// the raw lines come first) and the file's index in Files. The
	// skipped lines are still counted.
	SkipLines func(c *CommitDiff, file int) bool
	// OnAdded receives each added line without its marker and with its
	// number in the new file, and the commit it belongs to (a Hash of ""
	// for the staged changes). The slice is valid only during the call.
	OnAdded func(c *CommitDiff, file, line int, text []byte)
	// Renames detects renamed files (git's -M): a renamed file is one
	// change, and only the lines it changed are added, not all of them.
	Renames bool
	// BigFile is the size above which git treats a file as binary and
	// skips its diff (core.bigFileThreshold); 0 keeps git's default.
	BigFile string
	// Env is added to git's environment (NoLazyFetch).
	Env []string
}

// DiffStreamError is a diff stream that git ended early, typically on a
// missing object: commits before Failed were delivered, Failed was not.
type DiffStreamError struct {
	Failed string // the commit being read when git failed ("" if none)
	Err    error
}

func (e *DiffStreamError) Error() string {
	if e.Failed == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("reading commit %s: %v", Short(e.Failed), e.Err)
}

func (e *DiffStreamError) Unwrap() error { return e.Err }

const (
	diffHeaderStart = "\x00\x01"
	diffHeaderEnd   = "\x00\x02"
	diffFormat      = "--format=%x00%x01%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B%x00%x02"
)

// DiffCommits streams the given commits, in the given order, each with
// its changed files (and patch, see DiffOptions), to fn. It is one git
// process for any number of commits: git log --no-walk over an explicit
// list, which is how whole histories are read at the speed of git log -p.
func (r *Repo) DiffCommits(ctx context.Context, hashes []string, opt DiffOptions, fn func(*CommitDiff) error) error {
	if len(hashes) == 0 {
		return nil
	}
	// Paths are matched between the raw lines and the patch headers in
	// git's quoted form, whatever the user's core.quotePath.
	args := []string{"-c", "core.quotePath=true"}
	if opt.BigFile != "" {
		args = append(args, "-c", "core.bigFileThreshold="+opt.BigFile)
	}
	// --root: a root commit's files whatever log.showRoot says.
	// --submodule=short: a gitlink's change is one line, not the
	// submodule's own log or diff (diff.submodule), which belongs to
	// the submodule's history and depends on what is checked out.
	// --ignore-submodules=none: and it is shown, whatever
	// diff.ignoreSubmodules or a submodule's ignore setting say.
	args = append(args, "log", "--no-show-signature", "--no-walk=unsorted", "--stdin", "--root", "--encoding=UTF-8", diffFormat)
	args = append(args, opt.diffArgs()...)
	return r.readDiff(ctx, args, opt.Env, func(w *bufio.Writer) {
		for _, h := range hashes {
			w.WriteString(h)
			w.WriteByte('\n')
		}
	}, &diffParser{opt: opt, fn: fn})
}

// diffArgs are the options of git's diff output that the parser reads,
// shared by git log and git diff.
func (opt DiffOptions) diffArgs() []string {
	// --submodule=short: a gitlink's change is one line, not the
	// submodule's own log or diff (diff.submodule), which belongs to
	// the submodule's history and depends on what is checked out.
	// --ignore-submodules=none: and it is shown, whatever
	// diff.ignoreSubmodules or a submodule's ignore setting say.
	args := []string{"--submodule=short", "--ignore-submodules=none", "--raw", "--no-abbrev", "--no-color", "--no-ext-diff", "--no-textconv"}
	if opt.Renames {
		args = append(args, "-M")
	} else {
		args = append(args, "--no-renames")
	}
	if opt.Patch {
		// The prefixes the "diff --git" headers are matched with,
		// whatever diff.noprefix or diff.srcPrefix say.
		args = append(args, "-p", "--unified=0", "--src-prefix=a/", "--dst-prefix=b/")
	}
	return args
}

// DiffStaged streams the staged changes (the index against HEAD, or
// against the empty tree before the first commit) to fn as one
// CommitDiff with an empty Hash, read as DiffCommits reads a commit.
func (r *Repo) DiffStaged(ctx context.Context, opt DiffOptions, fn func(*CommitDiff) error) error {
	args := []string{"-c", "core.quotePath=true", "diff", "--cached"}
	if !r.HasCommits(ctx) {
		args = append(args, "--root")
	}
	args = append(args, opt.diffArgs()...)
	return r.readDiff(ctx, args, opt.Env, nil, &diffParser{opt: opt, fn: fn, cur: &CommitDiff{Patched: opt.Patch}, file: -1})
}

// readDiff runs git with args (and env added to its environment),
// writing its stdin with input when it is not nil, and has p parse its
// output to the end; then it waits for git.
func (r *Repo) readDiff(ctx context.Context, args, env []string, input func(*bufio.Writer), p *diffParser) error {
	cmd := r.command(ctx, args...)
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var stdin io.WriteCloser
	if input != nil {
		var err error
		if stdin, err = cmd.StdinPipe(); err != nil {
			return err
		}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if input != nil {
		go func() {
			w := bufio.NewWriter(stdin)
			input(w)
			w.Flush()
			stdin.Close()
		}()
	}
	perr := p.parse(bufio.NewReaderSize(stdout, 1<<20))
	if perr != nil {
		_ = cmd.Process.Kill()
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		return perr
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		failed := ""
		if p.cur != nil {
			failed = p.cur.Hash
		}
		return &DiffStreamError{Failed: failed, Err: &Error{Args: args, Stderr: stderr.String(), Err: err}}
	}
	return p.flush()
}

type diffParser struct {
	opt DiffOptions
	fn  func(*CommitDiff) error
	cur *CommitDiff

	file     int // index in cur.Files of the file section being read
	expected []string
	oldLeft  int // lines of the current hunk still to come
	newLeft  int
	newLine  int // the number in the new file of the next added line
	inHunk   bool
	skip     bool // OnLine is not given the current file's lines (SkipLines)
}

func (p *diffParser) flush() error {
	if p.cur == nil {
		return nil
	}
	c := p.cur
	p.cur = nil
	return p.fn(c)
}

func (p *diffParser) parse(rd *bufio.Reader) error {
	var long []byte
	for {
		line, err := rd.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer (minified files): assemble it.
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = rd.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) > 0 {
			if bytes.HasPrefix(line, []byte(diffHeaderStart)) {
				if ferr := p.flush(); ferr != nil {
					return ferr
				}
				hdr, herr := readHeader(rd, line)
				if herr != nil {
					return herr
				}
				c, perr := parseHeader(hdr)
				if perr != nil {
					return perr
				}
				c.Patched = p.opt.Patch
				p.cur, p.file, p.expected, p.inHunk = c, -1, p.expected[:0], false
			} else if p.cur != nil {
				p.line(bytes.TrimSuffix(line, []byte("\n")))
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// readHeader collects the lines of a commit header (its message may span
// lines) up to the end marker.
func readHeader(rd *bufio.Reader, first []byte) ([]byte, error) {
	hdr := append([]byte(nil), first...)
	// Only the line just read is searched for the marker, which never
	// spans lines: searching the whole header each time made a message
	// of many lines quadratic (minutes for a few MB).
	done := bytes.Contains(first, []byte(diffHeaderEnd))
	for !done {
		more, err := rd.ReadBytes('\n')
		hdr = append(hdr, more...)
		done = bytes.Contains(more, []byte(diffHeaderEnd))
		if err != nil && !done {
			return nil, fmt.Errorf("git log: truncated commit header")
		}
	}
	return hdr, nil
}

func parseHeader(hdr []byte) (*CommitDiff, error) {
	s := string(hdr[len(diffHeaderStart):])
	s, _, _ = strings.Cut(s, diffHeaderEnd)
	f := strings.SplitN(s, "\x00", 9)
	if len(f) != 9 {
		return nil, fmt.Errorf("git log: unexpected commit header")
	}
	msg := f[8]
	c := &CommitDiff{Commit: Commit{
		Hash: f[0], Parents: strings.Fields(f[1]),
		AuthorName: f[2], AuthorEmail: f[3], AuthorTime: unixTime(f[4]),
		CommitterName: f[5], CommitterEmail: f[6], CommitTime: unixTime(f[7]),
		Message: msg,
	}}
	c.Subject, c.Body = SplitMessage(msg)
	return c, nil
}

func (p *diffParser) line(l []byte) {
	if p.inHunk {
		switch {
		case len(l) > 0 && l[0] == '+' && p.newLeft > 0:
			p.newLeft--
			p.count(true)
			p.emit(l[1:])
			if p.opt.OnAdded != nil && p.file >= 0 && p.file < len(p.cur.Files) {
				p.opt.OnAdded(p.cur, p.file, p.newLine, l[1:])
			}
			p.newLine++
		case len(l) > 0 && l[0] == '-' && p.oldLeft > 0:
			p.oldLeft--
			p.count(false)
			p.emit(l[1:])
		case len(l) > 0 && l[0] == ' ' && p.oldLeft > 0 && p.newLeft > 0:
			p.oldLeft--
			p.newLeft--
			p.newLine++
		case len(l) > 0 && l[0] == '\\':
			// "\ No newline at end of file"
		default:
			p.inHunk = false
			p.line(l)
			return
		}
		if p.oldLeft == 0 && p.newLeft == 0 {
			p.inHunk = false
		}
		return
	}
	switch {
	case len(l) > 0 && l[0] == ':':
		if fc, ok := parseRaw(string(l)); ok {
			if p.opt.Patch {
				fc.Added, fc.Deleted = 0, 0
			}
			p.cur.Files = append(p.cur.Files, fc)
		}
	case bytes.HasPrefix(l, []byte("diff --git ")):
		p.startFile(string(l))
	case p.file < 0:
		// blank lines between the header, raw lines and the patch
	case bytes.HasPrefix(l, []byte("@@ ")):
		p.hunk(l)
	case bytes.HasPrefix(l, []byte("Binary files ")):
		f := &p.cur.Files[p.file]
		f.Binary, f.Added, f.Deleted = true, -1, -1
	}
}

// startFile matches a "diff --git" section to its raw entry: both list
// files in the same order, and a type change shows as two sections for
// one path.
func (p *diffParser) startFile(l string) {
	if len(p.expected) == 0 {
		for i := range p.cur.Files {
			f := &p.cur.Files[i]
			old := f.Path
			if f.OldPath != "" {
				old = f.OldPath
			}
			p.expected = append(p.expected, "diff --git "+quotePath("a/"+old)+" "+quotePath("b/"+f.Path))
		}
	}
	if p.file >= 0 && p.file < len(p.expected) && p.expected[p.file] == l {
		return // the second section of a type change
	}
	// The raw entry the section matches; unmatched (should not happen),
	// the counts are kept on the next file.
	next := p.file + 1
	for i := p.file + 1; i < len(p.expected); i++ {
		if p.expected[i] == l {
			next = i
			break
		}
	}
	if next < len(p.cur.Files) {
		p.file = next
	}
	p.skip = p.opt.SkipLines != nil && p.file >= 0 && p.opt.SkipLines(p.cur, p.file)
}

func (p *diffParser) hunk(l []byte) {
	if p.file < 0 || p.file >= len(p.cur.Files) {
		return
	}
	// @@ -a[,b] +c[,d] @@ section
	rest := l[3:]
	end := bytes.Index(rest, []byte(" @@"))
	if end < 0 {
		return
	}
	ranges := strings.Fields(string(rest[:end]))
	if len(ranges) != 2 {
		return
	}
	p.oldLeft, p.newLeft = hunkLen(ranges[0]), hunkLen(ranges[1])
	p.newLine = hunkStart(ranges[1])
	p.inHunk = p.oldLeft > 0 || p.newLeft > 0
	if section := bytes.TrimSpace(rest[end+3:]); len(section) > 0 {
		p.emit(section)
	}
}

// hunkStart reads c from the new side's range "+c[,d]".
func hunkStart(r string) int {
	n, _, _ := strings.Cut(strings.TrimPrefix(r, "+"), ",")
	v, _ := strconv.Atoi(n)
	return v
}

func hunkLen(r string) int {
	_, n, ok := strings.Cut(r, ",")
	if !ok {
		return 1
	}
	v, _ := strconv.Atoi(n)
	return v
}

func (p *diffParser) count(added bool) {
	if p.file < 0 || p.file >= len(p.cur.Files) {
		return
	}
	if added {
		p.cur.Files[p.file].Added++
	} else {
		p.cur.Files[p.file].Deleted++
	}
}

func (p *diffParser) emit(b []byte) {
	if p.opt.OnLine != nil && p.file >= 0 && !p.skip {
		p.opt.OnLine(p.file, b)
	}
}

// parseRaw parses one --raw line: ":old new oldblob newblob S\tpath",
// or for a rename ":old new oldblob newblob R086\toldpath\tpath" (a
// quoted path writes its tabs as \t, so a tab always separates).
func parseRaw(l string) (FileChange, bool) {
	meta, path, ok := strings.Cut(l[1:], "\t")
	if !ok {
		return FileChange{}, false
	}
	f := strings.Fields(meta)
	if len(f) != 5 || len(f[4]) == 0 {
		return FileChange{}, false
	}
	fc := FileChange{Status: f[4][0], OldMode: f[0], NewMode: f[1], OldBlob: f[2], NewBlob: f[3], Added: -1, Deleted: -1}
	if fc.Status == 'R' || fc.Status == 'C' {
		old, cur, ok := strings.Cut(path, "\t")
		if !ok {
			return FileChange{}, false
		}
		fc.OldPath, path = unquoteRaw(old), cur
	}
	fc.Path = unquoteRaw(path)
	return fc, true
}

// unquoteRaw undoes git's C-style quoting of a path (octal byte escapes
// are Go's too).
func unquoteRaw(path string) string {
	if strings.HasPrefix(path, `"`) {
		if uq, err := strconv.Unquote(path); err == nil {
			return uq
		}
	}
	return path
}

// quotePath quotes a path the way git does in diff headers
// (core.quotePath: control characters, quotes, backslashes and bytes
// above 0x7f as octal escapes).
func quotePath(p string) string {
	needs := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x7f {
			needs = true
			break
		}
	}
	if !needs {
		return p
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\v':
			b.WriteString(`\v`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if c < 0x20 || c >= 0x7f {
				fmt.Fprintf(&b, "\\%03o", c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
