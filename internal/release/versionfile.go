package release

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// FileChange is the new content of one version file.
type FileChange struct {
	Path string `json:"path"`           // slash-separated, relative to the repository root
	Kind string `json:"kind"`           // go, version, cargo, cargo-lock, npm, npm-lock
	From string `json:"from,omitempty"` // the version the file held (for a lockfile: its manifest's)
	To   string `json:"to"`

	Old, New []byte `json:"-"`
}

// Changed reports whether the file's bytes change.
func (c *FileChange) Changed() bool { return !bytes.Equal(c.Old, c.New) }

// kinds by file name; any other name ending in .go is a Go file holding
// `const Version = "X.Y.Z"`.
var kinds = map[string]string{
	"VERSION":             "version",
	"Cargo.toml":          "cargo",
	"Cargo.lock":          "cargo-lock",
	"package.json":        "npm",
	"package-lock.json":   "npm-lock",
	"npm-shrinkwrap.json": "npm-lock",
}

func kindOf(p string) string {
	if k, ok := kinds[path.Base(p)]; ok {
		return k
	}
	if strings.HasSuffix(p, ".go") {
		return "go"
	}
	return ""
}

// localPackage is a package of the repository's own that a lockfile
// records: its name and the version its manifest held.
//
// lockDir is the folder of the lockfile that holds it when that is not
// at or above its manifest: a Cargo workspace member outside the
// workspace's folder, in the lockfile beside the workspace's root.
type localPackage struct{ manifest, name, version, lockDir string }

// VersionFiles computes the new contents of the version files (paths
// relative to root, as configured) for version to. Manifests are read
// before lockfiles, which bump exactly the entries of the packages the
// manifests name. A file already holding a version above to is refused.
// Nothing is written.
func VersionFiles(root string, paths []string, to Version) ([]*FileChange, error) {
	out, err := versionFiles(root, paths, to)
	if err != nil {
		return nil, err
	}
	for _, fc := range out {
		if from, perr := ParseVersion(fc.From); perr == nil && from.Compare(to) > 0 {
			return nil, refuse(fmt.Sprintf("release that version or a later one explicitly: git release %s", from),
				"version file %s holds %s, newer than the release %s", fc.Path, from, to)
		}
	}
	return out, nil
}

// ReadVersions returns the version each version file holds now (in From),
// checking them as a release would but computing no new content that
// matters.
func ReadVersions(root string, paths []string) ([]*FileChange, error) {
	return versionFiles(root, paths, Version{})
}

func versionFiles(root string, paths []string, to Version) ([]*FileChange, error) {
	listed := map[string]bool{}
	for _, p := range paths {
		clean := path.Clean(filepath.ToSlash(p))
		if filepath.IsAbs(p) || clean == ".." || strings.HasPrefix(clean, "../") {
			return nil, refuse("list paths relative to the repository root in [release] version-files", "version file %s is outside the repository", p)
		}
		if kindOf(clean) == "" {
			return nil, refuse("known version files: *.go (const Version = \"X.Y.Z\"), VERSION, Cargo.toml, Cargo.lock, package.json, package-lock.json, npm-shrinkwrap.json",
				"version file %s: unknown format", p)
		}
		if listed[clean] {
			return nil, refuse("list each file once in [release] version-files", "version file %s is listed twice", p)
		}
		if err := notALink(root, clean, "[release] version-files"); err != nil {
			return nil, err
		}
		if err := inWorkTree(root, clean, false); err != nil {
			return nil, err
		}
		listed[clean] = true
	}
	if err := checkPairs(root, listed); err != nil {
		return nil, err
	}
	ordered := make([]string, 0, len(listed))
	for p := range listed {
		ordered = append(ordered, p)
	}
	// Manifests first (their names and old versions drive the lockfiles),
	// then the configured order.
	sort.SliceStable(ordered, func(i, j int) bool {
		li, lj := isLock(ordered[i]), isLock(ordered[j])
		if li != lj {
			return !li
		}
		return indexOf(paths, ordered[i]) < indexOf(paths, ordered[j])
	})
	var (
		out   []*FileChange
		cargo []localPackage
		npm   = map[string]string{} // package.json's version, by directory
	)
	for _, p := range ordered {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if errors.Is(err, os.ErrNotExist) {
			return nil, refuse("create it, or remove it from [release] version-files in toolchain.toml", "version file %s does not exist", p)
		}
		if err != nil {
			return nil, cannotRead(root, p, "version file "+p,
				"make it a file you can read, or remove it from [release] version-files in toolchain.toml", err)
		}
		if err := checkText("version file "+p, data); err != nil {
			return nil, err
		}
		fc := &FileChange{Path: p, Kind: kindOf(p), To: to.String(), Old: data}
		// A byte order mark is read past and kept: the formats below see
		// the text after it.
		mark, data := cutBOM(data)
		switch fc.Kind {
		case "go":
			fc.New, fc.From, err = updateGoConst(data, to)
		case "version":
			fc.New, fc.From, err = updatePlain(data, to)
		case "cargo":
			var pkgs []localPackage
			fc.New, fc.From, pkgs, err = updateCargoManifest(root, p, data, to)
			cargo = append(cargo, pkgs...)
		case "cargo-lock":
			fc.New, fc.From, err = updateCargoLock(data, inWorkspace(cargo, path.Dir(p)), to)
		case "npm":
			fc.New, fc.From, err = updatePackageJSON(data, to)
			npm[path.Dir(p)] = fc.From
		case "npm-lock":
			fc.New, fc.From, err = updatePackageLock(data, to)
			// Out of date with its manifest: npm install, not a release,
			// should bring it up (as Cargo.lock is refused).
			if want, ok := npm[path.Dir(p)]; ok && err == nil && strings.TrimPrefix(fc.From, "v") != strings.TrimPrefix(want, "v") {
				return nil, refuse("run npm install so that it agrees with package.json, commit it, then release",
					"%s is at %s but %s at %s", p, fc.From, path.Join(path.Dir(p), "package.json"), want)
			}
		}
		if err != nil {
			var re *Error
			if errors.As(err, &re) {
				return nil, err
			}
			if pe, ok := err.(*parseError); ok && pe.File == "" {
				// version file package.json:3:22: …, the place to open.
				pe.File = p
				return nil, refuse("fix the file by hand, or remove it from [release] version-files", "version file %v", pe)
			}
			return nil, refuse("fix the file by hand, or remove it from [release] version-files", "version file %s: %v", p, err)
		}
		fc.New = withBOM(mark, fc.New)
		// As the file now spells it: "v0.1.1" where it held "v0.1.0".
		fc.To = spelt(fc.From, to)
		out = append(out, fc)
	}
	// Restore the configured order for reporting.
	sort.SliceStable(out, func(i, j int) bool { return indexOf(paths, out[i].Path) < indexOf(paths, out[j].Path) })
	return out, nil
}

// notALink refuses a file that is a symbolic link: the release commit
// would replace the link with a file (the atomic write renames over it)
// and leave the file it points to as it was.
func notALink(root, rel, where string) error {
	if fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel))); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return refuse("name the file the link points to in "+where, "%s is a symbolic link", rel)
	}
	return nil
}

// inWorkTree refuses a changelog (changelog true) or version file that
// the release commit could not hold, which the dry run let through: one
// inside .git, inside a nested repository or submodule, below a symbolic
// link, in a directory that does not exist (a changelog is created, its
// directory is not), or a directory itself.
func inWorkTree(root, rel string, changelog bool) error {
	what, key := "version file "+rel, "[release] version-files"
	if changelog {
		what, key = "changelog "+rel, "[release] changelog"
	}
	name := func() string {
		if changelog {
			return fmt.Sprintf("set %s in toolchain.toml to ", key)
		}
		return fmt.Sprintf("name in %s ", key)
	}
	parts := strings.Split(rel, "/")
	for _, part := range parts {
		if strings.EqualFold(part, ".git") {
			return refuse(name()+"a file of the working tree", "%s is inside .git: the release commit could not include it", what)
		}
	}
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		full := filepath.Join(root, filepath.FromSlash(dir))
		fi, err := os.Lstat(full)
		switch {
		case err != nil:
			if !changelog {
				return nil // read next: "does not exist"
			}
			return refuse(fmt.Sprintf("create it (mkdir -p %s), or set %s in toolchain.toml to a file in a directory that exists", strings.Join(parts[:len(parts)-1], "/"), key),
				"%s: directory %s does not exist", what, dir)
		case fi.Mode()&os.ModeSymlink == 0 && !fi.IsDir():
			// Not "does not exist" (the changelog's words were so) nor "a
			// part of its path is not a directory" (the read's): which
			// part, and what it is.
			return refuse(fmt.Sprintf("%sa file in a directory, not below the file %s", name(), dir), "%s: %s is a file, not a directory", what, dir)
		case fi.Mode()&os.ModeSymlink != 0:
			return refuse(name()+"the file the link leads to", "%s is below %s, a symbolic link: the release commit could not include it", what, dir)
		}
		if _, err := os.Lstat(filepath.Join(full, ".git")); err == nil {
			hint := fmt.Sprintf("remove it from %s, or release in %s", key, dir)
			if changelog {
				hint = fmt.Sprintf("set %s in toolchain.toml to a file of this repository, or release in %s", key, dir)
			}
			return refuse(hint, "%s is inside %s, another git repository: the release commit could not include it", what, dir)
		}
	}
	if fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(rel))); err == nil && fi.IsDir() {
		return refuse(name()+"a file", "%s is a directory", what)
	}
	return nil
}

func isLock(p string) bool { k := kindOf(p); return k == "cargo-lock" || k == "npm-lock" }

func indexOf(paths []string, p string) int {
	for i, q := range paths {
		if path.Clean(filepath.ToSlash(q)) == p {
			return i
		}
	}
	return len(paths)
}

// inWorkspace keeps the packages whose manifests sit in dir (a lockfile's
// directory) or below it, and those whose lockfile is there.
func inWorkspace(pkgs []localPackage, dir string) []localPackage {
	var out []localPackage
	for _, p := range pkgs {
		if dir == "." || path.Dir(p.manifest) == dir || strings.HasPrefix(p.manifest, dir+"/") || p.lockDir == dir {
			out = append(out, p)
		}
	}
	return out
}

// checkPairs refuses a manifest listed without the lockfile beside it, and
// a lockfile without its manifest: bumping one and not the other is the
// mistake that leaves a lockfile out of date after a release.
func checkPairs(root string, listed map[string]bool) error {
	exists := func(p string) bool {
		_, err := os.Stat(filepath.Join(root, filepath.FromSlash(p)))
		return err == nil
	}
	for p := range listed {
		dir := path.Dir(p)
		switch kindOf(p) {
		case "cargo":
			if lock, ok := nearestCargoLock(dir, exists); ok && !listed[lock] {
				return refuse(fmt.Sprintf("add %q to [release] version-files in toolchain.toml", lock),
					"%s is a version file but its lockfile %s is not: the lockfile would keep the old version", p, lock)
			}
		case "cargo-lock":
			found := false
			for q := range listed {
				found = found || (kindOf(q) == "cargo" && len(inWorkspace([]localPackage{{manifest: q}}, dir)) == 1)
			}
			if !found {
				return refuse(fmt.Sprintf("add the Cargo.toml whose version %s records to [release] version-files", p),
					"%s is a version file but no Cargo.toml of its workspace is", p)
			}
		case "npm":
			for _, lock := range []string{"package-lock.json", "npm-shrinkwrap.json"} {
				lp := path.Join(dir, lock)
				if exists(lp) && !listed[lp] {
					return refuse(fmt.Sprintf("add %q to [release] version-files in toolchain.toml", lp),
						"%s is a version file but its lockfile %s is not: the lockfile would keep the old version", p, lp)
				}
			}
		case "npm-lock":
			if !listed[path.Join(dir, "package.json")] {
				return refuse(fmt.Sprintf("add %q to [release] version-files in toolchain.toml", path.Join(dir, "package.json")),
					"%s is a version file but its package.json is not", p)
			}
		}
	}
	return nil
}

// nearestCargoLock finds the Cargo.lock of the workspace a manifest in dir
// belongs to: in dir or the closest directory above it in the repository.
func nearestCargoLock(dir string, exists func(string) bool) (string, bool) {
	for {
		lock := path.Join(dir, "Cargo.lock")
		if exists(lock) {
			return lock, true
		}
		if dir == "." || dir == "/" {
			return "", false
		}
		dir = path.Dir(dir)
	}
}
