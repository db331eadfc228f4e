package search

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verdigris-dev/verdigris/internal/fold"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/pathglob"
	"github.com/verdigris-dev/verdigris/internal/scry/store"
)

// Filter narrows a search to commits by date, author and path.
type Filter struct {
	Since, Until time.Time // author dates; zero is unbounded
	// Authors: a commit matches when its author ("Name <email>") holds
	// any of them, case- and accent-folded (git log --author, given
	// more than once, shows the commits of either).
	Authors []string
	Paths   Pathspec // a commit matches when it changed a matching file
}

func (f Filter) empty() bool {
	return f.Since.IsZero() && f.Until.IsZero() && len(f.Authors) == 0 && len(f.Paths) == 0
}

// idSet is the set of commit ids a filter lets through, a bitmap over
// the ids (dense: they count the commits indexed): a date filter can let
// most of a 50,000-commit history through, and each list asks for every
// hit it scores. A nil set lets everything through.
type idSet struct {
	bits []uint64
	n    int
}

func (s *idSet) add(id int64) {
	w := int(id >> 6)
	if w >= len(s.bits) {
		s.bits = append(s.bits, make([]uint64, w+1-len(s.bits))...)
	}
	if s.bits[w]&(1<<(id&63)) == 0 {
		s.bits[w] |= 1 << (id & 63)
		s.n++
	}
}

// blocks reports whether the set keeps id out.
func (s *idSet) blocks(id int64) bool {
	if s == nil {
		return false
	}
	w := int(id >> 6)
	return id < 0 || w >= len(s.bits) || s.bits[w]&(1<<(id&63)) == 0
}

// allowed computes the set of commit ids the filter lets through. The
// dates are compared in the search cache's author times when there is a
// current cache (a --since that lets most of a large history through
// would otherwise read most of its rows), else in the database.
func (s *Searcher) allowed(ctx context.Context, f Filter) (*idSet, error) {
	q := `SELECT id FROM commits WHERE 1`
	var args []any
	since, until := int64(store.NoTime+1), int64(math.MaxInt64)
	if !f.Since.IsZero() {
		since = f.Since.Unix()
	}
	if !f.Until.IsZero() {
		until = f.Until.Unix()
	}
	var times []int64
	if s.cache != nil && s.cache.Times != nil {
		times = s.cache.Times
	} else {
		if !f.Since.IsZero() {
			q += ` AND author_time >= ?`
			args = append(args, since)
		}
		if !f.Until.IsZero() {
			q += ` AND author_time <= ?`
			args = append(args, until)
		}
	}
	// since is above store.NoTime, so an id no commit has is never dated.
	dated := func(id int64) bool {
		return times == nil || id >= 0 && id < int64(len(times)) && times[id] >= since && times[id] <= until
	}
	out := &idSet{}
	if times != nil && len(f.Authors) == 0 && len(f.Paths) == 0 {
		for id := range times {
			if dated(int64(id)) {
				out.add(int64(id))
			}
		}
		return out, nil
	}
	var matched map[[2]string]bool
	if len(f.Authors) > 0 {
		who, err := s.authorsMatching(ctx, f.Authors)
		if err != nil {
			return nil, err
		}
		if len(who) == 0 {
			return out, nil
		}
		if len(who) <= maxAuthors {
			// The author index finds their commits.
			q += ` AND (author_name, author_email) IN (VALUES ` + strings.TrimSuffix(strings.Repeat("(?,?),", len(who)), ",") + `)`
			for _, w := range who {
				args = append(args, w[0], w[1])
			}
		} else {
			// Too many to bind: each commit's author is looked up.
			matched = make(map[[2]string]bool, len(who))
			for _, w := range who {
				matched[w] = true
			}
			q = `SELECT id, author_name, author_email` + strings.TrimPrefix(q, `SELECT id`)
		}
	}
	if len(f.Paths) > 0 {
		in, notIn, err := s.matchingPaths(ctx, f.Paths)
		if err != nil {
			return nil, err
		}
		if len(in) == 0 {
			return out, nil
		}
		// The shorter list: an exclusion alone (':!vendor') lets most
		// of a large history's paths through.
		cond := `path_id IN (` + idList(in) + `)`
		if len(notIn) < len(in) {
			cond = `path_id NOT IN (` + idList(notIn) + `)`
		}
		q += ` AND id IN (SELECT commit_id FROM files WHERE ` + cond + `)`
	}
	rows, err := s.st.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if matched == nil {
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			if dated(id) {
				out.add(id)
			}
			continue
		}
		var who [2]string
		if err := rows.Scan(&id, &who[0], &who[1]); err != nil {
			return nil, err
		}
		if matched[who] && dated(id) {
			out.add(id)
		}
	}
	return out, rows.Err()
}

// maxAuthors is the most authors whose commits are found through the
// author index, their names and emails bound values of one query.
var maxAuthors = 500

// authorsMatching lists the distinct (name, email) pairs whose ident
// holds any of the texts, compared case- and accent-folded in Go: SQLite's LIKE
// folds only ASCII letters, and "--author müller" must find "Müller",
// and "muller" too; "bjorn" finds "Bjørn" and "strasse" "Straße", as
// people spell their names where only ASCII goes (fold.LatinASCII). The pairs are read from the author index (store schema) without
// touching the commits' rows. The ident compared is the one the
// repository's mailmap gives, as git log --author compares it: a
// project's .mailmap names its authors' older names and emails, and
// --author jane must find Jane's commits under them.
func (s *Searcher) authorsMatching(ctx context.Context, authors []string) ([][2]string, error) {
	all, mapped, err := s.indexedAuthors(ctx)
	if err != nil {
		return nil, err
	}
	want := make([]string, len(authors))
	for i, a := range authors {
		want[i] = fold.LatinASCII(a)
	}
	var out [][2]string
	for i, who := range all {
		// The "Name <email>" ident, as git log --author reads it: a
		// name, an email, "<email>" and the whole ident all match.
		ident := fold.LatinASCII(mapped[i].Name + " <" + mapped[i].Email + ">")
		if slices.ContainsFunc(want, func(w string) bool { return strings.Contains(ident, w) }) {
			out = append(out, [2]string{who.Name, who.Email})
		}
	}
	return out, nil
}

// indexedAuthors are the distinct authors of the indexed commits, and
// each as the mailmap maps it; read once a search (UnmatchedAuthors
// asks again for each --author).
func (s *Searcher) indexedAuthors(ctx context.Context) (all, mapped []gitrepo.Ident, err error) {
	if s.authors != nil {
		return s.authors[0], s.authors[1], nil
	}
	rows, err := s.st.DB().QueryContext(ctx, `SELECT DISTINCT author_name, author_email FROM commits`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var who gitrepo.Ident
		if err := rows.Scan(&who.Name, &who.Email); err != nil {
			return nil, nil, err
		}
		all = append(all, who)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if mapped, err = s.mailMap(ctx, all); err != nil {
		return nil, nil, err
	}
	s.authors = &[2][]gitrepo.Ident{all, mapped}
	return all, mapped, nil
}

// mailMap is idents as the repository's mailmap maps them, or as they
// are where git cannot say (no repository, a git that fails): the
// filter as it was before mailmaps were read, not a failed search.
func (s *Searcher) mailMap(ctx context.Context, idents []gitrepo.Ident) ([]gitrepo.Ident, error) {
	if s.r != nil && len(idents) > 0 {
		mapped, err := s.r.MailMap(ctx, idents)
		if err == nil {
			return mapped, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return idents, nil
}

// MailMapHits names the hits' authors as the repository's mailmap does,
// as git log shows them (one git process: for output that shows the
// author).
func (s *Searcher) MailMapHits(ctx context.Context, hits []Hit) error {
	idents := make([]gitrepo.Ident, len(hits))
	for i, h := range hits {
		idents[i] = gitrepo.Ident{Name: h.Author, Email: h.Email}
	}
	mapped, err := s.mailMap(ctx, idents)
	if err != nil {
		return err
	}
	for i := range hits {
		hits[i].Author, hits[i].Email = mapped[i].Name, mapped[i].Email
	}
	return nil
}

// UnmatchedDates says whether no indexed commit was authored within
// f's --since and --until (a year mistyped reads as no commit having the
// words), and if so when the indexed commits were authored, first and
// last (zero when none is dated). Both are index look-ups on the
// commits' author times.
func (s *Searcher) UnmatchedDates(ctx context.Context, f Filter) (none bool, first, last time.Time, err error) {
	if f.Since.IsZero() && f.Until.IsZero() {
		return false, time.Time{}, time.Time{}, nil
	}
	since, until := int64(store.NoTime+1), int64(math.MaxInt64)
	if !f.Since.IsZero() {
		since = f.Since.Unix()
	}
	if !f.Until.IsZero() {
		until = f.Until.Unix()
	}
	var one int
	err = s.st.DB().QueryRowContext(ctx, `SELECT 1 FROM commits WHERE author_time BETWEEN ? AND ? LIMIT 1`, since, until).Scan(&one)
	if err == nil {
		return false, time.Time{}, time.Time{}, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, time.Time{}, err
	}
	var lo, hi sql.NullInt64
	if err := s.st.DB().QueryRowContext(ctx, `SELECT min(author_time), max(author_time) FROM commits WHERE author_time > ?`, store.NoTime).Scan(&lo, &hi); err != nil {
		return false, time.Time{}, time.Time{}, err
	}
	if lo.Valid {
		first, last = time.Unix(lo.Int64, 0), time.Unix(hi.Int64, 0)
	}
	return true, first, last, nil
}

// UnmatchedAuthors lists the indexes of the --author texts that no
// indexed commit's author holds: a misspelled name otherwise reads as
// "no matching commits".
func (s *Searcher) UnmatchedAuthors(ctx context.Context, authors []string) ([]int, error) {
	var out []int
	for i, a := range authors {
		who, err := s.authorsMatching(ctx, []string{a})
		if err != nil {
			return nil, err
		}
		if len(who) == 0 {
			out = append(out, i)
		}
	}
	return out, nil
}

// idList writes ids for an IN (…) list: numbers, never text, so they
// are written into the query rather than bound one by one.
func idList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// matchingPaths returns the ids of the indexed paths that ps matches,
// and of those it does not.
func (s *Searcher) matchingPaths(ctx context.Context, ps Pathspec) (in, out []int64, err error) {
	rows, err := s.st.DB().QueryContext(ctx, `SELECT id, path FROM paths`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p string
		if err := rows.Scan(&id, &p); err != nil {
			return nil, nil, err
		}
		if ps.Match(p) {
			in = append(in, id)
		} else {
			out = append(out, id)
		}
	}
	return in, out, rows.Err()
}

// PathPattern is a compiled --path pattern: a glob where * and ? stay
// within one directory and ** crosses any number of them; a pattern
// without a slash matches a file name in any directory ("*.go"); a
// pattern without glob characters also matches everything under it as a
// directory ("internal/scry"). In a Pathspec it may be an exclusion.
type PathPattern struct {
	plain    string // the pattern as spelt, matched literally too
	re       *regexp.Regexp
	basename bool
	all      bool // the repository's root: every path
	exclude  bool // ":!x": what it matches, a Pathspec leaves out
}

// CompilePattern compiles a --path pattern.
func CompilePattern(pattern string) (PathPattern, error) {
	pattern = strings.TrimPrefix(strings.TrimSuffix(pattern, "/"), "./")
	if pattern == "" {
		return PathPattern{}, fmt.Errorf("empty path pattern")
	}
	if !pathglob.HasMeta(pattern) {
		return PathPattern{plain: pattern}, nil
	}
	re, err := pathglob.Regexp(pattern)
	if err != nil {
		return PathPattern{}, err
	}
	return PathPattern{plain: pattern, re: re, basename: !strings.Contains(pattern, "/")}, nil
}

// CompileRootPattern compiles a --path pattern that is a path from the
// repository's root (what "./*.go" given at the root, or "../*.go" below
// it, becomes): "*.go" is then the root's .go files, not a file name
// matched in any directory.
func CompileRootPattern(pattern string) (PathPattern, error) {
	pp, err := CompilePattern(pattern)
	pp.basename = false
	return pp, err
}

// Match reports whether a repository path matches. As git does, a
// pattern also names the path spelt as it is: app/[id]/page.tsx (a
// Next.js route) as well as app/i/page.tsx (pathglob's regexp matches
// both), and app/[id] the directory.
func (pp PathPattern) Match(p string) bool {
	switch {
	case pp.all:
		return true
	case pp.basename:
		return pp.re.MatchString(path.Base(p))
	case p == pp.plain || strings.HasPrefix(p, pp.plain+"/"):
		return true
	default:
		return pp.re != nil && pp.re.MatchString(p)
	}
}

// isoDate is ISO 8601 as people write it and git reads it: a date, then
// a time (T or a space; seconds and their fraction optional) and a zone
// (Z, UTC, GMT, ±hh, ±hhmm or ±hh:mm; a space before it or not),
// upper or lower case. "2024-05-01 12:00" was read, "2024-05-01T12:00"
// and "2024-05-01 12:00 +0200" were unknown dates. Groups: year, month,
// day, hour, minute, second, fraction, zone.
var isoDate = lazyRegexp(`(?i)^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?))?$`)

// rawDate is git log --date=raw's: seconds since the epoch and a zone,
// which names the same instant in any zone.
var rawDate = lazyRegexp(`^(\d{9,})\s+[+-]\d{4}$`)

// parseISO makes the date of isoDate's groups, in loc without a zone;
// false when a field is out of range (2024-02-30, 25:00).
func parseISO(m []string, loc *time.Location) (time.Time, bool) {
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	y, mo, d := num(m[1]), num(m[2]), num(m[3])
	h, mi, sec, ns := num(m[4]), num(m[5]), num(m[6]), 0
	if f := m[7]; f != "" {
		ns = num((f + "00000000")[:9])
	}
	if h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	if z := strings.ToLower(m[8]); z != "" {
		loc = time.UTC
		if z[0] == '+' || z[0] == '-' {
			digits := strings.ReplaceAll(z[1:], ":", "")
			zh, zm := num(digits[:2]), 0
			if len(digits) == 4 {
				zm = num(digits[2:])
			}
			if zh > 23 || zm > 59 {
				return time.Time{}, false
			}
			off := zh*3600 + zm*60
			if z[0] == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, ns, loc)
	// time.Date carries an overflow into the next month; git refuses.
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// An age as git log --since reads it: a number (or one to ten in words,
// or "last": "last week") and a unit, one or more of them ("2 weeks 3
// days", "1 year, 2 months"), "ago" optional, dots for spaces
// ("1.week.ago"). relItem finds each number and unit of one relDate
// matched.
const (
	relNumber = `(\d+|one|two|three|four|five|six|seven|eight|nine|ten|last)`
	relUnit   = `(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|wk|wks|week|weeks|mo|month|months|y|yr|yrs|year|years)`
)

const relItemExpr = relNumber + `\s*\.?\s*` + relUnit + `\b`

var (
	relItem = lazyRegexp(relItemExpr)
	relDate = lazyRegexp(`^` + relItemExpr + `(?:[\s,.]+` + relItemExpr + `)*(?:(?:\s+|\.)ago)?$`)
)

// lazyRegexp compiles expr on first use: compiled at start-up, the date
// expressions cost every search's process 0.4 ms, and only --since and
// --until use them.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// numberWords are the numbers git's dates read in words.
var numberWords = map[string]int64{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "last": 1}

// The dates git prints and reads, as a user may paste them, besides
// ISO 8601 (isoDate): git log's own and --date=rfc; a date without a
// zone is local time.
var timeLayouts = []string{
	"Mon Jan 2 15:04:05 2006 -0700", "Mon Jan 2 15:04:05 2006", "Mon, 2 Jan 2006 15:04:05 -0700",
}

// dayLayouts name a whole day: --until includes all of it (and so does
// an ISO date without a time).
var dayLayouts = []string{
	"2006/01/02", "2006.01.02",
	"Jan 2 2006", "Jan 2, 2006", "2 Jan 2006", "January 2 2006", "January 2, 2006", "2 January 2006",
}

// ParseUntil reads an --until value: as ParseDate, but a date without a
// time (2024-05-01, 2024-05, 2024, today, yesterday) includes all of the
// day, month or year it names (--until today left out today).
func ParseUntil(s string, now time.Time) (time.Time, error) {
	t, err := ParseDate(s, now)
	if err != nil {
		return t, err
	}
	v := strings.ToLower(strings.TrimSpace(s))
	if v == "today" || v == "yesterday" {
		return t.AddDate(0, 0, 1).Add(-time.Second), nil
	}
	if m := isoDate().FindStringSubmatch(v); m != nil && m[4] == "" {
		return t.AddDate(0, 0, 1).Add(-time.Second), nil
	}
	for _, layout := range dayLayouts {
		if _, err := time.ParseInLocation(layout, v, now.Location()); err == nil {
			return t.AddDate(0, 0, 1).Add(-time.Second), nil
		}
	}
	if _, day, ok, _ := dayDate(v, now); ok && day {
		return t.AddDate(0, 0, 1).Add(-time.Second), nil
	}
	for _, p := range []struct {
		layout        string
		years, months int
	}{{"2006-01", 0, 1}, {"2006", 1, 0}} {
		if _, err := time.ParseInLocation(p.layout, v, now.Location()); err == nil {
			return t.AddDate(p.years, p.months, 0).Add(-time.Second), nil
		}
	}
	return t, nil
}

// ParseDate reads a --since/--until value: an ISO date (2024-05-01), a
// date and time (RFC 3339 or "2024-05-01 12:00"), "today", "yesterday",
// or a relative age ("2 weeks ago", "3d", "1 year"; not "3m", an
// AmbiguousAgeError).
func ParseDate(s string, now time.Time) (time.Time, error) {
	given := s
	s = strings.TrimSpace(s)
	if m := isoDate().FindStringSubmatch(s); m != nil {
		if t, ok := parseISO(m, now.Location()); ok {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("unknown date %q", given)
	}
	if m := rawDate().FindStringSubmatch(s); m != nil {
		if n, err := strconv.ParseInt(m[1], 10, 64); err == nil {
			return time.Unix(n, 0).In(now.Location()), nil // git log --date=raw
		}
	}
	for _, layouts := range [][]string{timeLayouts, dayLayouts, {"2006-01", "2006"}} {
		for _, layout := range layouts {
			if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
				return t, nil
			}
		}
	}
	if n, err := strconv.ParseInt(strings.TrimPrefix(s, "@"), 10, 64); err == nil && strings.HasPrefix(s, "@") && n >= 0 {
		return time.Unix(n, 0).In(now.Location()), nil // git's @<Unix time>
	}
	// git's approxidate reads a number of more than 8 digits as a Unix
	// time (8 are a day, 20240501).
	if n, err := strconv.ParseUint(s, 10, 63); err == nil && len(s) > 8 {
		return time.Unix(int64(n), 0).In(now.Location()), nil
	}
	s = strings.ToLower(s)
	switch s {
	case "now":
		return now, nil
	case "today":
		y, m, d := now.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, now.Location()), nil
	case "yesterday":
		y, m, d := now.AddDate(0, 0, -1).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, now.Location()), nil
	}
	if t, _, ok, err := dayDate(s, now); ok {
		return t, err
	}
	if relDate().MatchString(s) {
		items := relItem().FindAllStringSubmatch(s, -1)
		for _, m := range items {
			if m[2] == "m" {
				return time.Time{}, &AmbiguousAgeError{Given: given}
			}
		}
		// Each unit's age in turn: "1 year, 2 months ago".
		t := now
		for _, m := range items {
			t = ago(t, m[1], m[2])
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("unknown date %q", given)
}

// dayDate reads the days git's approxidate names that the layouts do
// not (s lowercased): a weekday ("monday", "mon": the latest, today
// included; "last monday": the one before today), "noon" and
// "midnight" (the latest), alone or after a day ("yesterday noon"), a
// month and day without the year ("jan 5": the latest), and a day
// written with slashes ("05/13/2024", "13/05/2024"). ok says s is one
// of them; day that t is the start of a day s names whole; err an
// AmbiguousDayError for a day that reads as two ("01/05/2024": January
// 5 in the US, 1 May in Europe; git takes the first, a European reader
// of the history the second).
func dayDate(s string, now time.Time) (t time.Time, day, ok bool, err error) {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	if m := slashDay().FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		year, _ := strconv.Atoi(m[3])
		us, usOK := dateOf(year, a, b, now.Location())
		eu, euOK := dateOf(year, b, a, now.Location())
		switch {
		case usOK && euOK && a != b:
			return time.Time{}, true, true, &AmbiguousDayError{Given: s, Readings: [2]time.Time{us, eu}}
		case usOK:
			return us, true, true, nil
		case euOK:
			return eu, true, true, nil
		}
		return time.Time{}, false, false, nil
	}
	for _, layout := range []string{"Jan 2", "2 Jan", "January 2", "2 January"} {
		p, err := time.ParseInLocation(layout, s, now.Location())
		if err != nil {
			continue
		}
		t, valid := dateOf(y, int(p.Month()), p.Day(), now.Location())
		if t.After(now) {
			t, valid = dateOf(y-1, int(p.Month()), p.Day(), now.Location())
		}
		return t, true, valid, nil
	}
	words := strings.Fields(s)
	hour := -1
	if n := len(words); n > 0 && (words[n-1] == "noon" || words[n-1] == "midnight") {
		if words[n-1] == "noon" {
			hour = 12
		} else {
			hour = 0
		}
		words = words[:n-1]
	}
	switch {
	case len(words) == 0 && hour == 12 && now.Hour() < 12:
		t = today.AddDate(0, 0, -1)
	case len(words) == 0 && hour >= 0:
		t = today
	case len(words) == 1 && words[0] == "today":
		t = today
	case len(words) == 1 && words[0] == "yesterday":
		t = today.AddDate(0, 0, -1)
	default:
		last := len(words) == 2 && words[0] == "last"
		if last {
			words = words[1:]
		}
		wd, isDay := weekday(words)
		if !isDay {
			return time.Time{}, false, false, nil
		}
		back := (int(now.Weekday()) - int(wd) + 7) % 7
		if last && back == 0 {
			back = 7
		}
		t = today.AddDate(0, 0, -back)
	}
	if hour < 0 {
		return t, true, true, nil
	}
	return t.Add(time.Duration(hour) * time.Hour), false, true, nil
}

// weekday reads a weekday's name, whole or its first three letters.
func weekday(words []string) (time.Weekday, bool) {
	if len(words) != 1 {
		return 0, false
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if name := strings.ToLower(d.String()); words[0] == name || words[0] == name[:3] {
			return d, true
		}
	}
	return 0, false
}

// slashDay is a day written with slashes, month and day in either
// order, then the year.
var slashDay = lazyRegexp(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)

// dateOf is the start of a day, false when there is no such day.
func dateOf(year, month, day int, loc *time.Location) (time.Time, bool) {
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, loc)
	return t, month >= 1 && month <= 12 && t.Day() == day && int(t.Month()) == month
}

// AmbiguousDayError is ParseDate's error for a day written with slashes
// that is a date read month first and day first ("01/05/2024").
type AmbiguousDayError struct {
	Given    string
	Readings [2]time.Time // month first, day first
}

func (e *AmbiguousDayError) Error() string {
	return fmt.Sprintf("%q could be %s or %s", e.Given, e.Readings[0].Format("January 2"), e.Readings[1].Format("January 2"))
}

// AmbiguousAgeError is ParseDate's error for an age in "m" ("3m"):
// minutes to some, months to others (git reads it as neither, but as the
// 3rd of the month), and a --since read the wrong way answers without a
// word.
type AmbiguousAgeError struct{ Given string }

func (e *AmbiguousAgeError) Error() string {
	return fmt.Sprintf("%q could be minutes or months", e.Given)
}

// ago is t less n units of relItem ("2", "weeks"). Ages are capped far
// beyond any commit's, so none overflows (time.Duration holds 292 years:
// "2600000h" wrapped around into the future and matched nothing).
func ago(t time.Time, num, unit string) time.Time {
	n64, ok := numberWords[num]
	if !ok {
		var err error
		if n64, err = strconv.ParseInt(num, 10, 64); err != nil {
			n64 = math.MaxInt64
		}
	}
	secondsAgo := func(unit int64) time.Time {
		const far = int64(1) << 40 // seconds: 35,000 years
		secs := far
		if n64 <= far/unit {
			secs = n64 * unit
		}
		return time.Unix(t.Unix()-secs, int64(t.Nanosecond())).In(t.Location())
	}
	n := int(min(n64, 1_000_000)) // days, weeks, months or years: before any commit
	switch {
	case strings.HasPrefix(unit, "mo"):
		return t.AddDate(0, -n, 0)
	case strings.HasPrefix(unit, "min"):
		return secondsAgo(60)
	case strings.HasPrefix(unit, "s"):
		return secondsAgo(1)
	case strings.HasPrefix(unit, "h"):
		return secondsAgo(3600)
	case strings.HasPrefix(unit, "d"):
		return t.AddDate(0, 0, -n)
	case strings.HasPrefix(unit, "w"):
		return t.AddDate(0, 0, -7*n)
	default: // y
		return t.AddDate(-n, 0, 0)
	}
}
