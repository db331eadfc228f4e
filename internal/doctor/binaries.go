package doctor

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/hooks"
	"github.com/verdigris-dev/verdigris/internal/version"
)

// Binaries are the executables a full installation puts on PATH.
var Binaries = []string{"verdigris", "git-toolchain", "git-session", "git-scry", "git-vault", "git-release"}

func init() { register(10, "binaries", checkBinaries) }

// BinaryVersion runs `BIN --version` and returns its one line, or "" and
// false when the binary is not on PATH or does not answer.
func BinaryVersion(ctx context.Context, bin string) (path, line string, ok bool) {
	path, err := exec.LookPath(bin)
	if err != nil {
		return "", "", false
	}
	return path, versionLine(ctx, path), true
}

// versionLine is the one line `PATH --version` prints, or "" when it does
// not answer.
func versionLine(ctx context.Context, path string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// offPath finds bin where the hooks look when it is not on PATH, in the
// shims' order, and returns its folder, or "".
func offPath(c *Context, bin string) string {
	home := ""
	if c.Getenv != nil {
		home = c.Getenv("HOME")
	}
	for _, dir := range hooks.OffPathDirs(c.Repo, home) {
		// As the shims test it: a regular file, executable.
		if fi, err := os.Stat(filepath.Join(dir, bin)); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return dir
		}
	}
	return ""
}

// failClosed are the binaries without which the pre-push hook refuses
// every push, by what in the repository puts them in use.
var failClosed = map[string]string{"git-toolchain": "toolchain.toml", "git-vault": ".verdigris/vault"}

func checkBinaries(ctx context.Context, c *Context) []Finding {
	self := version.Get("verdigris")
	var out []Finding
	for _, bin := range Binaries {
		path, line, found := BinaryVersion(ctx, bin)
		// Off PATH the hooks still find it where verdigris install put
		// it (a shell whose PATH lacks ~/.local/bin): not a failure,
		// but commands typed in this shell do not find it.
		hookDir := ""
		if !found {
			if hookDir = offPath(c, bin); hookDir != "" {
				path, found = filepath.Join(hookDir, bin), true
				line = versionLine(ctx, path)
			}
		}
		f := Finding{Name: bin}
		switch {
		case !found && c.Repo != nil && failClosed[bin] != "" && exists(filepath.Join(c.Repo.Root, failClosed[bin])):
			f.Status, f.Detail = Fail, "not on PATH, and "+failClosed[bin]+" is in use: the pre-push hook refuses every push"
			f.Hint = "run ./scripts/install.sh from a verdigris checkout and put its bin directory (default ~/.local/bin) on PATH"
		case !found:
			f.Status, f.Detail = Warn, "not on PATH"
			f.Hint = "run ./scripts/install.sh from a verdigris checkout and put its bin directory (default ~/.local/bin) on PATH"
		case line == "":
			f.Status, f.Detail = Fail, path+" does not answer --version"
			f.Hint = "reinstall it with ./scripts/install.sh"
		default:
			f.Status, f.Detail = OK, line
			// Binaries from different builds can disagree about file formats.
			if fields := strings.Fields(line); len(fields) > 1 && fields[1] != self.Version {
				f.Status = Warn
				f.Detail = line + " (verdigris is " + self.Version + ")"
				f.Hint = "reinstall all binaries together with ./scripts/install.sh"
			}
			if hookDir != "" {
				hint := "add " + hookDir + " to your PATH to run it from your shell: export PATH=\"" + hookDir + ":$PATH\" in your shell's startup file"
				if f.Hint != "" {
					hint += "; " + f.Hint
				}
				f.Status, f.Detail, f.Hint = Warn, "not on PATH; the hooks find it in "+hookDir+": "+f.Detail, hint
			}
		}
		out = append(out, f)
	}
	return out
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
