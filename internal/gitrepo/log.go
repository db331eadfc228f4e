package gitrepo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Commit is one commit's metadata and message.
type Commit struct {
	Hash           string
	Parents        []string
	AuthorName     string
	AuthorEmail    string
	AuthorTime     time.Time
	CommitterName  string
	CommitterEmail string
	CommitTime     time.Time
	Message        string // raw message (CommitsOf: its first CommitsOfKeep bytes)
	Subject        string // first paragraph, joined into one line
	Body           string // the rest, trimmed
}

// Short is the abbreviated hash.
func (c *Commit) Short() string { return Short(c.Hash) }

// SplitMessage splits a commit message into its subject (first paragraph,
// as git shows it in --oneline) and body. As for git, a line of nothing
// but whitespace ends a paragraph: "\r\n\r\n" in a message with CRLF
// line ends, a blank line holding a space.
func SplitMessage(msg string) (subject, body string) {
	var para []string
	for msg != "" {
		line, rest, _ := strings.Cut(msg, "\n")
		if strings.TrimSpace(line) == "" {
			if len(para) > 0 {
				break
			}
		} else {
			para = append(para, line)
		}
		msg = rest
	}
	subject = strings.Join(strings.Fields(strings.Join(para, " ")), " ")
	return subject, strings.TrimSpace(msg)
}

// logFormat: fields separated by NUL; with -z git ends every commit with
// one more NUL, so a commit is exactly logFields tokens.
//
// Every git log whose output is read here says --no-show-signature:
// log.showSignature=true in a user's config prints the check of a signed
// commit's signature on stdout, before the commit, where it became the
// beginning of its hash.
const (
	logFormat = "--format=%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B"
	logFields = 9
)

// Log lists commits selected by git log arguments (a range, "-1", "--all",
// paths after "--"), newest first as git prints them.
func (r *Repo) Log(ctx context.Context, args ...string) ([]Commit, error) {
	var out []Commit
	err := r.EachCommit(ctx, func(c *Commit) error {
		out = append(out, *c)
		return nil
	}, args...)
	return out, err
}

// EachCommit streams commits selected by git log arguments to fn, their
// messages whole.
func (r *Repo) EachCommit(ctx context.Context, fn func(*Commit) error, args ...string) error {
	// In UTF-8, as CommitsOf and DiffCommits read them, whatever
	// i18n.logOutputEncoding says.
	gargs := append([]string{"log", "-z", "--no-show-signature", "--encoding=UTF-8", logFormat}, args...)
	return r.Stream(ctx, func(rd io.Reader) error { return scanLog(rd, 0, fn) }, gargs...)
}

// CommitsOfKeep is how much of a message CommitsOf keeps: the index
// reads 64 KiB of a body (and as much of its trailers), and a message of
// hundreds of megabytes (a generated changelog, a pasted log) would
// otherwise be held whole, as many times as the batch has such commits.
const CommitsOfKeep = 1 << 20

// CommitsOf streams the commits named by hashes, in that order, to fn,
// their messages read as DiffCommits reads them (in UTF-8) but with no
// diff computed: every message of a large history in well under a second.
// A message is cut to its first CommitsOfKeep bytes.
func (r *Repo) CommitsOf(ctx context.Context, hashes []string, fn func(*Commit) error) error {
	if len(hashes) == 0 {
		return nil
	}
	in := strings.NewReader(strings.Join(hashes, "\n") + "\n")
	return r.stream(ctx, in, func(rd io.Reader) error { return scanLog(rd, CommitsOfKeep, fn) },
		"log", "-z", "--no-show-signature", "--no-walk=unsorted", "--stdin", "--encoding=UTF-8", logFormat)
}

// scanLog parses git log -z output in logFormat. A field of any length is
// read (a bufio.Scanner stopped at its buffer's size, and the whole log
// with it); past keep bytes (0: no limit) it is read and not kept.
func scanLog(r io.Reader, keep int, fn func(*Commit) error) error {
	rd := bufio.NewReaderSize(r, 64<<10)
	var f []string
	var field []byte
	for {
		var eof bool
		var err error
		field, eof, err = readField(rd, field[:0], keep)
		if err != nil {
			return err
		}
		if eof && len(field) == 0 {
			return nil
		}
		f = append(f, string(field))
		if len(f) == logFields {
			c, err := parseLogFields(f)
			if err != nil {
				return err
			}
			if err := fn(c); err != nil {
				return err
			}
			f = f[:0]
		}
		if eof {
			return nil
		}
	}
}

// readField appends to field the bytes up to the next NUL (or the end of
// the output), the first keep of them when keep > 0.
func readField(rd *bufio.Reader, field []byte, keep int) ([]byte, bool, error) {
	cut := false
	for {
		chunk, err := rd.ReadSlice(0)
		end := err == nil || errors.Is(err, io.EOF)
		if err == nil {
			chunk = chunk[:len(chunk)-1]
		} else if !end && !errors.Is(err, bufio.ErrBufferFull) {
			return field, false, err
		}
		if keep > 0 && len(field)+len(chunk) > keep {
			chunk, cut = chunk[:keep-len(field)], true
		}
		field = append(field, chunk...)
		if end {
			if cut {
				field = trimPartialRune(field)
			}
			return field, err != nil, nil
		}
	}
}

// trimPartialRune drops the incomplete UTF-8 sequence a cut can leave at
// the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

func parseLogFields(f []string) (*Commit, error) {
	c := &Commit{
		Hash:           f[0],
		Parents:        strings.Fields(f[1]),
		AuthorName:     f[2],
		AuthorEmail:    f[3],
		AuthorTime:     unixTime(f[4]),
		CommitterName:  f[5],
		CommitterEmail: f[6],
		CommitTime:     unixTime(f[7]),
		Message:        f[8],
	}
	c.Subject, c.Body = SplitMessage(c.Message)
	return c, nil
}

// unixTime reads a %at or %ct. git prints none for a timestamp it cannot
// represent (before 1970, missing, garbled: hand-made objects, old
// imports) and the digits as written for one past 64 bits, which its
// own dates show as the epoch: such a commit is kept, dated at the
// epoch, rather than failing the whole log.
func unixTime(s string) time.Time {
	t, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t = 0
	}
	return time.Unix(t, 0).UTC()
}

// FileStat is one file changed by a commit or range, as --numstat reports
// it; Added and Deleted are -1 for binary files. From is the path a
// renamed file had.
type FileStat struct {
	Path    string
	From    string `json:",omitempty"`
	Added   int
	Deleted int
}

// Numstat lists the files to changed since it parted from from (git diff
// --numstat A...B: from their merge base, so a to on another line of
// history counts only its own changes, not the difference of the two
// tips); from "" means the empty tree. Renames are found (-M), as git diff
// --stat shows them: a moved file is one file, with the lines it changed,
// not a deletion and an addition of all of them.
func (r *Repo) Numstat(ctx context.Context, from, to string) ([]FileStat, error) {
	args := []string{"diff", "--numstat", "-z", "-M", from + "..." + to}
	if from == "" {
		// Everything to holds: diff-tree --root would give only to's own
		// changes when to is not a root commit. The empty tree's name
		// depends on the repository's hash (SHA-1 or SHA-256).
		empty, err := r.GitInput(ctx, strings.NewReader(""), "hash-object", "-t", "tree", "--stdin")
		if err != nil {
			return nil, err
		}
		args = []string{"diff", "--numstat", "-z", "-M", empty, to}
	}
	out, err := r.GitBytes(ctx, args...)
	if err != nil {
		return nil, err
	}
	return ParseNumstatZ(out), nil
}

// ParseNumstatZ parses `--numstat -z` output: "A\tD\tPATH\0", or for a
// rename "A\tD\t\0OLD\0NEW\0".
func ParseNumstatZ(out []byte) []FileStat {
	var stats []FileStat
	recs := bytes.Split(out, []byte{0})
	for i := 0; i < len(recs); i++ {
		parts := strings.SplitN(string(recs[i]), "\t", 3)
		if len(parts) != 3 {
			continue
		}
		fs := FileStat{Path: parts[2], Added: -1, Deleted: -1}
		if fs.Path == "" && i+2 < len(recs) {
			fs.From, fs.Path = string(recs[i+1]), string(recs[i+2])
			i += 2
		}
		if a, err := strconv.Atoi(parts[0]); err == nil {
			fs.Added = a
		}
		if d, err := strconv.Atoi(parts[1]); err == nil {
			fs.Deleted = d
		}
		stats = append(stats, fs)
	}
	return stats
}
