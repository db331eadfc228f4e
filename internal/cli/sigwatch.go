package cli

import (
	"os"
	"os/signal"
	"syscall"
)

// SignalWatch tells whether Ctrl-C or SIGTERM, the signals Main stops
// on, has reached this process, without waiting for Main's context to be
// cancelled: that takes a few goroutine hops after the signal, and a
// command that sees its input end in between would use input cut short
// by the same Ctrl-C (a producer it killed closed the pipe).
type SignalWatch struct {
	stops, barrier chan os.Signal
}

// barrierSignal is sent to ourselves by Caught. Its default action is
// to be ignored, and its number is above SIGINT's and SIGTERM's, which
// Go's signal loop hands out, lowest first, before it.
const barrierSignal = syscall.SIGWINCH

// WatchSignals starts watching; Stop ends it.
func WatchSignals() *SignalWatch {
	w := &SignalWatch{stops: make(chan os.Signal, 1), barrier: make(chan os.Signal, 1)}
	signal.Notify(w.stops, os.Interrupt, syscall.SIGTERM)
	signal.Notify(w.barrier, barrierSignal)
	return w
}

// Caught says whether Ctrl-C or SIGTERM has arrived: one the kernel made
// pending before the call (before the producer it killed closed our
// pipe) counts. The kernel delivers a thread the signals pending for it
// before it returns from sending itself one, and Go's signal loop passes
// on the lower-numbered ones first, so once our own barrier signal is
// back, an earlier Ctrl-C has been passed on too.
func (w *SignalWatch) Caught() bool {
	if len(w.stops) > 0 {
		return true
	}
	for len(w.barrier) > 0 { // a window resize before: not ours
		<-w.barrier
	}
	if raiseToSelf(barrierSignal) == nil {
		<-w.barrier
	}
	return len(w.stops) > 0
}

// Stop stops watching.
func (w *SignalWatch) Stop() {
	signal.Stop(w.stops)
	signal.Stop(w.barrier)
}
