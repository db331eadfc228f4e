package release

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

type cargoManifest struct {
	Package *struct {
		Name      string `toml:"name"`
		Version   any    `toml:"version"`   // a string, or {workspace = true}
		Workspace string `toml:"workspace"` // the folder of its workspace's root, when not above it
	} `toml:"package"`
	Workspace *struct {
		Members      []string       `toml:"members"`
		Exclude      []string       `toml:"exclude"`
		Dependencies map[string]any `toml:"dependencies"`
		Package      *struct {
			Version string `toml:"version"`
		} `toml:"package"`
	} `toml:"workspace"`
	cargoDeps
	Target map[string]cargoDeps `toml:"target"`
}

// cargoDeps are the dependency tables of a manifest or of one of its
// [target.X] tables, with the underscore spellings Cargo still reads.
type cargoDeps struct {
	Dependencies map[string]any `toml:"dependencies"`
	Dev          map[string]any `toml:"dev-dependencies"`
	DevOld       map[string]any `toml:"dev_dependencies"`
	Build        map[string]any `toml:"build-dependencies"`
	BuildOld     map[string]any `toml:"build_dependencies"`
}

// pathDeps returns the directories of the package's path dependencies,
// absolute and clean as Cargo normalizes them (".." resolved by name),
// each with where its path is written (in, a manifest from the
// repository root) for the hint of a refusal. dir is the manifest's
// directory and self its name; a dep = { workspace = true } takes the
// path of [workspace.dependencies] (wsDeps), relative to the workspace's
// directory wsDir and written in wsManifest. deps are the dependencies'
// names.
func (m *cargoManifest) pathDeps(dir, self, wsDir, wsManifest string, wsDeps map[string]any) (dirs, in, deps []string) {
	tables := []map[string]any{m.Dependencies, m.Dev, m.DevOld, m.Build, m.BuildOld}
	targets := make([]string, 0, len(m.Target))
	for t := range m.Target {
		targets = append(targets, t)
	}
	sort.Strings(targets)
	for _, t := range targets {
		d := m.Target[t]
		tables = append(tables, d.Dependencies, d.Dev, d.DevOld, d.Build, d.BuildOld)
	}
	for _, table := range tables {
		names := make([]string, 0, len(table))
		for n := range table {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			base, where, spec := dir, self, table[n]
			if inheritsVersion(spec) {
				base, where, spec = wsDir, wsManifest, wsDeps[n]
			}
			t, _ := spec.(map[string]any)
			p, ok := t["path"].(string)
			if !ok {
				continue
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(base, filepath.FromSlash(p))
			}
			dirs = append(dirs, filepath.Clean(p))
			in = append(in, where)
			deps = append(deps, n)
		}
	}
	return dirs, in, deps
}

// decode reads a Cargo.toml into m. A value of the wrong type is refused
// by its key, as Cargo refuses it: [package] version too, which go-toml
// takes in any kind, since it holds a string or { workspace = true }.
func (m *cargoManifest) decode(data []byte) error {
	if err := toml.Unmarshal(data, m); err != nil {
		return tomlError(data, m, err)
	}
	if m.Package == nil || m.Package.Version == nil || inheritsVersion(m.Package.Version) {
		return nil
	}
	if _, ok := m.Package.Version.(string); ok {
		return nil
	}
	var probe struct {
		Package struct {
			Version string `toml:"version"`
		} `toml:"package"`
	}
	if err := toml.Unmarshal(data, &probe); err != nil {
		return tomlError(data, &probe, err)
	}
	return nil
}

func inheritsVersion(v any) bool {
	m, ok := v.(map[string]any)
	return ok && m["workspace"] == true
}

// updateCargoManifest rewrites the version of a Cargo.toml: [package]'s
// own version, and [workspace.package]'s, which members inherit with
// version.workspace = true. It returns the local packages whose version
// changes, for the lockfile.
func updateCargoManifest(root, p string, data []byte, to Version) ([]byte, string, []localPackage, error) {
	var m cargoManifest
	if err := m.decode(data); err != nil {
		return nil, "", nil, err
	}
	lines := tomlLines(data)
	var (
		edits []edit
		pkgs  []localPackage
		from  string
		keys  [][]string // the dotted keys that change, for the check below
	)
	one := func(table string) (stringValue, error) {
		vs := findKey(data, lines, table, 0, "version")
		if len(vs) != 1 {
			return stringValue{}, fmt.Errorf(`expected one line version = "X.Y.Z" in [%s], found %d`, table, len(vs))
		}
		return vs[0], nil
	}
	if m.Package != nil {
		if _, ok := m.Package.Version.(string); ok {
			v, err := one("package")
			if err != nil {
				return nil, "", nil, err
			}
			edits = append(edits, edit{v.start, v.end, to.String()})
			pkgs = append(pkgs, localPackage{p, m.Package.Name, v.value, ""})
			from = v.value
			keys = append(keys, []string{"package", "version"})
		}
	}
	if m.Workspace != nil && m.Workspace.Package != nil && m.Workspace.Package.Version != "" {
		v, err := one("workspace.package")
		if err != nil {
			return nil, "", nil, err
		}
		edits = append(edits, edit{v.start, v.end, to.String()})
		keys = append(keys, []string{"workspace", "package", "version"})
		if from == "" {
			from = v.value
		}
		if m.Package != nil && inheritsVersion(m.Package.Version) {
			pkgs = append(pkgs, localPackage{p, m.Package.Name, v.value, ""})
		}
		members, err := inheritingMembers(root, p, &m)
		if err != nil {
			return nil, "", nil, err
		}
		for _, mem := range members {
			pkgs = append(pkgs, localPackage{mem.manifest, mem.name, v.value, mem.lockDir})
		}
	}
	if len(edits) == 0 {
		if m.Package != nil && inheritsVersion(m.Package.Version) {
			return nil, "", nil, &Error{Msg: fmt.Sprintf("version file %s inherits its version from the workspace", p),
				Hint: "list the workspace's root Cargo.toml (the one with [workspace.package] version) instead"}
		}
		return nil, "", nil, fmt.Errorf(`no version = "X.Y.Z" in [package] or [workspace.package]`)
	}
	out := applyEdits(data, edits)
	if err := sameTOMLExcept(data, out, keys, to.String()); err != nil {
		return nil, "", nil, err
	}
	return out, from, pkgs, nil
}

// inheritingMembers finds the members of the workspace whose root
// manifest is p (parsed as ws), as Cargo's find_members does, and
// returns those that inherit the workspace version. Members are what
// the members globs match (relative to p's directory, matched as Cargo
// matches them) and, recursively, the path dependencies of members and
// of the root package that sit inside the workspace's directory or whose
// package.workspace leads back to it, less what exclude leaves out. Each
// manifest is read once.
func inheritingMembers(root, p string, ws *cargoManifest) ([]localPackage, error) {
	globs, exclude := ws.Workspace.Members, ws.Workspace.Exclude
	wsDir := filepath.Join(root, filepath.FromSlash(path.Dir(p)))
	// A member reached by path: in is where its path is written, "" for
	// one the members entry names; outside, when it is outside wsDir.
	type candidate struct {
		manifest, in, entry, dep string
		outside                  bool
	}
	var todo []candidate
	for _, g := range globs {
		dirs, err := cargoMemberDirs(wsDir, g)
		if err != nil {
			return nil, fmt.Errorf("workspace member %q: %v", g, err)
		}
		for _, d := range dirs {
			// Each one, with a Cargo.toml or not: Cargo reads every
			// member that exclude does not leave out, and refuses the
			// workspace when a folder a members entry names (a glob's
			// match too) has none.
			todo = append(todo, candidate{filepath.Join(d, "Cargo.toml"), "", g, "", false})
		}
	}
	seen := map[string]bool{filepath.Join(wsDir, "Cargo.toml"): true}
	follow := func(m *cargoManifest, manifest string) {
		if m.Package == nil {
			return // a virtual manifest: no dependencies of its own
		}
		self, _ := filepath.Rel(root, manifest)
		dirs, in, names := m.pathDeps(filepath.Dir(manifest), filepath.ToSlash(self), wsDir, p, ws.Workspace.Dependencies)
		for i, d := range dirs {
			todo = append(todo, candidate{filepath.Join(d, "Cargo.toml"), in[i], "", names[i], !hasPathPrefix(d, wsDir)})
		}
	}
	follow(ws, filepath.Join(wsDir, "Cargo.toml"))
	var out []localPackage
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		f := c.manifest
		if seen[f] || cargoExcluded(wsDir, f, globs, exclude) {
			continue
		}
		seen[f] = true
		if c.outside {
			// Outside the workspace's directory a path dependency is a
			// member only when its package.workspace leads back to the
			// workspace (Cargo's find_root); else it is a package of its
			// own, and so are its path dependencies. One that cannot be
			// read or parsed is refused, as Cargo refuses the workspace
			// ("failed to load manifest for dependency").
			rel, _ := filepath.Rel(root, f)
			mm, ok, err := outsideMember(f, wsDir)
			if err != nil {
				return nil, outsideDepError(root, filepath.ToSlash(rel), p, c.in, c.dep, err)
			}
			if !ok {
				continue
			}
			if inheritsVersion(mm.Package.Version) {
				out = append(out, localPackage{filepath.ToSlash(rel), mm.Package.Name, "", path.Dir(p)})
			}
			follow(mm, f)
			continue
		}
		// Named from the repository root: the absolute path is this
		// machine's, and file:line opens in an editor.
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		// The way out, beside mending the member, is to leave it out
		// of the workspace: exclude names it from the workspace's
		// folder, and a members glob cannot leave it out. The version
		// file's own hint (fix it, or drop it from version-files)
		// would send the user to the wrong file. Excluding a path
		// dependency leaves it a dependency, which Cargo still reads:
		// its way out is the path that names it.
		member, _ := filepath.Rel(wsDir, filepath.Dir(f))
		readHint := fmt.Sprintf("make it a Cargo.toml you can read, or add %q to [workspace] exclude in %s", filepath.ToSlash(member), p)
		parseHint := fmt.Sprintf("fix %s by hand, or add %q to [workspace] exclude in %s", rel, filepath.ToSlash(member), p)
		if c.in != "" {
			readHint = "make it a Cargo.toml you can read, or fix the path dependency on it in " + c.in
			parseHint = fmt.Sprintf("fix %s by hand, or the path dependency on it in %s", rel, c.in)
		}
		data, err := os.ReadFile(f)
		if err != nil && c.in == "" && errors.Is(err, fs.ErrNotExist) {
			if _, lerr := os.Lstat(f); lerr != nil { // no file at all, not a link to nothing
				return nil, noMemberManifest(wsDir, p, path.Dir(rel), filepath.ToSlash(member), c.entry, globs, f)
			}
		}
		if err != nil {
			return nil, cannotRead(root, rel, fmt.Sprintf("workspace member %s (of version file %s)", rel, p), readHint, err)
		}
		var mm cargoManifest
		_, data = cutBOM(data)
		if err := mm.decode(data); err != nil {
			var pe *parseError
			if errors.As(err, &pe) {
				pe.File = rel
				return nil, refuse(parseHint, "version file %s: workspace member %v", p, pe)
			}
			return nil, refuse(parseHint, "version file %s: workspace member %s: %v", p, rel, err)
		}
		if mm.Package != nil && inheritsVersion(mm.Package.Version) {
			out = append(out, localPackage{rel, mm.Package.Name, "", ""})
		}
		follow(&mm, f)
	}
	return out, nil
}

// outsideMember reads the manifest f of a path dependency outside the
// workspace at wsDir: it is a member when its package.workspace, from
// f's folder, is wsDir, compared as Cargo compares them (a path with ".."
// taken off by name, a trailing slash none). err is why f cannot be read
// (an *fs.PathError) or parsed.
func outsideMember(f, wsDir string) (*cargoManifest, bool, error) {
	data, err := os.ReadFile(f)
	if err != nil {
		return nil, false, err
	}
	var m cargoManifest
	_, data = cutBOM(data)
	if err := m.decode(data); err != nil {
		return nil, false, err
	}
	if m.Package == nil || m.Package.Workspace == "" {
		return nil, false, nil
	}
	ws := filepath.FromSlash(m.Package.Workspace)
	if !filepath.IsAbs(ws) {
		ws = filepath.Join(filepath.Dir(f), ws)
	}
	return &m, filepath.Clean(ws) == filepath.Clean(wsDir), nil
}

// outsideDepError refuses the manifest rel (from the repository root) of
// the path dependency dep, outside the workspace of version file p,
// whose path is written in in, for err from outsideMember. Exclude does
// not leave out a dependency: the ways out are the manifest and the
// path that names it.
func outsideDepError(root, rel, p, in, dep string, err error) *Error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return cannotRead(root, rel, fmt.Sprintf("%s, the manifest of path dependency %q in %s (of version file %s)", rel, dep, in, p),
			fmt.Sprintf("make it a Cargo.toml you can read, or fix the path dependency %q on it in %s", dep, in), err)
	}
	hint := fmt.Sprintf("fix %s by hand, or the path dependency %q on it in %s", rel, dep, in)
	var pe *parseError
	if errors.As(err, &pe) {
		pe.File = rel
		return refuse(hint, "version file %s: path dependency %q in %s: %v", p, dep, in, pe)
	}
	return refuse(hint, "version file %s: path dependency %q in %s: %s: %v", p, dep, in, rel, err)
}

// noMemberManifest is the refusal of a workspace member, dir from the
// repository root and member from the workspace's folder, that holds no
// Cargo.toml (or is not there at all), as Cargo refuses it. The way out
// is exclude when it would leave the member out, or else taking out the
// members entry that names it as a path (exclude cannot win over that).
func noMemberManifest(wsDir, p, dir, member, entry string, members []string, manifest string) *Error {
	if !isDir(filepath.Dir(manifest)) {
		return refuse(fmt.Sprintf("take %q out of [workspace] members in %s, or create %s with a Cargo.toml", entry, p, dir),
			"workspace member %s (of version file %s) does not exist", dir, p)
	}
	way := fmt.Sprintf("add %q to [workspace] exclude in %s", member, p)
	if !cargoExcluded(wsDir, manifest, members, []string{member}) {
		way = fmt.Sprintf("take %q out of [workspace] members in %s", entry, p)
	}
	return refuse(fmt.Sprintf("add a Cargo.toml to %s, or %s", dir, way),
		"workspace member %s (of version file %s) has no Cargo.toml", dir, p)
}

// cargoExcluded reports whether Cargo leaves the member manifest
// (an absolute, clean path) out of the workspace rooted at wsDir, as its
// is_excluded does: an exclude entry is a path from the workspace root,
// not a glob, and covers that directory and everything below it, unless
// a members entry, read as a path, covers the manifest too (a glob entry
// covers nothing: its "*" is a name no directory has). Paths are compared
// by their components, so crates/a does not cover crates/ab, and
// ./crates/a/ is crates/a.
func cargoExcluded(wsDir, manifest string, members, exclude []string) bool {
	covers := func(entries []string) bool {
		for _, e := range entries {
			p := e
			if !filepath.IsAbs(p) {
				p = wsDir + string(filepath.Separator) + p
			}
			if hasPathPrefix(manifest, p) {
				return true
			}
		}
		return false
	}
	return covers(exclude) && !covers(members)
}

// hasPathPrefix reports whether the components of prefix begin those of
// p. Empty and "." components are none, as Rust's Path reads them; ".."
// is one, never resolved (Cargo does not resolve it in exclude either).
func hasPathPrefix(p, prefix string) bool {
	parts := func(s string) []string {
		var out []string
		for _, c := range strings.Split(filepath.ToSlash(s), "/") {
			if c != "" && c != "." {
				out = append(out, c)
			}
		}
		return out
	}
	pp, pre := parts(p), parts(prefix)
	if len(pre) > len(pp) {
		return false
	}
	for i := range pre {
		if pp[i] != pre[i] {
			return false
		}
	}
	return true
}

// lockDepRE is a dependency reference in Cargo.lock that names a version
// (written when several versions of a name are locked): "name version",
// with no source when it is a local package.
var lockDepRE = regexp.MustCompile(`"([A-Za-z0-9_-]+) ([0-9][^" ]*)"`)

// updateCargoLock bumps the [[package]] entries of the local packages
// (no source line, the name and old version the manifests gave) and the
// "name version" references to them; registry packages of the same name
// keep their version.
func updateCargoLock(data []byte, pkgs []localPackage, to Version) ([]byte, string, error) {
	ours := map[string]string{}
	for _, p := range pkgs {
		ours[p.name] = p.version
	}
	if len(ours) == 0 {
		return nil, "", fmt.Errorf("no package of a listed Cargo.toml changes version here")
	}
	lines := tomlLines(data)
	var edits []edit
	found := map[string]bool{}
	elems := 0
	for _, l := range lines {
		if l.table == "package" && l.arrayElem > elems {
			elems = l.arrayElem
		}
	}
	type lockEntry struct{ Name, Version, Source string }
	var parsed struct {
		Package []lockEntry `toml:"package"`
	}
	if err := toml.Unmarshal(data, &parsed); err != nil {
		return nil, "", tomlError(data, &parsed, err)
	}
	if len(parsed.Package) != elems {
		return nil, "", fmt.Errorf("unexpected layout: %d [[package]] entries read, %d found by line", len(parsed.Package), elems)
	}
	var changed []int // indexes into parsed.Package
	for i, e := range parsed.Package {
		if e.Source != "" || ours[e.Name] == "" || ours[e.Name] != e.Version {
			continue
		}
		vs := findKey(data, lines, "package", i+1, "version")
		if len(vs) != 1 {
			return nil, "", fmt.Errorf("[[package]] %s: expected one version line, found %d", e.Name, len(vs))
		}
		edits = append(edits, edit{vs[0].start, vs[0].end, to.String()})
		found[e.Name] = true
		changed = append(changed, i)
	}
	for _, l := range lines {
		if l.table != "package" || l.header || l.inString {
			continue
		}
		line := data[l.start:l.end]
		for _, m := range lockDepRE.FindAllSubmatchIndex(line, -1) {
			name, ver := string(line[m[2]:m[3]]), string(line[m[4]:m[5]])
			if ours[name] == ver {
				edits = append(edits, edit{l.start + m[4], l.start + m[5], to.String()})
			}
		}
	}
	var missing []string
	for name := range ours {
		if !found[name] {
			missing = append(missing, name+" "+ours[name])
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return nil, "", &Error{Msg: fmt.Sprintf("Cargo.lock has no entry for %s: it is out of date with its manifest", missing[0]),
			Hint: "run 'cargo generate-lockfile' (or any cargo build), commit the lockfile, then release"}
	}
	out := applyEdits(data, edits)
	// Check by meaning, not just by bytes: the new lockfile must read as
	// the old one with exactly those versions changed.
	var before, after map[string]any
	if err := toml.Unmarshal(data, &before); err != nil {
		return nil, "", err
	}
	if err := toml.Unmarshal(out, &after); err != nil {
		return nil, "", fmt.Errorf("the rewritten file does not parse: %v", err)
	}
	list, _ := before["package"].([]any)
	for _, i := range changed {
		list[i].(map[string]any)["version"] = to.String()
	}
	for _, e := range list {
		deps, _ := e.(map[string]any)["dependencies"].([]any)
		for j, d := range deps {
			if s, ok := d.(string); ok {
				if m := lockDepRE.FindStringSubmatch(`"` + s + `"`); m != nil && ours[m[1]] == m[2] {
					deps[j] = m[1] + " " + to.String()
				}
			}
		}
	}
	if !reflect.DeepEqual(before, after) {
		return nil, "", fmt.Errorf("rewriting the versions would change more than the versions; left alone")
	}
	return out, pkgs[0].version, nil
}

// sameTOMLExcept checks that after reads as before with only the values
// at keys set to value.
func sameTOMLExcept(before, after []byte, keys [][]string, value string) error {
	var b, a map[string]any
	if err := toml.Unmarshal(before, &b); err != nil {
		return err
	}
	if err := toml.Unmarshal(after, &a); err != nil {
		return fmt.Errorf("the rewritten file does not parse: %v", err)
	}
	for _, k := range keys {
		m := b
		for _, part := range k[:len(k)-1] {
			m, _ = m[part].(map[string]any)
		}
		if m != nil {
			m[k[len(k)-1]] = value
		}
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Errorf("rewriting the version would change more than the version; left alone")
	}
	return nil
}
