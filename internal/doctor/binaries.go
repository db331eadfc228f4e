package doctor

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/hooks"
	"github.com/verdigris-dev/verdigris/internal/version"
)

// Binaries are the executables a full installation puts on PATH.
var Binaries = []string{"verdigris", "git-toolchain", "git-session", "git-scry", "git-vault", "git-release"}

func init() { register(10, "binaries", checkBinaries) }

// Binary is a verdigris binary found where the hooks look for it.
type Binary struct {
	Path string
	// OffPath is the folder it was found in off PATH, where the hooks
	// look (hooks.OffPathDirs); "" when it is on PATH.
	OffPath string
	// Version is the one line `PATH --version` prints, "" when it does
	// not answer.
	Version string
	// NotExecutable says the file at Path has no execute bit (a copy or
	// an unpacked file that lost its mode): it is there but cannot run,
	// which said as "not installed" sent the user to look for it.
	NotExecutable bool
	// Beside says it was found beside the running verdigris
	// (BesideSelf), not where the hooks look.
	Beside bool
}

// FindBinary finds bin where the hooks do (on PATH, then the folder
// install recorded in r, which may be nil, then home's .local/bin) and
// runs `BIN --version`; false when it is in none of them. A file of its
// name there without an execute bit, where none is executable, is
// returned with false and NotExecutable set, for the caller to say so.
func FindBinary(ctx context.Context, r *gitrepo.Repo, home, bin string) (Binary, bool) {
	path, off, ok, notExec := hooks.FindBinary(r, home, bin)
	switch {
	case notExec:
		return Binary{Path: path, OffPath: off, NotExecutable: true}, false
	case !ok:
		return Binary{}, false
	}
	return Binary{Path: path, OffPath: off, Version: versionLine(ctx, path)}, true
}

// NotExecutableAt says where b, found without an execute bit, is: on
// PATH, where the hooks look off PATH, or beside this verdigris.
func (b Binary) NotExecutableAt() string {
	where := "on PATH"
	switch {
	case b.Beside:
		where = "beside this verdigris"
	case b.OffPath != "":
		where = "where the hooks look"
	}
	return b.Path + ", " + where + ", is not executable"
}

// notExecutableDetail is NotExecutableAt in the binaries check's words,
// which begin with where the binary is not found.
func notExecutableDetail(b Binary) string {
	switch {
	case b.Beside:
		return "not on PATH nor where the hooks look; " + b.NotExecutableAt()
	case b.OffPath != "":
		return "not on PATH; " + b.NotExecutableAt()
	}
	return b.NotExecutableAt()
}

// BesideSelf finds bin in the folder of the running verdigris, where a
// build (go build -o DIR/ ./cmd/...) or an unpacked release archive puts
// them all, with its --version line: for a binary found neither on PATH
// nor where the hooks look, that is where it is, and what to do is to
// put that folder on PATH, or to install the hooks from there (install
// records its own folder for them). The folder is "" when bin is not there
// or cannot run: a file of its name without an execute bit is returned
// with NotExecutable set, for the caller to say so.
func BesideSelf(ctx context.Context, bin string) (b Binary, dir string) {
	p, dir, notExec := besideSelf(bin)
	switch {
	case notExec:
		return Binary{Path: p, OffPath: dir, NotExecutable: true, Beside: true}, ""
	case dir == "":
		return Binary{}, ""
	}
	return Binary{Path: p, OffPath: dir, Version: versionLine(ctx, p), Beside: true}, dir
}

// besideSelf is BesideSelf's look, without running the binary: its path
// and folder, "" when it is not there. notExec is a regular file of its
// name there that this user may not execute (hooks.Executable), whose
// path and folder are returned too.
func besideSelf(bin string) (path, dir string, notExec bool) {
	exe, err := os.Executable()
	if err != nil {
		return "", "", false
	}
	dir = filepath.Dir(exe)
	path = filepath.Join(dir, bin)
	fi, err := os.Stat(path)
	switch {
	case err != nil || !fi.Mode().IsRegular():
		return "", "", false
	case !hooks.Executable(fi):
		return path, dir, true
	}
	return path, dir, false
}

// NotExecutableHint is what makes the binary at path, found without an
// execute bit, run: quoted for the shell it is pasted into.
func NotExecutableHint(path string) string {
	return "make it executable: chmod +x " + cli.ShellWord(path)
}

// besideSelfHint is what to do about binaries found only beside the
// running verdigris, in dir. The commands are quoted for the shell they
// are pasted into: a folder with a space ("My Tools") ran
// "/Users/me/My" and one with a "$" lost it to the export's expansion.
func besideSelfHint(dir string) string {
	return "add " + dir + " to your PATH (" + exportPath(dir) + " in your shell's startup file), and run " + cli.ShellWord(filepath.Join(dir, "verdigris")) + " install in each repository so that the hooks look there too"
}

// exportPath is the shell line that puts dir first on PATH, dir quoted
// for the shell it is pasted into.
func exportPath(dir string) string {
	if cli.ShellWord(dir) != dir {
		return "export PATH=" + cli.ShellWord(dir) + ":\"$PATH\""
	}
	return "export PATH=\"" + dir + ":$PATH\""
}

// offPathHint is what to do about a binary the hooks find in dir, off
// PATH.
func offPathHint(dir string) string {
	return "add " + dir + " to your PATH to run it from your shell: " + exportPath(dir) + " in your shell's startup file"
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

// home is the HOME the checks run with, "" when unset.
func (c *Context) home() string {
	if c.Getenv == nil {
		return ""
	}
	return c.Getenv("HOME")
}

// failClosed are the binaries without which the pre-push hook refuses
// every push, by what in the repository puts them in use.
var failClosed = map[string]string{"git-toolchain": "toolchain.toml", "git-vault": ".verdigris/vault"}

func checkBinaries(ctx context.Context, c *Context) []Finding {
	self := version.Get("verdigris")
	var out []Finding
	for _, bin := range Binaries {
		// Off PATH the hooks still find it where verdigris install put
		// it (a shell whose PATH lacks ~/.local/bin): not a failure,
		// but commands typed in this shell do not find it.
		b, found := FindBinary(ctx, c.Repo, c.home(), bin)
		path, line, hookDir := b.Path, b.Version, b.OffPath
		f := Finding{Name: bin}
		hint := "run ./scripts/install.sh from a verdigris checkout and put its bin directory (default ~/.local/bin) on PATH"
		where := "not on PATH"
		if !found {
			// A verdigris run by its path, from a build or an archive
			// not installed: the others are beside it. One there that
			// runs comes before one where the hooks look that does not,
			// as it does in version; otherwise the hooks' comes first.
			switch p, dir, notExec := besideSelf(bin); {
			case dir != "" && !notExec:
				where = "not on PATH nor where the hooks look; found in " + dir + ", beside this verdigris"
				hint = besideSelfHint(dir)
			case b.NotExecutable:
				where = notExecutableDetail(b)
				hint = NotExecutableHint(b.Path)
				if b.OffPath != "" {
					// Made executable, the hooks run it, and the shell
					// does not: the folder's hint follows.
					hint += "; then " + offPathHint(b.OffPath)
				}
			case notExec:
				// Made executable, it is still off PATH: the folder's
				// hint follows.
				where = notExecutableDetail(Binary{Path: p, Beside: true})
				hint = NotExecutableHint(p) + "; then " + besideSelfHint(dir)
			}
		}
		switch {
		case !found && c.Repo != nil && failClosed[bin] != "" && exists(filepath.Join(c.Repo.Root, failClosed[bin])):
			f.Status, f.Detail = Fail, where+", and "+failClosed[bin]+" is in use: the pre-push hook refuses every push"
			f.Hint = hint
		case !found:
			f.Status, f.Detail = Warn, where
			f.Hint = hint
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
				hint := offPathHint(hookDir)
				if f.Hint != "" {
					hint += "; " + f.Hint
				}
				f.Status, f.Detail, f.Hint = Warn, "not on PATH; the hooks find it in "+hookDir+": "+f.Detail, hint
			}
		}
		out = append(out, f)
		if found {
			for _, p := range PassedOver(bin, b) {
				out = append(out, Finding{Name: bin, Status: Warn, Detail: p.Detail, Hint: p.Hint})
			}
		}
	}
	return out
}

// Passed is a copy of a binary without an execute bit on PATH before
// the one found, in the words doctor and version say it in.
type Passed struct {
	Path, Detail, Hint string
}

// PassedOver lists the copies of bin without an execute bit on PATH
// before b, the one FindBinary found executable: the shell and the
// hooks pass over each, and the one meant to run (a newer one, put
// first) silently does not.
func PassedOver(bin string, b Binary) []Passed {
	before := "earlier on PATH than " + b.Path
	if b.OffPath != "" {
		before = "on PATH, where the hooks look before " + b.OffPath
	}
	var out []Passed
	for _, p := range hooks.NotExecutableBefore(bin, onPath(b)) {
		out = append(out, Passed{Path: p,
			Detail: p + ", " + before + ", is not executable: it is passed over",
			Hint:   NotExecutableHint(p) + ", or remove it"})
	}
	return out
}

// onPath is b's path when it was found on PATH, "" when off it.
func onPath(b Binary) string {
	if b.OffPath != "" {
		return ""
	}
	return b.Path
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
