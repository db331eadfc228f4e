package index

import (
	"bytes"
	"io"
	"os"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
)

// logTail is how much of the end of the background log LastBackgroundError
// reads: many runs' worth, never the whole megabyte before a rotation.
const logTail = 64 << 10

// LastBackgroundError is the error the last background run wrote to the
// log, and its hint; "" when that run did not fail, or there is no log.
// Only the lines after the last start count: a run that succeeded since
// leaves an older failure behind it. A run that coalesced with a busy one
// writes its start too, and the busy run's outcome follows it.
func LastBackgroundError(r *gitrepo.Repo) (msg, hint string) {
	return lastRunError(LogPath(r))
}

// BackgroundFailure is the last background run's failure, as what
// reads the index tells why it lags: verdigris doctor, and a search's
// warning that the index has not seen HEAD. The hooks' runs write their
// errors to a log nobody reads.
type BackgroundFailure struct {
	Msg, Hint string // the run's error and hint (LastBackgroundError)
	Log       string // the log it wrote them to
}

// LastBackgroundFailure is the last background run's failure; nil when
// that run did not fail, or there is no log.
func LastBackgroundFailure(r *gitrepo.Repo) *BackgroundFailure {
	msg, hint := LastBackgroundError(r)
	if msg == "" {
		return nil
	}
	return &BackgroundFailure{Msg: msg, Hint: hint, Log: LogPath(r)}
}

// String says that the run failed, and why.
func (f *BackgroundFailure) String() string {
	return "the last background run failed: " + f.Msg
}

// WithLog is s followed by where the log is.
func (f *BackgroundFailure) WithLog(s string) string {
	return s + " (log: " + f.Log + ")"
}

func lastRunError(path string) (msg, hint string) {
	f, err := os.Open(path)
	if err != nil {
		return "", ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > logTail {
		f.Seek(fi.Size()-logTail, io.SeekStart)
	}
	b, err := io.ReadAll(io.LimitReader(f, logTail))
	if err != nil {
		return "", ""
	}
	if i := bytes.LastIndex(b, []byte(" index: start (pid ")); i >= 0 {
		b = b[i:]
	}
	for _, line := range strings.Split(string(b), "\n") {
		if m, ok := strings.CutPrefix(line, "git-scry: error: "); ok {
			msg, hint = m, ""
		} else if h, ok := strings.CutPrefix(line, "git-scry: hint: "); ok && msg != "" {
			hint = h
		}
	}
	return msg, hint
}
