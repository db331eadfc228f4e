package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/doctor"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/version"
)

var versionCmd = &cli.Command{
	Name: "version",
	Usage: `Usage: verdigris version [--json]

Print the version and commit of verdigris and of every verdigris binary,
on PATH or where the hooks find it off PATH (the folder verdigris install
recorded, then ~/.local/bin), else beside this verdigris, which it names.

Flags:
      --json   print [{"binary", "path", "version", "on_path", "reason",
               "passed_over"}] as JSON ("reason": why one found is not
               installed; "passed_over": [{"path", "reason"}], the copies
               without an execute bit on PATH before the one found)
`,
	Flags: func(fs *pflag.FlagSet) { fs.Bool("json", false, "") },
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := cli.NArgs("verdigris version", args, 0, 0); err != nil {
			return err
		}
		asJSON, _ := fs.GetBool("json")
		// The hooks find binaries off PATH in the folder install recorded
		// in this repository, and in ~/.local/bin: version looks there
		// too, so that it does not call a binary the hooks run "not
		// installed". Outside a repository there is no record.
		r, err := gitrepo.Open(ctx, env.Dir)
		if err != nil {
			r = nil
		}
		self := version.String("verdigris")
		list := []versionEntry{selfEntry(self)}
		for _, bin := range doctor.Binaries[1:] {
			b, found := doctor.FindBinary(ctx, r, env.Env("HOME"), bin)
			beside := ""
			if !found {
				// Run by its path from a build or an archive not
				// installed: the others are beside it. One there that
				// runs comes before one where the hooks look that
				// does not; otherwise the hooks' comes first.
				bb, dir := doctor.BesideSelf(ctx, bin)
				if dir != "" || !b.NotExecutable {
					b, beside = bb, dir
				}
				found = beside != ""
			}
			e := versionEntry{Binary: bin, Path: b.Path, Version: b.Version, OnPath: b.OffPath == ""}
			switch {
			case b.NotExecutable:
				// There, but it cannot run: "not installed" alone sent
				// the user looking for it.
				e.Version, e.OnPath = "not installed", false
				e.Reason = "not executable"
				e.Line = bin + " not installed: " + cli.Printable(b.NotExecutableAt()) + " (" + cli.Printable(doctor.NotExecutableHint(b.Path)) + ")"
			case !found:
				e.Version, e.OnPath = "not installed", false
				e.Line = bin + " not installed"
			case b.Version == "":
				e.Line = bin + " at " + b.Path + " does not answer --version"
			default:
				e.Line = b.Version
			}
			switch {
			case beside != "":
				e.Line += "; not on PATH nor where the hooks look, found in " + cli.Printable(beside) + " beside this verdigris"
			case found && b.OffPath != "":
				e.Line += "; not on PATH, found in " + b.OffPath + " where the hooks look"
			}
			if found && beside == "" {
				e.passedOver(doctor.PassedOver(bin, b))
			}
			list = append(list, e)
		}
		if asJSON {
			return cli.WriteJSON(env.Stdout, list)
		}
		for _, e := range list {
			fmt.Fprintln(env.Stdout, e.Line)
		}
		return nil
	},
}

type versionEntry struct {
	Binary  string `json:"binary"`
	Path    string `json:"path,omitempty"`
	Version string `json:"version"`
	// OnPath is false for a binary found off PATH where the hooks
	// look, and for one not installed.
	OnPath bool `json:"on_path"`
	// Reason is why a binary found is "not installed": "not executable"
	// for one without an execute bit, at Path (on PATH, where the hooks
	// look, or beside this verdigris).
	Reason string `json:"reason,omitempty"`
	// PassedOver are the copies without an execute bit on PATH before
	// the one found, which the shell and the hooks pass over.
	PassedOver []passedOver `json:"passed_over,omitempty"`
	Line       string       `json:"-"`
}

// passedOver is a copy passed over, in the words of an entry not
// executable: its path, and "not executable".
type passedOver struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// passedOver adds each copy passed over to e, in doctor's words.
func (e *versionEntry) passedOver(ps []doctor.Passed) {
	for _, p := range ps {
		e.PassedOver = append(e.PassedOver, passedOver{Path: p.Path, Reason: "not executable"})
		e.Line += "; " + cli.Printable(p.Detail) + " (" + cli.Printable(p.Hint) + ")"
	}
}

// selfEntry is the running verdigris: on PATH only when PATH's verdigris
// is this very file, not merely one of that name (a copy run by its path
// to try a build).
func selfEntry(line string) versionEntry {
	e := versionEntry{Binary: "verdigris", Version: line, Line: line}
	exe, err := os.Executable()
	if err != nil {
		exe = ""
	}
	p, err := exec.LookPath("verdigris")
	if err == nil && exe != "" && sameFile(p, exe) {
		e.Path, e.OnPath = p, true
		e.passedOver(doctor.PassedOver("verdigris", doctor.Binary{Path: p}))
		return e
	}
	// Said in the text as --json says it ("on_path": false), in the
	// other binaries' words.
	e.Path = exe
	e.Line += "; not on PATH"
	if exe != "" {
		e.Line += ", run from " + cli.Printable(filepath.Dir(exe))
	}
	if err == nil {
		e.Line += " (PATH has another verdigris: " + cli.Printable(p) + ")"
	}
	return e
}

func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}
