package cli

import "testing"

// Caught sends itself a signal and waits for it: it must come back, and
// say no where no Ctrl-C came, twice over (a barrier left unread would
// answer the next call early).
func TestSignalWatchNothingCaught(t *testing.T) {
	w := WatchSignals()
	defer w.Stop()
	for i := 0; i < 2; i++ {
		if w.Caught() {
			t.Fatal("Caught says yes, and no signal was sent")
		}
	}
}
