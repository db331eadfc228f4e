package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/hooks"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

func init() { register(45, "scry", checkEmbedder) }

// checkEmbedder asks git-scry itself (the binary built with cgo and the
// ONNX Runtime bindings; verdigris is static) which embedder searches use
// and why, and whether the runtime library loads.
func checkEmbedder(ctx context.Context, c *Context) []Finding {
	// Where the hooks look, as the binaries check: the post-commit hook
	// indexes with a git-scry off PATH, and its embedder is this one.
	bin, offDir, found, notExec := hooks.FindBinary(c.Repo, c.home(), "git-scry")
	beside := ""
	if !found {
		// The binaries check says where, and what to do about it: this
		// says what that git-scry would search with. One beside this
		// verdigris that runs comes first, as there.
		b, dir := BesideSelf(ctx, "git-scry")
		if dir == "" && notExec {
			b = Binary{Path: bin, OffPath: offDir, NotExecutable: true}
		}
		if b.NotExecutable {
			detail := notExecutableDetail(b)
			if strings.HasPrefix(detail, "not ") {
				detail = "git-scry is " + detail
			}
			return []Finding{{Name: "embedder", Status: Skip, Detail: detail, Hint: NotExecutableHint(b.Path)}}
		}
		if dir == "" {
			return []Finding{{Name: "embedder", Status: Skip, Detail: "git-scry is not on PATH nor where the hooks look", Hint: "run ./scripts/install.sh from a verdigris checkout"}}
		}
		bin, beside = b.Path, dir
	}
	findings := checkScry(ctx, c, bin)
	if beside != "" {
		for i := range findings {
			if findings[i].Name == "embedder" {
				findings[i].Detail += "; git-scry is not on PATH nor where the hooks look, found in " + beside + " beside this verdigris"
			}
		}
	}
	if offDir != "" {
		// The binaries check warns and hints at PATH; here it says which
		// git-scry answered.
		for i := range findings {
			if findings[i].Name == "embedder" {
				findings[i].Detail += "; git-scry is not on PATH, found in " + offDir + " where the hooks look"
			}
		}
	}
	return findings
}

// checkScry asks the git-scry at bin for its embedder and runtime.
func checkScry(ctx context.Context, c *Context, bin string) []Finding {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "model", "ls", "--json")
	if c.Repo != nil {
		cmd.Dir = c.Repo.Dir()
	}
	out, err := cmd.Output()
	// The shape of internal/scry/model.Status, read without linking the
	// embedders into this binary.
	var report struct {
		Active string `json:"active"`
		InUse  struct {
			Runtime struct {
				Built            bool
				Library, Version string
				Error            string
			}
			Embedder, ID, Reason, Hint string
		} `json:"in_use"`
	}
	if err != nil || json.Unmarshal(out, &report) != nil {
		f := Finding{Name: "embedder", Status: Warn, Detail: "'git-scry model ls --json' failed", Hint: "run 'git scry model ls' to see why"}
		// git-scry says why on stderr ("neither XDG_CONFIG_HOME nor HOME
		// is set"), which is clearer than that it failed.
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			if msg, hint := scryError(exit.Stderr); msg != "" {
				f.Detail = msg
				if hint != "" {
					f.Hint = hint
				}
			}
		}
		return []Finding{f}
	}
	rt := report.InUse.Runtime
	runtime := Finding{Name: "onnx runtime"}
	switch {
	case !rt.Built:
		runtime.Status, runtime.Detail = Skip, "git-scry was built without ONNX Runtime (built-in embedder only)"
		runtime.Hint = "rebuild with cgo (a C compiler) via ./scripts/install.sh to run ONNX models"
	case rt.Error != "":
		runtime.Status, runtime.Detail = Warn, rt.Error
		runtime.Hint = "run scripts/fetch-onnxruntime.sh, or set VERDIGRIS_ONNXRUNTIME=/path/to/libonnxruntime.so.1"
		if report.Active == "builtin" {
			runtime.Status = Skip // not needed until a model is in use
		}
	default:
		runtime.Status, runtime.Detail = OK, "ONNX Runtime "+rt.Version+" at "+rt.Library
	}
	emb := Finding{Name: "embedder", Status: OK, Detail: report.InUse.Reason}
	if report.InUse.Embedder == "onnx" {
		emb.Detail += " (" + report.InUse.ID + ")"
	}
	if report.Active != "builtin" && report.InUse.Embedder != "onnx" {
		emb.Status = Warn
		emb.Hint = "fix the cause above, or go back with 'git scry model use builtin'"
		if report.InUse.Hint != "" {
			emb.Hint = report.InUse.Hint
		}
	}
	// Vectors of another embedder than the one in use are no semantic
	// search at all until the index runs: a model chosen since, or an
	// ONNX model that cannot run here now.
	held, failedAt, waiting, commits, embedFailed := indexEmbedder(ctx, c)
	if held == "" && failedAt > 0 && report.InUse.Embedder != "onnx" && emb.Status == OK {
		// The embedder is chosen, but learned nothing: "ok" beside a
		// search that answers lexically only.
		emb.Status = Warn
		emb.Detail += fmt.Sprintf("; it has too little text to learn from in %s: semantic search is unavailable", cli.Count(int(failedAt), "commit"))
		emb.Hint = "git scry index learns again once more commits are indexed ('git scry index --full' tries now)"
	}
	if held != "" {
		onnxHeld := strings.HasPrefix(held, "onnx:")
		if (report.InUse.Embedder == "onnx" && held != report.InUse.ID) || (report.InUse.Embedder != "onnx" && onnxHeld) {
			emb.Detail += "; the index holds vectors of " + held
			if emb.Status == OK {
				emb.Status = Warn
				emb.Hint = "run 'git scry index' to embed the commits with it: semantic search waits for that"
			}
		} else if waiting > 0 {
			// Its own vectors, but not yet every commit's: embedding
			// anew after a change of embedder, under way or stopped.
			verb := "are"
			if waiting == 1 {
				verb = "is"
			}
			switch {
			case embedFailed != "":
				emb.Detail += fmt.Sprintf("; %d of %s %s not embedded with it: the last index run failed to embed them (%s)", waiting, cli.Count(int(commits), "commit"), verb, embedFailed)
			default:
				emb.Detail += fmt.Sprintf("; %d of %s %s not embedded with it yet: semantic search ranks only the commits embedded so far", waiting, cli.Count(int(commits), "commit"), verb)
			}
			if emb.Status == OK {
				emb.Status = Warn
				emb.Hint = "run 'git scry index' to embed the rest"
				if embedFailed != "" {
					emb.Hint = "use a model that runs on every commit ('git scry model use'), or go back with 'git scry model use builtin'"
				}
			}
		}
	}
	return []Finding{runtime, emb}
}

// indexEmbedder is the embedder of the repository index's vectors, ""
// when there is no index or no vectors, and then the number of commits
// the built-in embedder last failed to learn from (0: it did not fail);
// with vectors, how many of the index's commits have none of them yet,
// and why the last index run failed to embed them ("": it did not).
func indexEmbedder(ctx context.Context, c *Context) (held string, failedAt, waiting, commits int64, embedFailed string) {
	if c.Repo == nil || !index.Exists(c.Repo) {
		return "", 0, 0, 0, ""
	}
	st, err := store.Open(ctx, index.DBPath(c.Repo))
	if err != nil {
		return "", 0, 0, 0, ""
	}
	defer st.Close()
	vs, err := st.VectorSpace(ctx)
	if err != nil {
		return "", 0, 0, 0, ""
	}
	if vs.Gen == 0 {
		failedAt, _ := st.MetaInt(ctx, "train_failed")
		return "", failedAt, 0, 0, ""
	}
	if waiting, err = st.CountUnembedded(ctx, vs); err == nil && waiting > 0 {
		if commits, err = st.CountCommits(ctx); err != nil {
			waiting = 0
		}
		embedFailed, _ = st.Meta(ctx, "embed_failed")
	}
	return vs.Embedder, 0, waiting, commits, embedFailed
}

// scryError is the first error of git-scry's stderr and the hint after
// it, without their "git-scry: error: " and "git-scry: hint: " prefixes.
func scryError(stderr []byte) (msg, hint string) {
	for _, line := range strings.Split(string(stderr), "\n") {
		if m, ok := strings.CutPrefix(line, "git-scry: error: "); ok && msg == "" {
			msg = m
		} else if h, ok := strings.CutPrefix(line, "git-scry: hint: "); ok && msg != "" && hint == "" {
			hint = h
		}
	}
	return msg, hint
}
