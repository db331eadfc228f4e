package doctor

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The hint's commands run as pasted into a shell, whatever the folder's
// name: a space, a "$" and a quote stay part of it.
func TestBesideSelfHintQuotesTheFolder(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, dir := range []string{"/opt/verdigris/bin", "/Users/me/My Tools", "/tmp/a$HOME b/it's"} {
		h := besideSelfHint(dir)
		_, rest, _ := strings.Cut(h, "(")
		export, _, _ := strings.Cut(rest, " in your shell's")
		_, run, _ := strings.Cut(h, "and run ")
		run, _, _ = strings.Cut(run, " install in each")
		out, err := exec.Command(sh, "-c", "PATH=/p; "+export+`; printf '%s\n' "$PATH"; printf '%s\n' `+run).Output()
		if err != nil {
			t.Fatalf("%s: %v", h, err)
		}
		if want := dir + ":/p\n" + filepath.Join(dir, "verdigris") + "\n"; string(out) != want {
			t.Errorf("hint %q\nran as %q, want %q", h, out, want)
		}
	}
}
