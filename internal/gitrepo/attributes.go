package gitrepo

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
)

// AttrReader asks git the value of one attribute (.gitattributes) for
// paths, through one `git check-attr --stdin -z` that answers every
// question of its life: a history's tens of thousands of paths cost one
// process, not one each. git reads the attributes from where its diff
// reads them: the work tree's .gitattributes files (the index's where
// the work tree lacks one), $GIT_DIR/info/attributes and
// core.attributesFile; a bare repository has no work tree, and git 2.39
// reads only the last two there (git 2.43 and later may also read
// HEAD's tree: attr.tree). Either way the same as its diff's.
// Not safe for concurrent use.
type AttrReader struct {
	name   string
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
	req    []byte
}

// Attribute values git check-attr reports besides a value given with
// "=": the attribute set (`name`), unset (`-name`) and not mentioned.
const (
	AttrSet         = "set"
	AttrUnset       = "unset"
	AttrUnspecified = "unspecified"
)

// ErrNoWorkTree is returned by NewAttrReader in a non-bare repository's
// git directory (Repo.InGitDir), where git check-attr refuses to run:
// there is no work tree whose .gitattributes it would read (its diff
// reads none there either). Expected there, unlike a failure.
var ErrNoWorkTree = errors.New("no work tree to read attributes from")

// NewAttrReader starts the git that answers AttrReader.Values for the
// attribute name; Close ends it.
func (r *Repo) NewAttrReader(ctx context.Context, name string) (*AttrReader, error) {
	if r.InGitDir {
		return nil, ErrNoWorkTree
	}
	a := &AttrReader{name: name, cmd: r.command(ctx, "check-attr", "--stdin", "-z", name)}
	// git flushes each answer to a pipe unless GIT_FLUSH=0 says not to:
	// Values waits for the last one.
	a.cmd.Env = append(a.cmd.Env, "GIT_FLUSH=1")
	a.cmd.Stderr = &a.stderr
	var err error
	if a.in, err = a.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := a.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := a.cmd.Start(); err != nil {
		return nil, err
	}
	a.out = bufio.NewReader(stdout)
	return a, nil
}

// Values returns the attribute's value for each path (slash-separated,
// relative to the top of the work tree), in order: AttrSet, AttrUnset,
// AttrUnspecified or the value given with "=". After an error the
// reader is closed and every call fails.
func (a *AttrReader) Values(paths []string) ([]string, error) {
	if a.in == nil {
		return nil, a.fail(io.ErrClosedPipe)
	}
	if len(paths) == 0 {
		return nil, nil
	}
	a.req = a.req[:0]
	for _, p := range paths {
		a.req = append(a.req, p...)
		a.req = append(a.req, 0)
	}
	// Written while the answers are read: many paths' answers would
	// fill the pipe back while git waits for its reader, and the rest of
	// the question would never be taken.
	wrote := make(chan error, 1)
	go func(in io.Writer, req []byte) {
		_, err := in.Write(req)
		wrote <- err
	}(a.in, a.req)
	out := make([]string, len(paths))
	var rerr error
	for i := range paths {
		var f [3][]byte // path, attribute, value
		for k := range f {
			b, err := a.out.ReadBytes(0)
			if err == io.EOF {
				// git ended with paths unanswered: killed, or
				// died saying why on stderr (fail's message then).
				err = io.ErrUnexpectedEOF
			}
			if err != nil {
				rerr = err
				break
			}
			f[k] = b[:len(b)-1]
		}
		if rerr != nil {
			break
		}
		if string(f[0]) != paths[i] || string(f[1]) != a.name {
			rerr = fmt.Errorf("git check-attr: answer for %q, %q where %q, %q was asked", f[0], f[1], paths[i], a.name)
			break
		}
		out[i] = string(f[2])
	}
	if rerr != nil {
		// git may be stopped on answers nobody reads: killed, its
		// exit unblocks the writer.
		_ = a.cmd.Process.Kill()
		err := a.fail(rerr)
		<-wrote
		return nil, err
	}
	if err := <-wrote; err != nil {
		return nil, a.fail(err)
	}
	return out, nil
}

func (a *AttrReader) fail(err error) error {
	a.Close()
	return &Error{Args: []string{"check-attr", "--stdin", "-z", a.name}, Stderr: a.stderr.String(), Err: err}
}

// Close ends the git process.
func (a *AttrReader) Close() {
	if a.in != nil {
		a.in.Close()
		a.in = nil
		_ = a.cmd.Wait()
	}
}
