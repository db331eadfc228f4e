package gitrepo

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// RemoteTags answers "what does the push target have" (is this tag
// pushed, will pushing it be refused): with remote.NAME.pushurl, or a
// url.*.pushInsteadOf, set, that is the push URL, which git ls-remote
// NAME does not ask: it asked the fetch URL, so a tag the push URL had
// was "missing" and one only the fetch URL had was "pushed".
func TestRemoteTagsAsksWhereGitPushSends(t *testing.T) {
	ctx := context.Background()
	dir := gitInit(t)
	r := openRepo(t, dir)
	head := gitRun(t, dir, "rev-parse", "HEAD")
	first := gitRun(t, dir, "rev-parse", "HEAD~")
	bare := func(name string, tags map[string]string) string {
		path := filepath.Join(filepath.Dir(dir), name)
		gitRun(t, dir, "init", "-q", "--bare", path)
		for tag, commit := range tags {
			gitRun(t, dir, "push", "-q", path, commit+":refs/tags/"+tag)
		}
		return path
	}
	fetch := bare("fetch.git", map[string]string{"v0.1.0": head})
	push := bare("push.git", map[string]string{"v0.2.0": head, "v0.3.0": first})
	mirror := bare("mirror.git", map[string]string{"v0.2.0": head, "v0.3.0": first, "v0.4.0": head})
	gitRun(t, dir, "remote", "add", "origin", fetch)
	tagsOf := func(remote string) string {
		t.Helper()
		tags, err := r.RemoteTags(ctx, remote, "v")
		if err != nil {
			t.Fatalf("RemoteTags(%s): %v", remote, err)
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			out = append(out, k+"="+map[string]string{head: "head", first: "first"}[tags[k]])
		}
		return strings.Join(out, " ")
	}

	if got := tagsOf("origin"); got != "v0.1.0=head" {
		t.Errorf("no push URL: %s", got)
	}
	gitRun(t, dir, "config", "remote.origin.pushurl", push)
	if got := tagsOf("origin"); got != "v0.2.0=head v0.3.0=first" {
		t.Errorf("remote.origin.pushurl: %s", got)
	}
	gitRun(t, dir, "config", "--unset", "remote.origin.pushurl")
	gitRun(t, dir, "config", "url."+push+".pushInsteadOf", fetch)
	if got := tagsOf("origin"); got != "v0.2.0=head v0.3.0=first" {
		t.Errorf("pushInsteadOf: %s", got)
	}
	gitRun(t, dir, "config", "--unset", "url."+push+".pushInsteadOf")

	// Two push URLs: git push sends to both. A tag one of them lacks is
	// not there (the push still has to bring it); one they have on
	// different commits cannot be answered either way.
	gitRun(t, dir, "config", "remote.origin.pushurl", push)
	gitRun(t, dir, "config", "--add", "remote.origin.pushurl", mirror)
	if got := tagsOf("origin"); got != "v0.2.0=head v0.3.0=first" {
		t.Errorf("two push URLs: %s", got)
	}
	// Published is what any of them has: a rewrite must not move it.
	if pub, err := r.PublishedTags(ctx, "origin", "v"); err != nil || strings.Join(slices.Sorted(maps.Keys(pub)), " ") != "v0.2.0 v0.3.0 v0.4.0" {
		t.Errorf("PublishedTags = %v, %v", pub, err)
	}
	gitRun(t, mirror, "tag", "-f", "v0.3.0", head)
	if _, err := r.RemoteTags(ctx, "origin", "v"); err == nil || !strings.Contains(err.Error(), "v0.3.0") || strings.Contains(err.Error(), mirror) {
		t.Errorf("push URLs that disagree: %v; want an error naming the tag, not a URL", err)
	}

	// A URL rather than a remote's name is asked as it is.
	if got := tagsOf(fetch); got != "v0.1.0=head" {
		t.Errorf("a URL: %s", got)
	}
}
