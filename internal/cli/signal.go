package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

// ExitInterrupted is a command's exit status when Ctrl-C stopped it
// (128 + SIGINT, as a shell reports it); stopped by SIGTERM, Main makes it
// 143.
const ExitInterrupted = 130

// Interruptedf reports a command that Ctrl-C or SIGTERM stopped (Main's
// context is cancelled by them): what it leaves behind, with a hint that
// says how to resume or run it again. Main then ends the process with the
// signal, so the shell reports 130 (143).
func Interruptedf(format string, args ...any) *Error {
	return &Error{Code: ExitInterrupted, Msg: fmt.Sprintf(format, args...)}
}

// caught is the first signal that stopped the command, which Main ends
// the process with.
var caught atomic.Int32

// StopOn returns a context cancelled by the first of sigs to arrive, as
// Main's is by Ctrl-C and SIGTERM: for a command that stops on more (git
// toolchain run on SIGHUP and SIGQUIT). Main then ends the process with
// that signal, as it does with Ctrl-C's, once the command has returned
// an Interruptedf error. Until stop is called, later signals stay caught:
// the command is already stopping.
func StopOn(ctx context.Context, sigs ...os.Signal) (_ context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case s := <-ch:
			if s, ok := s.(syscall.Signal); ok {
				caught.CompareAndSwap(0, int32(s))
			}
			cancel(&stoppedError{sig: s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

// stoppedError is the cause of a context StopOn cancelled on a signal.
type stoppedError struct{ sig os.Signal }

func (e *stoppedError) Error() string { return "stopped by " + e.sig.String() }

// stoppedBySignal says whether ctx was cancelled by a signal StopOn
// caught, rather than by its caller.
func stoppedBySignal(ctx context.Context) bool {
	var s *stoppedError
	return errors.As(context.Cause(ctx), &s)
}

// interrupted is the error of the command name that a signal stopped,
// when err is only what the signal left: a killed git's "signal:
// killed" or "context canceled", or what a command read into a killed
// answer ("not inside a git repository"). Each command that said so
// itself would be one more place to forget; one that knows better (what
// it left done, how to resume) returns its own Interruptedf, kept as it
// is, and so is a silent error, which passes on a child's status. A
// usage error is the user's, whatever came after it.
func interrupted(ctx context.Context, name string, err error) error {
	if err == nil || !stoppedBySignal(ctx) {
		return err
	}
	if e := AsError(err); e.Silent || e.Code != ExitFailed {
		return err
	}
	return Interruptedf("interrupted; %s did not finish", name).WithHint("run it again")
}

// runtimeCrashes are the signals Go's runtime will not let a program die
// of: sent with kill, each makes it print a goroutine dump and exit 2.
var runtimeCrashes = map[syscall.Signal]bool{
	syscall.SIGQUIT: true, syscall.SIGILL: true, syscall.SIGTRAP: true, syscall.SIGABRT: true,
	syscall.SIGBUS: true, syscall.SIGFPE: true, syscall.SIGSEGV: true, syscall.SIGSYS: true,
}

// ignoredAtStart are the signals this process was started with ignored
// (nohup, a shell's background job), read before anything asks for
// them: to those, signal.Reset goes back, and they cannot end it.
var ignoredAtStart = func() map[syscall.Signal]bool {
	m := map[syscall.Signal]bool{}
	for s := syscall.Signal(1); s < 32; s++ {
		if signal.Ignored(s) {
			m[s] = true
		}
	}
	return m
}()

// DieOfSignal ends this process with sig, so that its caller sees what a
// signal's default action shows: a shell stops the loop or script that
// ran it after Ctrl-C only when the command died of SIGINT, and one that
// exited 130 let the loop go on. It returns where it cannot: a signal
// the runtime would turn into a crash dump of our own, or one ignored
// since the process started; the caller then exits 128+N, the status a
// shell reports.
func DieOfSignal(sig syscall.Signal) {
	if runtimeCrashes[sig] || ignoredAtStart[sig] {
		return
	}
	signal.Reset(sig)
	if syscall.Kill(os.Getpid(), sig) != nil {
		return
	}
	// The signal is taken by whichever thread is free; exiting before it
	// lands would be an exit status in its place.
	time.Sleep(5 * time.Second)
}
