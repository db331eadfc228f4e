package toolchain

import (
	"context"
	"os"
	"testing"
)

// A probe runs in a session of its own, without the user's terminal: in
// a background process group of it, a probe that opened /dev/tty (a
// version manager asking to install) was stopped by SIGTTIN until the
// probe timed out, 15 s later. Without a terminal /dev/tty fails at once.
func TestProbeHasNoControllingTerminal(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	e := &Env{Root: t.TempDir()}
	// 1.0.0 from a session leader, 2.0.0 from a process of another's session.
	f := customProbe(context.Background(), e, `if test "$(cut -d" " -f6 /proc/$$/stat)" = "$$"; then echo 1.0.0; else echo 2.0.0; fi`)
	if f.Err != nil || f.Version != "1.0.0" {
		t.Fatalf("the probe is not a session leader: %+v", f)
	}
}
