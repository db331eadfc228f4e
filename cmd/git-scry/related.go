package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/pathglob"
	"github.com/verdigris-dev/verdigris/internal/scry/search"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

var relatedCmd = &cli.Command{
	Name: "related",
	Usage: `Usage: git scry related FILE|DIR [-n N] [--json] [--no-follow]

List the files that changed in the same commits as FILE, most often
first, with how many commits changed both, what share of FILE's commits
that is, and when they last changed together. Commits that touched more
than 50 files (mass renames, formatting sweeps) do not count. FILE is a
path in the working tree or relative to the repository root. A directory
stands for the files under it: the files outside it that changed in the
same commits as any of them, each commit counted once; so does a path
that was a file and is a directory at HEAD (a file replaced by a
directory of its name). ':/FILE' is FILE from the repository's root,
as in git.

FILE's renames are followed, as 'git log --follow' follows them: the
commits that changed it under an earlier name count as its own, and a
file that changed with it and was renamed since is listed under its
name now. FILE's other names are not related files. A name gone from
HEAD that a later commit renamed is followed back, not forward: a hint
names the file's name now. A directory is counted by path.

Flags:
  -n, --limit N     number of files (default 20)
      --json        print the files as JSON
      --no-follow   count by path: FILE's earlier names are other files
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.IntP("limit", "n", 20, "")
		fs.Bool("json", false, "")
		fs.Bool("no-follow", false, "")
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		if err := nargs("related", fs, args, 1, max(len(args), 1)); err != nil {
			return err
		}
		if len(args) > 1 && slices.ContainsFunc(args, looksLikePath) {
			return moreThanOne(args)
		}
		if err := nargs("related", fs, args, 1, 1); err != nil {
			return err
		}
		limit, _ := fs.GetInt("limit")
		if limit < 1 {
			return cli.Usagef("-n must be at least 1, got %d", limit).WithHint("e.g. -n 20")
		}
		asJSON, _ := fs.GetBool("json")
		noFollow, _ := fs.GetBool("no-follow")
		find := search.RelatedFollow
		if noFollow {
			find = search.RelatedFiles
		}
		r, err := cli.OpenRepo(ctx, env)
		if err != nil {
			return err
		}
		st, err := openIndex(ctx, r)
		if err != nil {
			return err
		}
		defer st.Close()
		paths, name, literal, err := relatedPaths(env, r, args[0])
		if err != nil {
			return err
		}
		var rel []search.Related
		var changes search.Changes
		var path, fromTop string
		for i, p := range paths {
			if i > 0 && r.Root != "" && inWorkTree(r.Root, paths[0]) {
				// FILE is the file here, as git reads it, which the
				// index does not know: the root's file of that name is
				// another file, whose answer would pass for this one's.
				fromTop = p
				break
			}
			path = p
			rel, changes, err = find(ctx, st, r, p, limit)
			if !errors.Is(err, search.ErrUnknownPath) {
				break
			}
		}
		if errors.Is(err, search.ErrUnknownPath) && pathglob.HasMeta(name) && !literal {
			// A file named so would have been found: this is a glob,
			// which related does not read (search's --path does).
			return cli.Usagef("%s: related takes a file or a directory, not a glob", cli.PrintablePath(args[0])).WithHint("give a directory for the files under it ('git scry related internal/config'), or one file")
		}
		if errors.Is(err, search.ErrUnknownPath) && namesDirectory(name) {
			// "go.mod/": the slash asks for a directory, and the index
			// knows the file. A bad argument, as a glob or the root is
			// (exit 2), not a lookup that failed. Each of the paths it
			// may mean is tried: "go.mod/." or "go.mod//" as given read
			// as a path no commit changed.
			for _, p := range paths {
				file := asFile(p)
				if _, _, ferr := search.RelatedFiles(ctx, st, r, file, 1); ferr == nil {
					fix := "give it without the trailing slash"
					if !strings.HasSuffix(name, "/") {
						fix = "give the file itself"
					}
					if l, ok := linkTarget(env, r, file); ok && l.dir && l.to != "" {
						// A symbolic link to a directory: the slash
						// asked for the directory, which git does not
						// reach through the link.
						return cli.Usagef("%s: no directory of that name; %s is a symbolic link to %s, which git tracks as a file", cli.PrintablePath(args[0]), cli.PrintablePath(file), cli.PrintablePath(l.target)).WithHint("for the directory it points to: git scry related %s; for the link itself: git scry related %s", cli.Printable(cli.ShellWord(l.to)), cli.Printable(cli.ShellWord(asFile(args[0]))))
					}
					kind := "a file"
					if r.Root != "" && isRepoDir(filepath.Join(r.Root, filepath.FromSlash(file))) {
						// A gitlink: the superproject's commits know it
						// as one path, not the files in it.
						kind = "a submodule"
					}
					return cli.Usagef("%s: no directory of that name; %s is %s", cli.PrintablePath(args[0]), cli.PrintablePath(file), kind).WithHint("%s: git scry related %s", fix, cli.Printable(cli.ShellWord(asFile(args[0]))))
				}
			}
		}
		// Commits made since the last index run are not counted, as
		// search and eval warn: a path that only they changed is unknown.
		// A first run indexes the newest commits first: until it
		// completes, the counts are the newest commits' alone.
		var warning string
		if err == nil || errors.Is(err, search.ErrUnknownPath) {
			if n := unfinishedCommits(ctx, st); n > 0 {
				warning = unfinishedWarning(r, n)
			} else if changes.Gone > 0 {
				warning = goneWarning(r)
			} else {
				warning = unseenHeadWarning(ctx, r, st)
			}
		}
		if warning != "" && (err != nil || !asJSON) {
			cli.Warnf(env.Stderr, "git-scry", "%s", warning)
		}
		if errors.Is(err, search.ErrUnknownPath) && noCommits(ctx, st) {
			if tips, terr := r.HistoryTips(ctx); terr == nil && len(tips) > 0 {
				// The repository has commits the index has not taken
				// in (a first run stopped before it wrote any): the
				// index run is what is missing, as search says.
				return cli.Failf("%s: no indexed commit changed this path", cli.PrintablePath(args[0])).WithHint("the index holds none of this repository's commits yet; 'git scry index' indexes them")
			}
			// Nothing has history: neither the path nor an index run is
			// at fault.
			return cli.Failf("%s: no indexed commit changed this path", cli.PrintablePath(args[0])).WithHint("no commits indexed yet: run 'git scry index' once this repository has commits")
		}
		if errors.Is(err, search.ErrUnknownPath) && r.Root != "" {
			// A symbolic link the index does not know: git tracks a
			// link as a file of its own, never what it points to, so
			// the answer for its target is that path's.
			// The first of the paths in the working tree is the one
			// FILE names there, as for the hint below.
			for _, p := range paths {
				if !inWorkTree(r.Root, asFile(p)) {
					continue
				}
				if l, ok := linkTarget(env, r, asFile(p)); ok {
					return cli.Failf("%s: no indexed commit changed this path", cli.PrintablePath(args[0])).WithHint("%s", l.hint())
				}
				break
			}
		}
		if errors.Is(err, search.ErrUnknownPath) && r.Root != "" && !namesDirectory(name) {
			// In a submodule (or another repository nested in the work
			// tree): its files' history is that repository's, whose
			// commits this index never holds.
			for _, p := range paths {
				if sub, inside := nestedRepo(r.Root, p); sub != "" {
					return cli.Failf("%s: no indexed commit changed this path", cli.PrintablePath(args[0])).WithHint("it is in %s, a submodule: its history is the submodule's own repository's; run git scry there: cd %s && git scry related %s",
						cli.PrintablePath(sub), cli.Printable(cli.ShellWord(fromCwd(env, r, sub))), cli.Printable(cli.ShellWord(inside)))
				}
			}
			// The path is right: git has not seen it committed, or the
			// index has not seen the commit yet.
			for _, p := range paths {
				if _, serr := os.Stat(filepath.Join(r.Root, filepath.FromSlash(p))); serr == nil {
					hint := "it is in the working tree: commit it (an untracked or new file has no history yet), or run 'git scry index' if it is committed"
					if fromTop != "" {
						if _, _, terr := search.RelatedFiles(ctx, st, r, fromTop, 1); terr == nil {
							hint += fmt.Sprintf("; for %s from the repository's root: git scry related %s", cli.PrintablePath(fromTop), cli.Printable(cli.ShellWord(":/"+fromTop)))
						}
					}
					return cli.Failf("%s: no indexed commit changed this path", cli.PrintablePath(args[0])).WithHint("%s", hint)
				}
			}
		}
		if errors.Is(err, search.ErrUnknownPath) {
			return cli.Failf("%s: no indexed commit changed this path", cli.PrintablePath(args[0])).WithHint("give the path relative to the repository root (see 'git log --name-only'), or run 'git scry index'")
		}
		if err != nil {
			return indexReadError(ctx, err)
		}
		// A name the file no longer has at HEAD: its history went on
		// under the name a later commit gave it, which related follows
		// back from, not forward to.
		var renamed *search.Renamed
		if !noFollow && !changes.Dir {
			if renamed, err = search.RenamedLater(ctx, st, r, path); err != nil {
				return indexReadError(ctx, err)
			}
			if renamed != nil && renamed.Now != path {
				if t, err := r.EntryType(ctx, "HEAD", path); err != nil || t != "" {
					renamed = nil
				}
			} else {
				renamed = nil
			}
		}
		if asJSON {
			out := []relatedFileJSON{}
			for _, x := range rel {
				j := relatedFileJSON{Path: x.Path, Count: x.Count, Share: x.Share, Last: x.Last.Format(time.RFC3339)}
				if raw := rawName(x.Path); raw != "" {
					j.Raw = map[string]string{"path": raw}
				}
				out = append(out, j)
			}
			// large_commits: the file's commits of more than
			// CoChangeMaxFiles files, which "commits" does not count; a
			// file changed only in such commits read as never changed.
			res := relatedJSON{File: path, Commits: changes.Counted, LargeCommits: changes.Large, Related: out, Warning: warning}
			if !noFollow && !changes.Dir {
				// The names whose commits "commits" counts besides
				// FILE's, newest first; [] when it had none.
				earlier := append([]string{}, changes.Earlier...)
				res.EarlierNames = &earlier
			}
			if raw := (relatedRawJSON{File: rawName(path), EarlierNames: rawNames(changes.Earlier)}); raw.File != "" || raw.EarlierNames != nil {
				res.Raw = &raw
			}
			if renamed != nil {
				res.RenamedTo = &renamedJSON{Path: renamed.To, Commit: renamed.Commit}
				if renamed.Now != renamed.To {
					res.RenamedTo.Now = renamed.Now
				}
				if raw := (renamedRawJSON{Path: rawName(renamed.To), Now: rawName(res.RenamedTo.Now)}); raw != (renamedRawJSON{}) {
					res.RenamedTo.Raw = &raw
				}
			}
			return cli.WriteJSON(env.Stdout, res)
		}
		if len(rel) == 0 {
			// A directory's files changing with each other is no answer
			// of related's: what it lacks is a file outside it.
			another := "another file"
			if changes.Dir {
				another = "a file outside it"
			}
			// An import or a sweep changed it with many files: not
			// "never together", but not counted.
			followed := ""
			if note := followedNote(changes.Earlier); note != "" {
				followed = "; " + note
			}
			switch {
			case changes.Large > 0 && changes.Counted == 0:
				fmt.Fprintf(env.Stderr, "git-scry: %s changed only in commits of more than %d files (%s%s), which related does not count\n", cli.PrintablePath(path), store.CoChangeMaxFiles, cli.Count(int(changes.Large), "commit"), followed)
			case changes.Large > 0:
				fmt.Fprintf(env.Stderr, "git-scry: %s never changed together with %s (%s; %s of more than %d files not counted%s)\n", cli.PrintablePath(path), another, cli.Count(int(changes.Counted), "commit"), cli.Count(int(changes.Large), "commit"), store.CoChangeMaxFiles, followed)
			default:
				fmt.Fprintf(env.Stderr, "git-scry: %s never changed together with %s (%s%s)\n", cli.PrintablePath(path), another, cli.Count(int(changes.Counted), "commit"), followed)
			}
			renamedHint(env, r, path, renamed)
			return nil
		}
		t := &cli.Table{}
		t.Row("COUNT", "SHARE", "LAST", "FILE")
		for _, x := range rel {
			// Local, as search hits show their dates: the same commit's
			// date must read the same in both.
			t.Row(fmt.Sprint(x.Count), fmt.Sprintf("%.0f%%", 100*x.Share), x.Last.Local().Format("2006-01-02"), cli.PrintablePath(x.Path))
		}
		if err := t.Write(env.Stdout); err != nil {
			return err
		}
		if note := followedNote(changes.Earlier); note != "" {
			// The shares are of commits made under other names too: a
			// reader comparing them with 'git log FILE' is told why.
			if _, err := fmt.Fprintf(env.Stdout, "(%s)\n", note); err != nil {
				return err
			}
		}
		renamedHint(env, r, path, renamed)
		return nil
	},
}

// renamedHint says that FILE, a name gone from HEAD, was renamed, and
// how to count the file's commits since: under its name now, whose
// history related follows back through this one. The names are the
// repository's; the command's is read from the working directory.
func renamedHint(env *cli.Env, r *gitrepo.Repo, path string, rn *search.Renamed) {
	if rn == nil {
		return
	}
	now := ""
	if rn.Now != rn.To {
		now = fmt.Sprintf(", and is %s now", cli.PrintablePath(rn.Now))
	}
	cli.HintLinef(env.Stderr, "git-scry", "%s was renamed %s in %s%s; its history goes on as %s: git scry related %s", cli.PrintablePath(path), cli.PrintablePath(rn.To), search.ShortHash(rn.Commit), now, cli.PrintablePath(rn.Now), cli.Printable(cli.ShellWord(argFor(env, r, rn.Now))))
}

// argFor is the repository path p as FILE, read from the working
// directory as related reads it: from there in the working tree (in a
// subdirectory, the root's path would name first a file below it), as
// it is outside the working tree (GIT_WORK_TREE) or without one.
func argFor(env *cli.Env, r *gitrepo.Repo, p string) string {
	if r.Root == "" {
		return p
	}
	cwd := env.Dir
	if cwd == "" {
		cwd, _ = os.Getwd()
	}
	if up, err := filepath.Rel(realPath(r.Root), realPath(cwd)); err != nil || up == ".." || strings.HasPrefix(up, ".."+string(filepath.Separator)) {
		return p
	}
	return fromCwd(env, r, p)
}

// followedNote says which earlier names FILE's history was followed
// through; "" for none.
func followedNote(earlier []string) string {
	if len(earlier) == 0 {
		return ""
	}
	names := make([]string, len(earlier))
	for i, n := range earlier {
		names[i] = cli.PrintablePath(n)
	}
	word := "names"
	if len(earlier) == 1 {
		word = "name"
	}
	return fmt.Sprintf("history followed through %d earlier %s: %s", len(earlier), word, strings.Join(names, ", "))
}

// looksLikePath says whether an argument of related's reads as a path
// (one that exists, or has a directory or an extension), not a word of
// a question that began with "related".
func looksLikePath(arg string) bool {
	if _, err := os.Lstat(arg); err == nil {
		return true
	}
	return strings.ContainsAny(arg, "/:") || path.Ext(arg) != ""
}

// moreThanOne refuses two or more FILEs: related answers for one file,
// or for the files of a directory taken together. The hint names their
// common directory where they have one.
func moreThanOne(args []string) error {
	shown := make([]string, len(args))
	for i, a := range args {
		shown[i] = cli.Printable(cli.ShellWord(a))
	}
	e := cli.Usagef("git scry related takes one FILE or DIR, got %d: %s", len(args), strings.Join(shown, " "))
	once := fmt.Sprintf("run it once for each file ('git scry related %s')", shown[0])
	if dir := commonDir(args); dir != "" {
		return e.WithHint("%s, or give their directory for its files together ('git scry related %s')", once, cli.Printable(cli.ShellWord(dir)))
	}
	return e.WithHint("%s", once)
}

// commonDir is the deepest directory that holds every one of paths, as
// given; "" when that is the current directory or the root.
func commonDir(paths []string) string {
	var common []string
	for i, p := range paths {
		if strings.HasPrefix(p, ":") {
			return ""
		}
		dir := path.Dir(path.Clean(filepath.ToSlash(p)))
		if dir == "." || dir == "/" || dir == ".." || strings.HasPrefix(dir, "../") {
			return ""
		}
		parts := strings.Split(dir, "/")
		if i == 0 {
			common = parts
			continue
		}
		n := 0
		for n < len(common) && n < len(parts) && common[n] == parts[n] {
			n++
		}
		common = common[:n]
	}
	if len(common) == 0 || (len(common) == 1 && common[0] == "") {
		return ""
	}
	return strings.Join(common, "/")
}

// relatedPaths are the repository paths FILE may mean, its pathspec
// magic read as git reads it: ':/x' and ':(top)x' are x from the root,
// ':(literal)x' and ':x' are x. An exclusion or a glob names no one file
// or directory. name is FILE without its magic; literal, whether the
// magic said that it is no glob.
func relatedPaths(env *cli.Env, r *gitrepo.Repo, arg string) (paths []string, name string, literal bool, err error) {
	m, name, err := search.ParseMagic(arg)
	switch {
	case err != nil:
		return nil, "", false, cli.Usagef("%s: %v", cli.PrintablePath(arg), err).WithHint(search.MagicHint)
	case m.Exclude:
		again := name
		if m.Top {
			again = ":/" + name
		}
		return nil, "", false, cli.Usagef("%s: related takes a file or a directory, not an exclusion", cli.PrintablePath(arg)).WithHint("give the file or directory itself: git scry related %s", cli.Printable(cli.ShellWord(again)))
	case m.Glob:
		return nil, "", false, cli.Usagef("%s: related takes a file or a directory, not a glob", cli.PrintablePath(arg)).WithHint("give a directory for the files under it ('git scry related internal/config'), or one file")
	case m.Top && !filepath.IsAbs(name):
		rel := path.Clean(filepath.ToSlash(name))
		if rel == ".." || strings.HasPrefix(rel, "../") {
			return nil, "", false, cli.Usagef("%s is outside the repository", cli.PrintablePath(arg)).WithHint("give a file or directory inside it, relative to the current directory or the repository root")
		}
		if rel == "." {
			return nil, "", false, cli.Usagef("%s is the repository's root: no file is outside it to change with it", cli.PrintablePath(arg)).WithHint("give a file or a directory below the root")
		}
		if inGitDir(rel) {
			return nil, "", false, cli.Usagef("%s is in the git directory, whose files git does not track", cli.PrintablePath(arg)).WithHint("give a file or directory of the working tree")
		}
		if namesDirectory(name) {
			rel += "/"
		}
		return []string{rel}, name, m.Literal, nil
	}
	paths, err = repoPaths(env, r, name, arg)
	return paths, name, m.Literal, err
}

// repoPaths are the repository paths FILE may mean: relative to the
// working directory, then as given (relative to the root). A path that
// is outside the repository either way, or its root, names no file of
// it, and is refused as such, in words that quote shown (FILE as given,
// with its pathspec magic: ':' alone is the root, and named nothing).
func repoPaths(env *cli.Env, r *gitrepo.Repo, arg, shown string) ([]string, error) {
	var out []string
	rel, ok := fromRoot(env, r, arg)
	if ok && rel != "." && namesDirectory(arg) {
		// Cleaned, "x/" (or "." in x) would read as the file x that
		// the directory replaced.
		rel += "/"
	}
	if ok {
		out = append(out, rel)
	}
	asGiven := path.Clean(filepath.ToSlash(arg))
	if ok && inGitDir(rel) {
		// The hint for a path git has not seen said to commit it, and
		// git refuses any path with a .git in it.
		where := "in the"
		if path.Base(rel) == ".git" {
			where = "the"
		}
		return nil, cli.Usagef("%s is %s git directory, whose files git does not track", cli.PrintablePath(shown), where).WithHint("give a file or directory of the working tree")
	}
	switch {
	case ok && rel == ".":
		return nil, cli.Usagef("%s is the repository's root: no file is outside it to change with it", cli.PrintablePath(shown)).WithHint("give a file or a directory below the root")
	case !ok && (r.Root == "" || filepath.IsAbs(arg) || asGiven == ".." || strings.HasPrefix(asGiven, "../")):
		return nil, cli.Usagef("%s is outside the repository", cli.PrintablePath(shown)).WithHint("give a file or directory inside it, relative to the current directory or the repository root")
	case r.Root == "":
		// Without a worktree the path from the root is the path as
		// given, cleaned: nothing else to try.
		return out, nil
	}
	return append(out, strings.TrimPrefix(filepath.ToSlash(arg), "./")), nil
}

// inGitDir says whether the repository path rel has a .git component,
// which git never tracks (in any case: .GIT is refused too).
func inGitDir(rel string) bool {
	for _, c := range strings.Split(rel, "/") {
		if strings.EqualFold(c, ".git") {
			return true
		}
	}
	return false
}

// asFile is arg, which names a directory, without what makes it one
// ("x/", "x//", "x/."): the file x as given.
func asFile(arg string) string {
	for {
		t := strings.TrimSuffix(strings.TrimRight(arg, "/"), "/.")
		if t == arg {
			return t
		}
		arg = t
	}
}

// namesDirectory: arg as typed can only be a directory ("x/", ".", "x/..").
func namesDirectory(arg string) bool {
	arg = filepath.ToSlash(arg)
	return strings.HasSuffix(arg, "/") || arg == "." || arg == ".." || strings.HasSuffix(arg, "/.") || strings.HasSuffix(arg, "/..")
}

// fromRoot is arg, a path relative to the working directory (or
// absolute), relative to the repository root; false when it is outside
// the repository. Without a worktree (a bare repository, or in a git
// directory) paths are from the root, as git reads them there, and an
// absolute one names no path of the repository.
func fromRoot(env *cli.Env, r *gitrepo.Repo, arg string) (string, bool) {
	if r.Root == "" {
		// Taken as spelt, "." (the root) and "src/./a.go" named nothing.
		rel := path.Clean(filepath.ToSlash(arg))
		if filepath.IsAbs(arg) || rel == ".." || strings.HasPrefix(rel, "../") {
			return "", false
		}
		return rel, true
	}
	cwd := env.Dir
	if cwd == "" {
		cwd, _ = os.Getwd()
	}
	// Compared resolved, all three: a repository entered through a
	// symbolic link has the link's path for its root (from $PWD) and
	// the target's for the working directory, and everything seemed
	// outside it.
	root, cwd := realPath(r.Root), realPath(cwd)
	if up, err := filepath.Rel(root, cwd); err != nil || up == ".." || strings.HasPrefix(up, "../") {
		// Outside the work tree (GIT_WORK_TREE set), git reads paths
		// from its root.
		cwd = root
	}
	abs := arg
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(cwd, arg)
	}
	// The directory only: a tracked symbolic link is a path of its own.
	if dir, base := filepath.Split(filepath.Clean(abs)); base != "" && base != ".." {
		abs = filepath.Join(realPath(dir), base)
	} else {
		abs = realPath(abs)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// realPath is p with its symbolic links resolved, or p as it is when it
// does not exist.
func realPath(p string) string {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return p
}

// rawName is name's exact bytes in base64 where it is not UTF-8 (a
// Latin-1 name), as a search hit's "raw" gives them: its JSON string
// carries U+FFFD for such a byte, a name no git command finds. "" when
// it is UTF-8.
func rawName(name string) string {
	if utf8.ValidString(name) {
		return ""
	}
	return base64.StdEncoding.EncodeToString([]byte(name))
}

// rawNames is rawName for a list: every name's bytes in base64, in
// order, where one of them is not UTF-8; nil where all are.
func rawNames(names []string) []string {
	if !slices.ContainsFunc(names, func(n string) bool { return !utf8.ValidString(n) }) {
		return nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = base64.StdEncoding.EncodeToString([]byte(n))
	}
	return out
}

// link is a symbolic link of the working tree.
type link struct {
	target string // what it holds
	// to is the path it leads to, from the working directory; "" where
	// that is nowhere (dangling) or outside the repository.
	to       string
	dangling bool
	dir      bool // it leads to a directory
}

// linkTarget reads the repository path p when it is a symbolic link in
// the working tree.
func linkTarget(env *cli.Env, r *gitrepo.Repo, p string) (link, bool) {
	if r.Root == "" {
		return link{}, false
	}
	full := filepath.Join(r.Root, filepath.FromSlash(p))
	fi, err := os.Lstat(full)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		return link{}, false
	}
	l := link{}
	if l.target, err = os.Readlink(full); err != nil {
		return link{}, false
	}
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		l.dangling = true
		return l, true
	}
	if fi, err := os.Stat(real); err == nil {
		l.dir = fi.IsDir()
	}
	rel, err := filepath.Rel(realPath(r.Root), real)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || inGitDir(filepath.ToSlash(rel)) {
		return l, true
	}
	l.to = fromCwd(env, r, filepath.ToSlash(rel))
	return l, true
}

// hint is the hint for the link, which no indexed commit changed.
func (l link) hint() string {
	switch {
	case l.to != "":
		what := "file"
		if l.dir {
			what = "directory"
		}
		return fmt.Sprintf("it is a symbolic link to %s, and git tracks the link, not the %s it points to: for that %s, git scry related %s", cli.PrintablePath(l.target), what, what, cli.Printable(cli.ShellWord(l.to)))
	case l.dangling:
		return fmt.Sprintf("it is a symbolic link to %s, which does not exist; git tracks the link itself: commit it for its own history, or run 'git scry index' if it is committed", cli.PrintablePath(l.target))
	default:
		return fmt.Sprintf("it is a symbolic link to %s, outside the repository; git tracks the link itself: commit it for its own history, or run 'git scry index' if it is committed", cli.PrintablePath(l.target))
	}
}

// inWorkTree says whether the repository path p is in the working tree
// (a symbolic link as itself, whatever it points to).
func inWorkTree(root, p string) bool {
	_, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p)))
	return err == nil
}

// relatedJSON is related's --json document; structs, so that the keys
// come in the order the text output and the README give them.
type relatedJSON struct {
	File         string          `json:"file"`
	Raw          *relatedRawJSON `json:"raw,omitempty"`
	Commits      int64           `json:"commits"`
	LargeCommits int64           `json:"large_commits"`
	EarlierNames *[]string       `json:"earlier_names,omitempty"`
	// RenamedTo: FILE is a name gone from HEAD that a later commit
	// renamed (Now: the name the file has last, where it was renamed
	// again).
	RenamedTo *renamedJSON      `json:"renamed_to,omitempty"`
	Related   []relatedFileJSON `json:"related"`
	Warning   string            `json:"warning,omitempty"`
}

// relatedRawJSON is the exact bytes, in base64, of FILE and of its
// earlier names where one is not UTF-8 (the list whole, in its order, as
// a search hit's).
type relatedRawJSON struct {
	File         string   `json:"file,omitempty"`
	EarlierNames []string `json:"earlier_names,omitempty"`
}

type renamedJSON struct {
	Path   string          `json:"path"`
	Commit string          `json:"commit"`
	Now    string          `json:"now,omitempty"`
	Raw    *renamedRawJSON `json:"raw,omitempty"`
}

// renamedRawJSON is renamedJSON's names' exact bytes, where not UTF-8.
type renamedRawJSON struct {
	Path string `json:"path,omitempty"`
	Now  string `json:"now,omitempty"`
}

type relatedFileJSON struct {
	Path  string            `json:"path"`
	Count int64             `json:"count"`
	Share float64           `json:"share"`
	Last  string            `json:"last"`
	Raw   map[string]string `json:"raw,omitempty"`
}

// noCommits says whether the index holds no commit (an empty
// repository's), false when that cannot be told.
func noCommits(ctx context.Context, st *store.Store) bool {
	n, err := st.CountCommits(ctx)
	return err == nil && n == 0
}

// isRepoDir reports whether dir is the top of a git repository's work
// tree: a submodule's checkout (.git a file) or a repository nested in
// the work tree (.git a directory).
func isRepoDir(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, ".git"))
	return err == nil
}

// nestedRepo finds the submodule (or nested repository) the repository
// path p lies in below root: its path from the root and p's path inside
// it; "" when p is the superproject's own.
func nestedRepo(root, p string) (sub, inside string) {
	parts := strings.Split(strings.TrimSuffix(p, "/"), "/")
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		if isRepoDir(filepath.Join(root, filepath.FromSlash(dir))) {
			return dir, strings.Join(parts[i:], "/")
		}
	}
	return "", ""
}

// fromCwd is the repository path p as a path from the working directory,
// for a command to run from there; p itself when that cannot be told.
func fromCwd(env *cli.Env, r *gitrepo.Repo, p string) string {
	cwd := env.Dir
	if cwd == "" {
		cwd, _ = os.Getwd()
	}
	rel, err := filepath.Rel(realPath(cwd), filepath.Join(realPath(r.Root), filepath.FromSlash(p)))
	if err != nil {
		return p
	}
	return filepath.ToSlash(rel)
}
