package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/ghaction"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
)

// An index run whose model failed on some commits embedded the others:
// semantic search ranks them, and the annotation must not say that it is
// unavailable, as the run's own summary does not.
func TestIndexToGitHubSomeCommitsUnembeddable(t *testing.T) {
	out := filepath.Join(t.TempDir(), "output")
	if err := os.WriteFile(out, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		res  index.Result
		want string
	}{
		{index.Result{Total: 3, Embedded: 2, Embedder: "onnx:small@1", Unembeddable: 1,
			EmbedWarning: "1 commit could not be embedded with onnx:small@1: out of data bounds"},
			"::warning::git scry index: 1 commit could not be embedded with onnx:small@1: out of data bounds\n"},
		{index.Result{Total: 3, EmbedWarning: "the built-in embedder has too little text to learn from yet"},
			"::warning::git scry index: semantic search is unavailable: the built-in embedder has too little text to learn from yet\n"},
	} {
		var stdout bytes.Buffer
		gh := ghaction.New(&stdout, func(k string) string {
			if k == "GITHUB_OUTPUT" {
				return out
			}
			return ""
		})
		if err := indexToGitHub(gh, &c.res); err != nil {
			t.Fatal(err)
		}
		if got := stdout.String(); !strings.HasSuffix(got, c.want) || strings.Count(got, "::warning::") != 1 {
			t.Errorf("annotations:\n%s\nwant one, ending:\n%s", got, c.want)
		}
	}
}
