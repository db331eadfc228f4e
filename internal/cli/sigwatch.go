package cli

import (
	"os"
	"os/signal"
	"syscall"
	"time"
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
// before it returns from sending itself one, so once the first barrier
// signal is sent, an earlier Ctrl-C has reached Go's handler. Go's
// signal loop passes signals on one at a time, in the order its handler
// recorded them (the lower-numbered first among those recorded
// together), but the first barrier may have been passed on before that
// Ctrl-C was recorded: the second barrier, recorded after it, is passed
// on after it.
//
// One case is left: another thread took the Ctrl-C from the kernel and
// was descheduled in Go's handler before recording it (a loaded
// machine). No one can see that; a short grace (stopGrace) covers it,
// at that cost to every command that asks.
func (w *SignalWatch) Caught() bool {
	for range 2 {
		if len(w.stops) > 0 {
			return true
		}
		for len(w.barrier) > 0 { // a window resize before: not ours
			<-w.barrier
		}
		if raiseToSelf(barrierSignal) != nil {
			break
		}
		<-w.barrier
	}
	select {
	case s := <-w.stops:
		select {
		case w.stops <- s: // still caught for a later call
		default: // another came meanwhile, and says as much
		}
		return true
	case <-time.After(stopGrace):
		return false
	}
}

// stopGrace is how long Caught waits for a Ctrl-C another thread took
// and has not recorded yet.
const stopGrace = 50 * time.Millisecond

// Stop stops watching.
func (w *SignalWatch) Stop() {
	signal.Stop(w.stops)
	signal.Stop(w.barrier)
}
