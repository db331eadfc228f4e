package gitrepo

import (
	"errors"
	"testing"
)

// A failed git command is reported by its cause: git's hint: lines come
// last, and taking the last line once gave "git add: hint: \"git config
// advice.addIgnoredFile false\"" for a path .gitignore excludes.
func TestErrorSaysTheCause(t *testing.T) {
	for _, c := range []struct{ stderr, want string }{
		{"The following paths are ignored by one of your .gitignore files:\nlayer\nhint: Use -f if you really want to add them.\nhint: Turn this message off by running\nhint: \"git config advice.addIgnoredFile false\"\n",
			"git add: The following paths are ignored by one of your .gitignore files: layer"},
		{"To ../remote.git\n ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs to '../remote.git'\nhint: Updates were rejected because the remote contains work that you do\nhint: See the 'Note about fast-forwards' in 'git push --help' for details.\n",
			"git add: failed to push some refs to '../remote.git': ! [rejected] main -> main (fetch first)"},
		{"remote: rejected by policy: main is protected\nremote: \nTo ../remote.git\n ! [remote rejected] main -> main (pre-receive hook declined)\nerror: failed to push some refs to '../remote.git'\n",
			"git add: failed to push some refs to '../remote.git': ! [remote rejected] main -> main (pre-receive hook declined) (remote: rejected by policy: main is protected)"},
		{"fatal: not a git repository (or any of the parent directories): .git\n", "git add: not a git repository (or any of the parent directories): .git"},
		{"", "git add: exit status 128"},
	} {
		e := &Error{Args: []string{"add", "x"}, Stderr: c.stderr, Err: errors.New("exit status 128")}
		if got := e.Error(); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

// A rename is one file with the lines it changed (it was a deletion and an
// addition of every line: sessions counted two files, +50 -50).
func TestParseNumstatZRenames(t *testing.T) {
	out := []byte("1\t2\ta.go\x000\t0\t\x00old/big.go\x00new/big.go\x00-\t-\tlogo.png\x00")
	got := ParseNumstatZ(out)
	want := []FileStat{{Path: "a.go", Added: 1, Deleted: 2}, {Path: "new/big.go", From: "old/big.go"}, {Path: "logo.png", Added: -1, Deleted: -1}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("#%d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
