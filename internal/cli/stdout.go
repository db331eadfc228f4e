package cli

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"syscall"
)

// exitBrokenPipe is the status a shell gives a command SIGPIPE killed.
const exitBrokenPipe = 128 + int(syscall.SIGPIPE)

// stdoutWriter is the Env.Stdout every command writes to under Run. It
// remembers the first write that failed, so that Run can say why in words
// once the command is done: most printing ignores its error (the command
// exited 0 having printed nothing), and a command that returned it showed
// Go's "write /dev/stdout: no space left on device".
type stdoutWriter struct {
	w   io.Writer
	mu  sync.Mutex
	err error
	// reported says outcome has turned err into the command's outcome
	// already, for a program that ran another from a command.
	reported bool
	// annotated says an ::error workflow command was written: the
	// command annotated its failure itself (each failed check on its
	// line), and Program adds none of its own.
	annotated bool
}

func (s *stdoutWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Nothing more after a failed write: on a disk that frees some space
	// meanwhile, the output would have a hole in it rather than an end.
	if s.err != nil {
		return 0, s.err
	}
	if bytes.HasPrefix(p, []byte("::error")) || bytes.Contains(p, []byte("\n::error")) {
		s.annotated = true
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}

// flush writes what its redactWriter holds back, at the end of the run.
func (s *stdoutWriter) flush() {
	rw, ok := s.w.(*redactWriter)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return
	}
	s.err = rw.Flush()
}

// annotatedError says whether an ::error annotation was written.
func (s *stdoutWriter) annotatedError() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.annotated
}

// unreported is the failed write's error the first time it is asked
// for, and nil after that or when no write failed.
func (s *stdoutWriter) unreported() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reported {
		return nil
	}
	s.reported = s.err != nil
	return s.err
}

// outcome is what Run reports for a command that returned err. A failed
// write to standard output is said in words, unless the command failed
// for a reason of its own; a reader that went away (EPIPE) ends it
// quietly with status 141, as SIGPIPE ends other tools. Go's runtime
// raises SIGPIPE itself for fd 1, so EPIPE reaches here only for a
// standard output that is another file (a test's pipe).
func (s *stdoutWriter) outcome(err error) error {
	werr := s.unreported()
	if werr == nil {
		return err
	}
	pipe := errors.Is(werr, syscall.EPIPE)
	if err != nil && !errors.Is(err, werr) {
		e := AsError(err)
		if !e.Silent || pipe {
			return err
		}
		// A silent failure's reason was printed, maybe to standard
		// output, which lost it: its status stays, with the words why.
		failed := stdoutError(werr)
		failed.Code = e.Code
		return failed
	}
	if pipe {
		return Exit(exitBrokenPipe)
	}
	return stdoutError(werr)
}

// stdoutError says in plain words why standard output could not be
// written. It quotes none of what was written, which may be a secret.
func stdoutError(err error) *Error {
	why := FileReason(err)
	hint := "check the file or device standard output is sent to, or send the output elsewhere"
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		hint = "free some space there, or send the output elsewhere"
	case errors.Is(err, syscall.EFBIG):
		hint = "send the output elsewhere, or raise the file size limit (ulimit -f)"
	case errors.Is(err, syscall.EIO):
		hint = "check the device standard output is sent to, or send the output elsewhere"
	case errors.Is(err, syscall.EBADF):
		// fd 1 opened for reading; a closed one Go's runtime opens on
		// /dev/null before main.
		why, hint = "it is not open for writing", "open standard output for writing ('> FILE', not '1< FILE')"
	}
	return Failf("cannot write to standard output: %s", why).WithHint("%s", hint)
}
