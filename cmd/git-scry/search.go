package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/index"
	"github.com/verdigris-dev/verdigris/internal/scry/model"
	"github.com/verdigris-dev/verdigris/internal/scry/search"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
	scrytext "github.com/verdigris-dev/verdigris/internal/scry/text"
)

var searchCmd = &cli.Command{
	Name: "search",
	Usage: `Usage: git scry [search] QUERY... [flags]

Search the commit index. The words of QUERY need no quotes. Hybrid mode
(the default) fuses the full-text ranking (subject, body, trailers, file
paths, diff identifiers, in that order of weight) with the semantic one
(the meaning of the commit messages) by reciprocal rank. Use 'git scry
search QUERY' when the query starts with a command's name.

Each hit shows the short hash, author date, subject, score, the changed
files that match the query (or --path), and the working session the
commit belongs to, if any.

Flags:
  -n, --limit N        number of hits (default 10; -N and --max-count N,
                       as in git log, are the same)
      --mode MODE      hybrid, lexical or semantic (default hybrid)
      --since DATE     only commits authored on or after DATE
      --until DATE     only commits authored on or before DATE
                       (--after and --before, as git log names them,
                       are the same)
                       (DATE: 2024-05-01, "2024-05-01 12:00", yesterday,
                       "2 weeks ago", "last month", 3d, 3mo, 90min, 1y,
                       monday, noon, "Jan 5", 05/13/2024, or as git log
                       prints it; not 3m: minutes or months?)
      --author TEXT    only commits whose author ("Name <email>", as .mailmap
                       names it) contains TEXT; repeatable (the commits of
                       any of them)
      --path GLOB      only commits that changed a matching file; repeatable
                       ("*.go" matches in any directory, ** crosses
                       directories, a plain directory matches what is in it;
                       ':!GLOB' leaves out the files GLOB matches, ':/PATH'
                       is from the repository's root, as in git)
      --explain        show each hit's rank in the lexical and semantic lists
                       and, in hybrid search, document feedback's
      --json           print the hits as JSON
`,
	Flags: func(fs *pflag.FlagSet) {
		fs.IntP("limit", "n", 10, "")
		// git log's name for it, as -N is (Count); the last given
		// counts, as in git log: the hits show the number taken.
		fs.SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
			if name == "max-count" {
				name = "limit"
			}
			return pflag.NormalizedName(name)
		})
		modeFlag(fs, string(search.Hybrid))
		fs.String("since", "", "")
		fs.String("until", "", "")
		fs.String("after", "", "") // git log's names for --since and --until
		fs.String("before", "", "")
		fs.StringArray("author", nil, "")
		fs.StringArray("path", nil, "")
		fs.Bool("explain", false, "")
		fs.Bool("json", false, "")
		// git log's, refused with what to type instead (gitLogFlag).
		fs.String("grep", "", "")
		fs.Lookup("grep").Hidden = true
		for _, f := range gitLogPickaxes {
			fs.StringP(f.name, f.short, "", "")
			fs.Lookup(f.name).Hidden = true
		}
		for _, f := range gitLogBools {
			fs.BoolP(f.name, f.short, false, "")
			fs.Lookup(f.name).Hidden = true
		}
	},
	Count: "limit",
	Run:   runSearch,
}

func runSearch(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
	if err := gitLogFlag(fs, args); err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(args, " "))
	if text == "" {
		return cli.Usagef("missing search query").WithHint("run 'git scry \"what you are looking for\"', or 'git scry help'")
	}
	q, err := parseQuery(fs, text)
	if err != nil {
		return err
	}
	explain, _ := fs.GetBool("explain")
	asJSON, _ := fs.GetBool("json")
	r, st, s, closeAll, err := openSearcher(ctx, env, q.Mode != search.Lexical)
	if err != nil {
		return err
	}
	defer closeAll()
	var pathsGiven []string
	if q.Filter.Paths, pathsGiven, err = pathPatterns(env, r, fs); err != nil {
		return err
	}
	if s.Empty {
		// Not searched: --mode semantic would fail for want of vectors,
		// and --json must answer (and exit) as the text does.
		if tips, err := r.HistoryTips(ctx); err == nil && len(tips) > 0 {
			// Commits the index has not taken in (its first run stopped
			// before it wrote any, or it was made before them): no
			// answer is the index's, not the history's.
			warning := "the index holds none of this repository's commits yet; 'git scry index' indexes them"
			if index.Running(r) {
				warning = "the index holds none of this repository's commits yet: its first run is under way; search again once it has indexed some"
			}
			cli.Warnf(env.Stderr, "git-scry", "%s", warning)
			if asJSON {
				return cli.WriteJSON(env.Stdout, searchJSON(q, s, nil, warning))
			}
			return nil
		}
		fmt.Fprintln(env.Stderr, "git-scry: no commits indexed yet: run 'git scry index' once this repository has commits")
		if asJSON {
			return cli.WriteJSON(env.Stdout, searchJSON(q, s, nil, ""))
		}
		return nil
	}
	hits, err := s.Search(ctx, q)
	if err != nil {
		return searchError(ctx, err)
	}
	var warnings []string
	if s.Unfinished > 0 {
		warnings = append(warnings, unfinishedWarning(r, s.Unfinished))
	} else if w := unseenHeadWarning(ctx, r, st); w != "" {
		warnings = append(warnings, w)
	}
	if s.Unembedded > 0 && q.Mode != search.Lexical {
		warnings = append(warnings, unembeddedWarning(s))
	}
	if s.PassedOver != "" && q.Mode != search.Lexical {
		warnings = append(warnings, passedOverWarning(s))
	}
	var registryHint string
	if s.RegistryErr != "" && q.Mode != search.Lexical {
		var w string
		w, registryHint = registryWarning(env, s.RegistryErr)
		warnings = append(warnings, w)
	}
	if q.Mode == search.Hybrid && s.SemanticErr != "" {
		warnings = append(warnings, "semantic search unavailable, lexical results only: "+s.SemanticErr)
	}
	// A misspelled --path or --author read as no commit having the words.
	if len(hits) == 0 && len(q.Filter.Paths) > 0 {
		w, err := s.PathWarnings(ctx, q.Filter.Paths, pathsGiven)
		if err != nil {
			return searchError(ctx, err)
		}
		warnings = append(warnings, w...)
	}
	if len(hits) == 0 && len(q.Filter.Authors) > 0 {
		unmatched, err := s.UnmatchedAuthors(ctx, q.Filter.Authors)
		if err != nil {
			return searchError(ctx, err)
		}
		for _, i := range unmatched {
			warnings = append(warnings, fmt.Sprintf("--author %s matches no author of an indexed commit%s", cli.Printable(q.Filter.Authors[i]), authorRegexNote(q.Filter.Authors[i])))
		}
	}
	if len(hits) == 0 {
		none, first, last, err := s.UnmatchedDates(ctx, q.Filter)
		if err != nil {
			return searchError(ctx, err)
		}
		if none && !first.IsZero() {
			// Local, as hits show their dates.
			warnings = append(warnings, fmt.Sprintf("%s matches no indexed commit: they were authored from %s to %s", datesGiven(fs), first.Local().Format("2006-01-02"), last.Local().Format("2006-01-02")))
		}
	}
	if len(hits) == 0 && len(scrytext.Terms(q.Text)) == 0 {
		// Nothing to search for lexically, and the built-in embedder
		// knows no such word either: "no matching commits" alone read
		// as no commit saying "the".
		warnings = append(warnings, fmt.Sprintf("the query %q has no word that is searched: common words (the, and, of), single characters and punctuation are left out; give the words that name what you are looking for", q.Text))
	}
	if c, word := commandTypo(ctx, s, text, len(hits) > 0); c != "" {
		warnings = append(warnings, fmt.Sprintf("%q is not a git scry command, so it was searched for; did you mean 'git scry %s'?", word, c))
	}
	warning := strings.Join(warnings, "; ")
	if asJSON {
		// Only --json shows the author: the text output starts no git
		// process for the mailmap.
		if err := s.MailMapHits(ctx, hits); err != nil {
			return searchError(ctx, err)
		}
		return cli.WriteJSON(env.Stdout, searchJSON(q, s, hits, warning))
	}
	for _, w := range warnings {
		cli.Warnf(env.Stderr, "git-scry", "%s", w)
	}
	if q.Mode == search.Hybrid && s.RunHint != "" {
		fmt.Fprintf(env.Stderr, "git-scry: hint: %s\n", s.RunHint)
	}
	if registryHint != "" {
		cli.HintLinef(env.Stderr, "git-scry", "%s", registryHint)
	}
	if len(hits) == 0 {
		fmt.Fprintln(env.Stderr, "git-scry: no matching commits")
		return nil
	}
	printHits(env.Stdout, hits, explain, env.Color(env.Stdout))
	return nil
}

func parseQuery(fs *pflag.FlagSet, text string) (search.Query, error) {
	q := search.Query{Text: text}
	mode, _ := fs.GetString("mode")
	q.Mode = search.Mode(mode) // one of search.Modes: modeFlag
	if q.Limit, _ = fs.GetInt("limit"); q.Limit < 1 {
		return q, cli.Usagef("-n must be at least 1, got %d", q.Limit).WithHint("e.g. -n 20")
	}
	now := time.Now()
	for _, f := range []struct {
		name, synonym string
		dst           *time.Time
	}{{"since", "after", &q.Filter.Since}, {"until", "before", &q.Filter.Until}} {
		for _, name := range []string{f.name, f.synonym} {
			if !fs.Changed(name) {
				continue
			}
			t, err := parseDateFlag(fs, name, f.name == "until", now)
			if err != nil {
				return q, err
			}
			if name == f.synonym && fs.Changed(f.name) && !t.Equal(*f.dst) {
				// git log keeps the last of them; one of two dates
				// dropped unseen answers another question.
				v, _ := fs.GetString(f.name)
				w, _ := fs.GetString(name)
				return q, cli.Usagef("--%s %s and --%s %s disagree: --%s is another name for --%s", f.name, cli.Printable(v), name, cli.Printable(w), name, f.name).WithHint("give one of them")
			}
			*f.dst = t
		}
	}
	if f := q.Filter; !f.Since.IsZero() && !f.Until.IsZero() && f.Since.After(f.Until) {
		since, sinceName := dateGiven(fs, "since", "after")
		until, untilName := dateGiven(fs, "until", "before")
		return q, cli.Usagef("--%s %s is after --%s %s: no commit can match", sinceName, since, untilName, until).WithHint("swap them: --%s is the earlier date", sinceName)
	}
	// git log --author, given more than once, shows the commits of any
	// of them; the last one alone was kept.
	q.Filter.Authors = flagValues(fs, "author")
	for _, a := range q.Filter.Authors {
		if strings.TrimSpace(a) == "" {
			return q, cli.Usagef("--author: empty value").WithHint("give part of a name or email, or leave --author out")
		}
	}
	if err := search.CheckPathspec(pathArgs(fs)); err != nil {
		return q, err
	}
	return q, nil
}

// parseDateFlag reads the date of --NAME (since, until or their git log
// names, after and before), which was given; until: a bare date includes
// all of it.
func parseDateFlag(fs *pflag.FlagSet, name string, until bool, now time.Time) (time.Time, error) {
	v, _ := fs.GetString(name)
	if strings.TrimSpace(v) == "" {
		// A variable that was not set: searching the whole history
		// instead would answer another question.
		return time.Time{}, cli.Usagef("--%s: empty date", name).WithHint("use a date like 2024-05-01, \"2024-05-01 12:00\", yesterday or \"2 weeks ago\", or leave --%s out", name)
	}
	parse := search.ParseDate
	if until {
		parse = search.ParseUntil
	}
	t, err := parse(v, now)
	var amb *search.AmbiguousAgeError
	var day *search.AmbiguousDayError
	if errors.As(err, &day) {
		return t, cli.Usagef("--%s: %v", name, err).WithHint("write the day as YYYY-MM-DD: %s or %s", day.Readings[0].Format("2006-01-02"), day.Readings[1].Format("2006-01-02"))
	}
	if errors.As(err, &amb) {
		return t, cli.Usagef("--%s: %v", name, err).WithHint("write min for minutes or mo for months (\"90min\", \"3mo\", \"3 months ago\"); other ages: \"2 weeks ago\", 3d, 2w, 1y, 1.week.ago")
	}
	if err != nil {
		return t, cli.Usagef("--%s: %v", name, err).WithHint("use a date like 2024-05-01, \"2024-05-01 12:00\", yesterday or \"2 weeks ago\"")
	}
	return t, nil
}

// dateGiven is the value of --name, or of --synonym where that was given
// instead, with the name given.
func dateGiven(fs *pflag.FlagSet, name, synonym string) (value, given string) {
	if !fs.Changed(name) && fs.Changed(synonym) {
		name = synonym
	}
	v, _ := fs.GetString(name)
	return v, name
}

// gitLogFlag refuses git log's flags that git scry answers otherwise,
// with what to type instead: "unknown flag: --grep" read as git scry
// being unable to search messages.
func gitLogFlag(fs *pflag.FlagSet, args []string) error {
	if fs.Changed("grep") {
		pattern, _ := fs.GetString("grep")
		words := strings.TrimSpace(strings.Join(append([]string{pattern}, args...), " "))
		return cli.Usagef("git scry has no --grep: its query is the words after the flags, searched in messages, file paths and the identifiers of diffs, in any case").WithHint("run: %s", queryCommand(words))
	}
	for _, f := range gitLogPickaxes {
		if fs.Changed(f.name) {
			pattern, _ := fs.GetString(f.name)
			words := strings.TrimSpace(strings.Join(append([]string{pattern}, args...), " "))
			return cli.Usagef("git scry has no -%s: the identifiers of the lines a commit changed are words of its query, searched with its message and file paths", f.short).WithHint("run: %s", queryCommand(words))
		}
	}
	for _, f := range gitLogBools {
		if fs.Changed(f.name) {
			return cli.Usagef("%s: %s", f.given, f.does).WithHint("%s", f.hint)
		}
	}
	return nil
}

// gitLogPickaxes are git log's -S STRING and -G REGEX, which look for
// code in the diffs: read as unknown shorthands, they said git scry could
// not, where the diffs' identifiers are words of its query. git has no
// long names for them; these are hidden.
var gitLogPickaxes = []struct{ name, short string }{
	{"pickaxe-string", "S"},
	{"pickaxe-grep", "G"},
}

// gitLogBools are git log's switches that ask for what git scry does
// anyway, or cannot: each is refused with what it does instead.
var gitLogBools = []struct{ name, short, given, does, hint string }{
	{"regexp-ignore-case", "i", "-i", "git scry's search ignores case already", "leave -i out"},
	{"all", "", "--all", "git scry searches the commits of every ref already (branches, tags, remote-tracking branches, each worktree's HEAD)", "leave --all out"},
	{"oneline", "", "--oneline", "git scry prints a hit's hash, date and subject on one line already (its files on the next)", "leave --oneline out; --json gives the hits to a script"},
	{"patch", "p", "-p", "git scry shows no patches", "leave -p out; 'git show SHA' shows a hit's patch"},
}

// queryCommand is the command that searches for text, whatever its
// first word: a command's name is searched with "search", a word that
// starts with "-" after "--".
func queryCommand(text string) string {
	switch {
	case strings.HasPrefix(text, "-"):
		return "git scry -- " + cli.ShellWord(text)
	case slices.Contains(commandNames, text) || text == "search" || text == "version":
		return "git scry search " + text
	}
	return "git scry " + cli.ShellWord(text)
}

// modeFlag declares --mode, whose value is one of search.Modes; value is
// its default.
func modeFlag(fs *pflag.FlagSet, value string) {
	var names []string
	for _, m := range search.Modes {
		names = append(names, string(m))
	}
	cli.ChoiceFlag(fs, "mode", value, names...)
}

// pathPatterns compiles the --path patterns relative to the working
// directory, as git reads paths (from a subdirectory, they matched
// nothing): "config" in internal/ is internal/config, "../cmd" is cmd,
// ':!vendor' leaves vendor out. given are the patterns as given, one for
// each compiled.
func pathPatterns(env *cli.Env, r *gitrepo.Repo, fs *pflag.FlagSet) (search.Pathspec, []string, error) {
	return search.CompilePathspec(pathArgs(fs), func(p string) (string, bool) { return fromRoot(env, r, p) })
}

// pathArgs are the --path values as given.
func pathArgs(fs *pflag.FlagSet) []string { return flagValues(fs, "path") }

// flagValues are a repeatable flag's values as given. pflag's
// GetStringArray reads them back from their text form, where a lone
// empty value is no value: --path "" (an unset variable) would drop the
// filter unseen.
func flagValues(fs *pflag.FlagSet, name string) []string {
	return fs.Lookup(name).Value.(pflag.SliceValue).GetSlice()
}

// unfinishedWarning says that the index holds only the commits its first
// run has indexed so far.
func unfinishedWarning(r *gitrepo.Repo, n int) string {
	if index.Running(r) {
		// Nothing is to be run: the run under way completes it.
		return fmt.Sprintf("the index is not complete: its first run is under way, with %s indexed so far (newest first), so results may be partial until it ends", cli.Count(n, "commit"))
	}
	return fmt.Sprintf("the index is not complete: its first run is under way or was stopped, with %s indexed so far (newest first); 'git scry index' completes it", cli.Count(n, "commit"))
}

// unfinishedCommits is the number of commits indexed so far while no
// index run has completed (0 once one has, or when it cannot tell).
func unfinishedCommits(ctx context.Context, st *store.Store) int {
	if t, err := st.MetaInt(ctx, "indexed"); err != nil || t != 0 {
		return 0
	}
	n, err := st.CountCommits(ctx)
	if err != nil {
		return 0
	}
	return int(n)
}

// unembeddedWarning says that semantic search ranks only the commits
// embedded so far with the embedder in use: after a change of embedder
// the index embeds its commits anew, in place.
func unembeddedWarning(s *search.Searcher) string {
	if s.EmbedFailed != "" {
		// Another index run fails the same: not what to do.
		return fmt.Sprintf("the index is not complete: %d of %s %s not embedded with %s: the last index run failed to embed them (%s), so semantic search ranks only the commits embedded so far", s.Unembedded, cli.Count(s.Commits, "commit"), isAre(s.Unembedded, "is", "are"), s.Embedder(), s.EmbedFailed)
	}
	return fmt.Sprintf("the index is not complete: %d of %s %s not embedded with %s yet (embedding them is under way or was stopped), so semantic search ranks only the commits embedded so far; 'git scry index' completes it", s.Unembedded, cli.Count(s.Commits, "commit"), isAre(s.Unembedded, "is", "are"), s.Embedder())
}

// passedOverWarning says that semantic search uses the built-in
// embedder although an ONNX model is in use: the index fell back to it
// where the model cannot run, and a search that said nothing read as the
// model's ranking.
func passedOverWarning(s *search.Searcher) string {
	return fmt.Sprintf("the model in use cannot run here (%s), so semantic search uses the built-in embedder the index fell back to; once the model can run, 'git scry index' embeds the commits with it", s.PassedOver)
}

// commandTypo is the command the first word of a query may be a typo
// of, and the word ("" when none): the first word names no command, so
// it was a query. A search that found nothing for it ("git scry indx")
// read as no commit having the word, and one that found commits by its
// other words or by meaning ("git scry relatd README.md") as the
// command's answer. Where commits were found the guess is kept to what
// is plainly no query: a query of three words or fewer whose first word
// is one edit (or a swap) from a command's name and in no indexed commit
// ("stat", "state", "mode" are words a history may use). A failure to
// tell says nothing.
func commandTypo(ctx context.Context, s *search.Searcher, text string, found bool) (command, word string) {
	words := strings.Fields(text)
	word = words[0]
	if !found {
		return cli.Nearest(word, commandNames), word
	}
	if len(words) > 3 {
		return "", ""
	}
	c := cli.NearestOne(word, commandNames)
	if c == "" {
		return "", ""
	}
	if held, err := s.HasWord(ctx, word); err != nil || held {
		return "", ""
	}
	return c, word
}

// registryWarning says that semantic search uses the built-in embedder
// because the model registry cannot be read (cause, as the searcher
// found it), and what to do: the model in use, if any, is not known, and
// a warning that one could not run named none. The registry is read
// again for what is wrong with it now.
func registryWarning(env *cli.Env, cause string) (warning, hint string) {
	return registryWarningSo(env, cause, "semantic search uses the built-in embedder")
}

// registryWarningSo is registryWarning with what the unreadable registry
// made git scry do (so): search with the built-in embedder, or embed
// commits with it.
func registryWarningSo(env *cli.Env, cause, so string) (warning, hint string) {
	path, err := model.Path(env.Env)
	if err == nil {
		_, err = model.Load(path)
	}
	if err == nil {
		// Mended since the search opened it.
		return fmt.Sprintf("the model registry could not be read (%s), so %s, whatever model it names", cause, so), ""
	}
	what := strings.TrimPrefix(err.Error(), path+": ")
	var fe *model.FileError
	if errors.As(err, &fe) {
		what = fe.Reason
	}
	e := cli.AsError(registryError(err, path))
	return fmt.Sprintf("the model registry %s cannot be read (%s), so %s, whatever model it names", path, what, so), e.Hint
}

// unseenHeadWarning says that the index has not seen HEAD ("" when it
// has): a search answered without a word from the commits indexed before
// a reset, a rebase or commits made without the hooks. While a run is
// under way (the post-commit hook's, right after a commit) it is indexing
// them: nothing is to be run. A failure to tell is no reason to fail the
// search, and says nothing. When the last background run (the hooks')
// failed, it says so, and where its log is, as verdigris doctor does:
// the index lags for a reason running the hooks again does not mend.
func unseenHeadWarning(ctx context.Context, r *gitrepo.Repo, st *store.Store) string {
	head, err := index.UnseenHead(ctx, r, st)
	if err != nil || head == "" {
		return ""
	}
	if index.Running(r) {
		return fmt.Sprintf("the index has not seen HEAD (%s) yet: an index run is under way, and answers may miss the newest commits until it ends", search.ShortHash(head))
	}
	return fmt.Sprintf("the index has not seen HEAD (%s): answers may miss the newest commits; 'git scry index' indexes them", search.ShortHash(head)) + backgroundFailure(r)
}

// backgroundFailure is what a warning that the index lags adds when the
// last background run (the hooks') failed: that it did, and where its
// log is.
func backgroundFailure(r *gitrepo.Repo) string {
	if bf := index.LastBackgroundFailure(r); bf != nil {
		return "; " + bf.WithLog(bf.String())
	}
	return ""
}

// goneWarning says that related asked git for the renames of indexed
// commits it no longer has (a history rewritten and pruned before an
// index run took the rewrite in): their renames read as none, so a
// file's earlier name came out as a related file and its commits
// undercounted, with HEAD indexed and nothing said. As unseenHeadWarning,
// nothing is to be run while a run is under way.
func goneWarning(r *gitrepo.Repo) string {
	const what = "the index is behind the history: commits it holds are gone from the repository (rewritten since the last index run)"
	const so = "so renames through them are not followed and the counts may be off"
	if index.Running(r) {
		return what + " and an index run is under way, " + so + " until it ends"
	}
	return what + ", " + so + "; 'git scry index' brings it up to date" + backgroundFailure(r)
}

// openSearcher opens the repository's index and a searcher over it;
// closeAll releases both.
func openSearcher(ctx context.Context, env *cli.Env, semantic bool) (r *gitrepo.Repo, st *store.Store, s *search.Searcher, closeAll func(), err error) {
	if r, err = openRepoFast(ctx, env); err != nil {
		return nil, nil, nil, nil, err
	}
	if st, err = openIndex(ctx, r); err != nil {
		return nil, nil, nil, nil, err
	}
	// Lexical search alone loads no embedder: an ONNX model takes a
	// third of a second or more to load, for nothing.
	var e index.Embedders
	if semantic {
		e = embedderSource()
	}
	if s, err = search.Open(ctx, r, st, e); err != nil {
		st.Close()
		return nil, nil, nil, nil, indexReadError(ctx, err)
	}
	return r, st, s, func() { s.Close(); st.Close() }, nil
}

// openRepoFast finds the repository without starting git when the
// layout is the usual one: a search's whole budget is a few milliseconds.
func openRepoFast(ctx context.Context, env *cli.Env) (*gitrepo.Repo, error) {
	if r, ok := gitrepo.Discover(env.Dir, env.Env); ok {
		return r, nil
	}
	return cli.OpenRepo(ctx, env)
}

// openIndex opens the repository's index for reading, with the standard
// errors when there is none.
func openIndex(ctx context.Context, r *gitrepo.Repo) (*store.Store, error) {
	st, err := store.Open(ctx, index.DBPath(r))
	var newer *store.NewerSchemaError
	switch {
	case errors.As(err, &newer):
		return nil, newerIndexError(newer)
	case errors.Is(err, store.ErrNoIndex):
		return nil, cli.Failf("this repository has no commit index yet").WithHint("run 'git scry index' (after 'verdigris install' the hooks keep it current)")
	case errors.Is(err, store.ErrOldSchema):
		return nil, cli.Failf("the commit index was built by another version of git scry").WithHint("run 'git scry index' to rebuild it")
	case err != nil:
		return nil, cli.Failf("cannot open the commit index: %v", err).WithHint("run 'git scry index --full' to rebuild it")
	}
	return st, nil
}

// newerIndexError: an index this git scry cannot read, nor rebuild
// unasked (a downgrade).
func newerIndexError(e *store.NewerSchemaError) error {
	return cli.Failf("%v", e).WithHint("install the newer git-scry, or run 'git scry index --full' to rebuild the index with this one")
}

// indexReadError is a failure to read an index that opened (a damaged
// page, a table gone), which SQLite words without saying what to do.
func indexReadError(ctx context.Context, err error) error {
	var ce *cli.Error
	switch {
	case errors.As(err, &ce):
		return err
	case ctx.Err() != nil:
		return interruptedRead()
	}
	return cli.Failf("cannot read the commit index: %v", err).WithHint("run 'git scry index --full' if the index is damaged")
}

// interruptedRead is the error of a command that only reads the index
// (a search, eval, related, stats) stopped by Ctrl-C or SIGTERM: it said
// nothing and exited 130, which read as a search that found nothing.
// Nothing was changed; the same command answers in full.
func interruptedRead() error {
	return cli.Interruptedf("interrupted before the answer was complete; nothing was changed").WithHint("run the same git scry command again")
}

func searchError(ctx context.Context, err error) error {
	var su *search.ErrSemanticUnavailable
	switch {
	case ctx.Err() != nil:
		return interruptedRead()
	case errors.As(err, &su):
		hint := su.Hint
		if hint == "" {
			hint = "use --mode lexical, or run 'git scry index' (see 'git scry stats')"
		}
		return cli.Failf("%v", su).WithHint("%s", hint)
	}
	return cli.Failf("search failed: %v", err).WithHint("run 'git scry index --full' if the index is damaged")
}

func printHits(w io.Writer, hits []search.Hit, explain, color bool) {
	// A subject or a file name is the committer's text: shown, never
	// obeyed, by the terminal (cli.Printable).
	width := 0
	for _, h := range hits {
		width = max(width, cli.Width(cli.Printable(h.Subject)))
	}
	width = min(width, 72)
	for _, h := range hits {
		line := fmt.Sprintf("%s  %s  %s  %.4g", cli.Paint(color, "yellow", search.ShortHash(h.Hash)), h.Date.Local().Format("2006-01-02"), cli.Fit(cli.Printable(h.Subject), width), h.Score)
		if len(h.Sessions) > 0 {
			line += "  " + cli.Paint(color, "dim", "session "+strings.Join(h.Sessions, ","))
		}
		if explain {
			why := fmt.Sprintf("lexical %s semantic %s", rankText(h.LexicalRank), rankText(h.SemanticRank))
			if h.DocumentsRank > 0 {
				why += " documents " + rankText(h.DocumentsRank)
			}
			if h.Near != "" {
				why += " near " + search.ShortHash(h.Near)
			}
			if h.MergedBy != "" {
				why += " merged in " + search.ShortHash(h.MergedBy) + " " + cli.Printable(h.MergedSubject)
			}
			line += "  " + cli.Paint(color, "dim", why)
		}
		fmt.Fprintln(w, line)
		if files := shownFiles(h); files != "" {
			fmt.Fprintln(w, "            "+cli.Paint(color, "dim", files))
		}
	}
}

func rankText(r int) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprintf("#%d", r)
}

// shownFiles lists the matched files, else the first changed ones.
func shownFiles(h search.Hit) string {
	files, more := h.Matched, len(h.Files)-len(h.Matched)
	if len(files) == 0 {
		files, more = h.Files, 0
	}
	const show = 4
	if len(files) > show {
		more += len(files) - show
		files = files[:show]
	}
	// Each name as a listing shows one: a file named " " was a gap
	// between two commas.
	shown := make([]string, len(files))
	for i, f := range files {
		shown[i] = cli.PrintablePath(f)
	}
	s := strings.Join(shown, ", ")
	if more > 0 {
		s += fmt.Sprintf(" (+%d)", more)
	}
	return s
}

type hitJSON struct {
	SHA          string         `json:"sha"`
	Short        string         `json:"short"`
	Date         string         `json:"date"`
	Author       string         `json:"author"`
	Email        string         `json:"email"`
	Subject      string         `json:"subject"`
	Score        float64        `json:"score"`
	MatchedFiles []string       `json:"matched_files"`
	Files        []string       `json:"files"`
	Session      *string        `json:"session"`
	Sessions     []string       `json:"sessions"`
	Ranks        map[string]int `json:"ranks"`
	Near         string         `json:"near,omitempty"`
	MergedIn     *mergedJSON    `json:"merged_in,omitempty"`
	Raw          *rawJSON       `json:"raw,omitempty"`
}

// rawJSON is the exact bytes, in base64, of a hit's subject and file
// names where one is not UTF-8 (a Latin-1 name): JSON strings carry
// U+FFFD for such a byte, a name no git command finds. A list is given
// whole, in the order of its UTF-8 one, when any of its names is not.
type rawJSON struct {
	Subject      string   `json:"subject,omitempty"`
	MatchedFiles []string `json:"matched_files,omitempty"`
	Files        []string `json:"files,omitempty"`
}

// rawText is rawJSON for a hit, nil when all its text is UTF-8.
func rawText(h search.Hit) *rawJSON {
	var r rawJSON
	r.Subject = rawName(h.Subject)
	r.MatchedFiles, r.Files = rawNames(h.Matched), rawNames(h.Files)
	if r.Subject == "" && r.MatchedFiles == nil && r.Files == nil {
		return nil
	}
	return &r
}

// mergedJSON is the merge whose message a hit was given (a pull
// request's), which may be why it matched.
type mergedJSON struct {
	SHA     string `json:"sha"`
	Short   string `json:"short"`
	Subject string `json:"subject"`
}

func hitsJSON(hits []search.Hit) []hitJSON {
	out := make([]hitJSON, 0, len(hits))
	for _, h := range hits {
		j := hitJSON{
			SHA: h.Hash, Short: search.ShortHash(h.Hash), Date: h.Date.Format(time.RFC3339),
			Author: h.Author, Email: h.Email, Subject: h.Subject, Score: h.Score,
			MatchedFiles: nonNil(h.Matched), Files: nonNil(h.Files), Sessions: nonNil(h.Sessions),
			Ranks: map[string]int{"lexical": h.LexicalRank, "semantic": h.SemanticRank, "documents": h.DocumentsRank},
			Near:  h.Near,
			Raw:   rawText(h),
		}
		if len(h.Sessions) > 0 {
			j.Session = &h.Sessions[0]
		}
		if h.MergedBy != "" {
			j.MergedIn = &mergedJSON{SHA: h.MergedBy, Short: search.ShortHash(h.MergedBy), Subject: h.MergedSubject}
		}
		out = append(out, j)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// searchOut is search's --json document; a struct, so that its keys
// come in the README's order, what was asked before the hits.
type searchOut struct {
	Query    string      `json:"query"`
	Mode     search.Mode `json:"mode"`
	Embedder string      `json:"embedder"`
	Hits     []hitJSON   `json:"hits"`
	Warning  string      `json:"warning,omitempty"`
}

func searchJSON(q search.Query, s *search.Searcher, hits []search.Hit, warning string) searchOut {
	return searchOut{Query: q.Text, Mode: q.Mode, Embedder: s.Embedder(), Hits: hitsJSON(hits), Warning: warning}
}

// authorRegexNote says, of an --author that matches nobody and reads as
// a regular expression, as git log --author takes one ('ada\|grace',
// '^Ada'), that it was matched as text; an alternation of plain names is
// spelt as the repeated --author that asks for either ("" otherwise).
func authorRegexNote(a string) string {
	const meta = `^$*+?|[](){}\`
	if !strings.ContainsAny(a, meta) {
		return ""
	}
	note := " (it is text, not a regular expression as in git log"
	parts := strings.Split(strings.ReplaceAll(a, `\|`, "|"), "|")
	plain := len(parts) > 1
	for _, p := range parts {
		if strings.TrimSpace(p) == "" || strings.ContainsAny(p, meta) {
			plain = false
		}
	}
	if plain {
		var each []string
		for _, p := range parts {
			each = append(each, "--author "+cli.Printable(strings.TrimSpace(p)))
		}
		note += ": give --author once for each, " + strings.Join(each, " ")
	}
	return note + ")"
}

// datesGiven is --since and --until (or --after and --before) as the user gave them, for a
// warning about what they match.
func datesGiven(fs *pflag.FlagSet) string {
	var out []string
	for _, name := range []string{"since", "after", "until", "before"} {
		if fs.Changed(name) {
			v, _ := fs.GetString(name)
			out = append(out, "--"+name+" "+cli.Printable(v))
		}
	}
	return strings.Join(out, " ")
}

// commandNames are the commands a first word may be a typo of; search
// is left out, since a query is searched anyway.
var commandNames = []string{"index", "related", "eval", "model", "stats", "help"}
