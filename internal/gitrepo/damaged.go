package gitrepo

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// HistoryDamagedError says that a walk of the history met commits that
// are not in the object store (a lost loose object or pack): the commits
// behind them were not walked.
type HistoryDamagedError struct {
	Missing []string // the commits that could not be read
}

func (e *HistoryDamagedError) Error() string {
	return fmt.Sprintf("the history is damaged: %d commits cannot be read (see 'git fsck')", len(e.Missing))
}

// walkReadable is RevWalk for a repository whose history git cannot walk:
// rev-list stops at the first commit it cannot read, so commits are read
// here one by one, and a missing one ends only its own line of history.
// Its commits are ordered by committer date, newest first, as rev-list
// orders them; Missing lists what could not be read.
func (r *Repo) walkReadable(ctx context.Context, include, exclude []string) (*Walk, error) {
	cr, err := r.newCommitReader(ctx)
	if err != nil {
		return nil, err
	}
	defer cr.close()
	// A shallow clone's boundary commits name parents it does not have.
	shallow := map[string]bool{}
	for _, h := range r.ShallowCommits() {
		shallow[h] = true
	}
	excluded := map[string]bool{}
	stack := slices.Clone(exclude)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if excluded[h] {
			continue
		}
		excluded[h] = true
		c, err := cr.read(h)
		if err != nil {
			return nil, err
		}
		if c != nil && !shallow[h] {
			stack = append(stack, c.parents...)
		}
	}
	w := &Walk{Boundary: map[string]bool{}}
	type dated struct {
		hash string
		time int64
	}
	var commits []dated
	seen := map[string]bool{}
	// Depth first, the first tip first: the order of commits of one date.
	stack = slices.Clone(include)
	slices.Reverse(stack)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] || excluded[h] {
			continue
		}
		seen[h] = true
		c, err := cr.read(h)
		if err != nil {
			return nil, err
		}
		if c == nil {
			w.Missing = append(w.Missing, h)
			continue
		}
		if len(c.parents) <= 1 {
			commits = append(commits, dated{h, c.time})
		}
		if shallow[h] {
			continue
		}
		for _, p := range c.parents {
			if excluded[p] {
				w.Boundary[p] = true
			} else if !seen[p] {
				stack = append(stack, p)
			}
		}
	}
	slices.SortStableFunc(commits, func(a, b dated) int { return cmp.Compare(b.time, a.time) })
	for _, c := range commits {
		w.Commits = append(w.Commits, c.hash)
	}
	slices.Sort(w.Missing)
	return w, nil
}

// commitReader reads commits through one `git cat-file --batch`, a
// question and its answer at a time, without fetching anything.
type commitReader struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
}

type commitHeader struct {
	parents []string
	time    int64 // committer time
}

func (r *Repo) newCommitReader(ctx context.Context) (*commitReader, error) {
	cr := &commitReader{cmd: r.command(ctx, "cat-file", "--batch")}
	cr.cmd.Env = append(cr.cmd.Env, NoLazyFetch...)
	cr.cmd.Stderr = &cr.stderr
	var err error
	if cr.in, err = cr.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cr.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cr.cmd.Start(); err != nil {
		return nil, err
	}
	cr.out = bufio.NewReader(stdout)
	return cr, nil
}

// read returns the commit's parents and date; nil when it is not in the
// object store (or is not a commit).
func (cr *commitReader) read(oid string) (*commitHeader, error) {
	if _, err := io.WriteString(cr.in, oid+"\n"); err != nil {
		return nil, cr.fail(err)
	}
	line, err := cr.out.ReadString('\n')
	if err != nil {
		return nil, cr.fail(err)
	}
	f := strings.Fields(line)
	if len(f) == 2 && f[1] == "missing" {
		return nil, nil
	}
	if len(f) != 3 {
		return nil, fmt.Errorf("git cat-file: unexpected header %q", strings.TrimSpace(line))
	}
	size, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, fmt.Errorf("git cat-file: unexpected header %q", strings.TrimSpace(line))
	}
	data := make([]byte, size+1) // content and its trailing LF
	if _, err := io.ReadFull(cr.out, data); err != nil {
		return nil, cr.fail(err)
	}
	if f[1] != "commit" {
		return nil, nil
	}
	c := &commitHeader{}
	head, _, _ := bytes.Cut(data[:size], []byte("\n\n"))
	for _, l := range strings.Split(string(head), "\n") {
		if p, ok := strings.CutPrefix(l, "parent "); ok {
			c.parents = append(c.parents, p)
		} else if who, ok := strings.CutPrefix(l, "committer "); ok {
			// "Name <email> TIME ZONE"
			if g := strings.Fields(who); len(g) >= 2 {
				c.time, _ = strconv.ParseInt(g[len(g)-2], 10, 64)
			}
		}
	}
	return c, nil
}

func (cr *commitReader) fail(err error) error {
	cr.close()
	return &Error{Args: []string{"cat-file", "--batch"}, Stderr: cr.stderr.String(), Err: err}
}

func (cr *commitReader) close() {
	if cr.in != nil {
		cr.in.Close()
		cr.in = nil
		_ = cr.cmd.Wait()
	}
}
