package cli

import "testing"

func TestPushURLCommandNeverPrintsAURL(t *testing.T) {
	for _, c := range []struct {
		n         int
		cmd, each string
	}{
		{0, "git ls-remote origin refs/tags/v1", ""},
		{1, `git ls-remote "$(git remote get-url --push origin)" refs/tags/v1`, ""},
		{2, "git ls-remote URL refs/tags/v1", " for each URL that 'git remote get-url --push --all origin' prints"},
	} {
		cmd, each := PushURLCommand("git ls-remote URL refs/tags/v1", "origin", c.n)
		if cmd != c.cmd || each != c.each {
			t.Errorf("%d push URLs: %q %q; want %q %q", c.n, cmd, each, c.cmd, c.each)
		}
	}
}
