// Package eval measures search quality on a query set: for each mode,
// MRR, Recall@5, Recall@10 and nDCG@10 at commit level (is the answering
// commit found?) and at file level (are the files that answer it touched
// by the hits?), and the latency of each search.
package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/verdigris-dev/verdigris/internal/jsonfile"
	"github.com/verdigris-dev/verdigris/internal/scry/search"
)

// QuerySet is the query-set file format.
type QuerySet struct {
	Name    string  `json:"name"`
	Queries []Query `json:"queries"`
	// Unknown lists the keys the file has that the format does not (a
	// misspelled "relevent_docs" left its query without relevant files,
	// unseen), as "KEY" or "KEY (query ID)"; they are ignored.
	Unknown []string `json:"-"`
	// resolved is what each relevant hash (lower case) names (Resolve):
	// the full hash of the indexed commit its prefix matches, or of the
	// merge whose commits stand in for it; two spellings of one commit
	// then count once. A hash not resolved is matched as a prefix.
	resolved map[string]string
	// standIns are, by resolved merge hash, the commits that answer for
	// it: the index leaves merge commits out.
	standIns map[string]map[string]bool
	// path is the file's, for Resolve's errors.
	path string
}

// Query is one question and what answers it. Commits may be given as
// hash prefixes.
type Query struct {
	ID              string   `json:"id"`
	Query           string   `json:"query"`
	RelevantCommits []string `json:"relevant_commits"`
	RelevantDocs    []string `json:"relevant_docs"`
}

// querySetFile is QuerySet as a file may spell it: an id may be a
// number ("id": 7), as a benchmark converted from another tool's, whose
// questions are numbered, has it; it is known by the number as written.
type querySetFile struct {
	Name    string      `json:"name"`
	Queries []queryFile `json:"queries"`
}

// queryFile is Query as a file spells it. A null item of a list is nil,
// refused as null: as a string it read as "", said to be no hash.
type queryFile struct {
	ID              json.RawMessage `json:"id"`
	Query           string          `json:"query"`
	RelevantCommits []*string       `json:"relevant_commits"`
	RelevantDocs    []*string       `json:"relevant_docs"`
}

// nonNull is list's items, or the error for its first null one, named
// as query i's (id) key.
func nonNull(list []*string, path string, i int, id, key string) ([]string, error) {
	if list == nil {
		return nil, nil
	}
	out := make([]string, len(list))
	for k, s := range list {
		if s == nil {
			return nil, fmt.Errorf("%s: query %d (%q): item %d of %q is null, not a string", path, i+1, id, k+1, key)
		}
		out[k] = *s
	}
	return out, nil
}

// problem is jsonfile.Problem for a query set. A wrong type inside a
// query names the query, as Load's other errors do: "queries.query"
// alone did not say which of hundreds it was.
func problem(data []byte, err error) string {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) && strings.HasPrefix(typ.Field, "queries.") {
		var all struct {
			Queries []json.RawMessage `json:"queries"`
		}
		if json.NewDecoder(bytes.NewReader(data)).Decode(&all) == nil {
			for i, raw := range all.Queries {
				var q queryFile
				if json.Unmarshal(raw, &q) == nil {
					continue
				}
				id, idErr := queryID(q.ID)
				if idErr != nil || strings.TrimSpace(id) == "" {
					id = fmt.Sprintf("#%d", i+1)
				}
				inQuery := *typ
				inQuery.Field = strings.TrimPrefix(typ.Field, "queries.")
				return fmt.Sprintf("query %d (%q): %s", i+1, id, jsonfile.Problem(data, &inQuery, "the query set", "relevant_commits", "relevant_docs"))
			}
		}
	}
	return jsonfile.Problem(data, err, "the query set", "queries", "queries.relevant_commits", "queries.relevant_docs")
}

// queryID is a query's id as a file gives it: a string, a number (as
// written), or none (null, or no "id").
func queryID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String(), nil
	}
	kind := map[byte]string{'t': "true", 'f': "false", '{': "an object", '[': "a list"}[raw[0]]
	return "", fmt.Errorf(`"id" must be a string or a number, not %s`, kind)
}

// ErrTrailingData is Load's error for a file with more than the query
// set's one JSON document.
var ErrTrailingData = errors.New("text after the query set's JSON document")

// Load reads and checks a query set. Cancelling ctx ends the wait for a
// FIFO or pipe that nothing writes to: open(2) and read(2) on it block,
// and Go restarts them after a signal, so Ctrl-C did not end it. The
// goroutine left waiting goes with the process, which ends on the same
// signal.
func Load(ctx context.Context, path string) (*QuerySet, error) {
	return load(ctx, path, func() ([]byte, error) { return os.ReadFile(path) })
}

// Read is Load of the query set that in holds (standard input, "-" on the
// command line), named name in errors: a wait for it ends with ctx too.
func Read(ctx context.Context, name string, in io.Reader) (*QuerySet, error) {
	return load(ctx, name, func() ([]byte, error) { return io.ReadAll(in) })
}

// load is Load of what readAll reads, path naming it in errors.
func load(ctx context.Context, path string, readAll func() ([]byte, error)) (*QuerySet, error) {
	type read struct {
		data []byte
		err  error
	}
	done := make(chan read, 1)
	go func() {
		data, err := readAll()
		done <- read{data, err}
	}()
	var data []byte
	select {
	case r := <-done:
		if r.err != nil {
			return nil, r.err
		}
		data = r.data
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// Editors on Windows start UTF-8 files with a byte order mark,
	// which JSON does not allow; UTF-16 is another encoding altogether.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff")) {
		return nil, fmt.Errorf("%s: saved as UTF-16; save it as UTF-8", path)
	}
	var file querySetFile
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("%s: %s", path, problem(data, err))
	}
	// One document: text after it (a second set pasted in, a stray
	// brace) would otherwise be dropped unseen.
	var more json.RawMessage
	if end := dec.InputOffset(); dec.Decode(&more) != io.EOF {
		rest := data[end:]
		at := end + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")))
		line := 1 + bytes.Count(data[:at], []byte("\n"))
		return nil, fmt.Errorf("%s: %w (line %d)", path, ErrTrailingData, line)
	}
	qs := QuerySet{Name: file.Name, Queries: make([]Query, len(file.Queries))}
	for i, q := range file.Queries {
		id, err := queryID(q.ID)
		if err != nil {
			return nil, fmt.Errorf("%s: query %d: %w", path, i+1, err)
		}
		shown := id
		if strings.TrimSpace(shown) == "" {
			shown = fmt.Sprintf("#%d", i+1)
		}
		commits, err := nonNull(q.RelevantCommits, path, i, shown, "relevant_commits")
		if err != nil {
			return nil, err
		}
		docs, err := nonNull(q.RelevantDocs, path, i, shown, "relevant_docs")
		if err != nil {
			return nil, err
		}
		qs.Queries[i] = Query{ID: id, Query: q.Query, RelevantCommits: commits, RelevantDocs: docs}
	}
	unknown := unknownKeys(data)
	// A set written for another tool ("questions", "relevant_files")
	// fails on a missing field before the warning about its keys.
	theirs := func(keys []string, format string) string {
		if len(keys) == 0 {
			return ""
		}
		key, are := "keys", "are"
		if len(keys) == 1 {
			key, are = "key", "is"
		}
		return fmt.Sprintf("; its %s %s %s not the format's (%s)", key, strings.Join(keys, ", "), are, format)
	}
	if len(qs.Queries) == 0 {
		return nil, fmt.Errorf("%s: no queries%s", path, theirs(unknown.top, "name, queries"))
	}
	qs.Unknown = unknown.all
	ofQuery := func(i int) string {
		if i >= len(unknown.queries) {
			return ""
		}
		return theirs(unknown.queries[i], "id, query, relevant_commits, relevant_docs")
	}
	seen := map[string]int{}
	for i := range qs.Queries {
		q := &qs.Queries[i]
		// Ids tell the queries apart in --per-query and in these errors;
		// a query without one (a set written by hand, or converted from
		// another tool's benchmark) is known by its place in the set.
		if strings.TrimSpace(q.ID) == "" {
			q.ID = fmt.Sprintf("#%d", i+1)
		}
		if j, ok := seen[q.ID]; ok {
			return nil, fmt.Errorf("%s: query %d has the id %q of query %d", path, i+1, q.ID, j)
		}
		seen[q.ID] = i + 1
		if strings.TrimSpace(q.Query) == "" {
			return nil, fmt.Errorf("%s: query %d (%q) has no query text%s", path, i+1, q.ID, ofQuery(i))
		}
		if len(q.RelevantCommits) == 0 && len(q.RelevantDocs) == 0 {
			return nil, fmt.Errorf("%s: query %d (%q) names no relevant commits or docs%s", path, i+1, q.ID, ofQuery(i))
		}
		for _, d := range q.RelevantDocs {
			// Hits' files are paths from the root: any other never
			// matches, and scored the query 0 unseen.
			if d == "" || strings.HasPrefix(d, "/") || strings.Contains("/"+d+"/", "/../") {
				return nil, fmt.Errorf("%s: query %d (%q): %q is not a path relative to the repository root", path, i+1, q.ID, d)
			}
			if strings.HasSuffix(d, "/") {
				return nil, fmt.Errorf("%s: query %d (%q): %q is a directory; relevant docs are files", path, i+1, q.ID, d)
			}
		}
		for _, c := range q.RelevantCommits {
			if len(c) < 4 || strings.Trim(strings.ToLower(c), "0123456789abcdef") != "" {
				return nil, fmt.Errorf("%s: query %d (%q): %q is %w", path, i+1, q.ID, c, ErrNotHash)
			}
			// A character pasted twice, two hashes run together: counted
			// as a commit of another repository, it went unnoticed.
			if len(c) > maxHashLen {
				return nil, fmt.Errorf("%s: query %d (%q): %q is %w: %d hex characters, more than any hash has (%d, SHA-256)", path, i+1, q.ID, c, ErrNotHash, len(c), maxHashLen)
			}
		}
	}
	qs.path = path
	return &qs, nil
}

// ErrNotHash is the error of a relevant commit that no commit's hash can
// be (Load, Resolve).
var ErrNotHash = errors.New("not a commit hash")

// maxHashLen is the length of a SHA-256 hash in hex, the longest git has.
const maxHashLen = 64

// Metrics are the ranking measures of one level. With fewer than 10
// hits a query (k), they are cut off at k: Recall5 is recall@min(5,k),
// Recall10 recall@k and NDCG10 nDCG@k (the JSON keys stay those of
// k ≥ 10, so the command refuses --json below 10).
type Metrics struct {
	MRR      float64 `json:"mrr"`
	Recall5  float64 `json:"recall@5"`
	Recall10 float64 `json:"recall@10"`
	NDCG10   float64 `json:"ndcg@10"`
}

// Latency is search time in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
}

// Level is one level's measures and the number of queries they are
// the mean of: those with relevant commits at commit level, those with
// relevant files at file level.
type Level struct {
	Metrics
	Queries int `json:"queries"`
}

// ModeReport is one mode's results.
type ModeReport struct {
	Commit  Level   `json:"commit"`
	File    Level   `json:"file"`
	Latency Latency `json:"latency_ms"`
}

// Report is what eval prints.
type Report struct {
	QuerySet string `json:"queryset"`
	Queries  int    `json:"queries"`
	// K is the hits a query the measures were taken over (-k): a report
	// read later, or beside another, says what it measured.
	K     int                    `json:"k"`
	Modes map[string]*ModeReport `json:"modes"`
	// The queries with relevant commits and with relevant files (each
	// mode's levels say them in the JSON).
	CommitQueries, FileQueries int `json:"-"`
	// Ranks are, by mode, each query's rank of its first relevant
	// commit among the k hits: 0 when none is, -1 for a query without
	// relevant commits (not in the JSON either).
	Ranks map[string][]int `json:"-"`
}

// Searcher is what eval needs of a search.
type Searcher interface {
	Search(ctx context.Context, q search.Query) ([]search.Hit, error)
}

// Run evaluates the query set in each mode, k hits a query; below 10,
// the measures are cut off at k (see Metrics).
func Run(ctx context.Context, s Searcher, qs *QuerySet, modes []search.Mode, k int) (*Report, error) {
	rep := &Report{QuerySet: qs.Name, Queries: len(qs.Queries), K: k, Modes: map[string]*ModeReport{}, Ranks: map[string][]int{}}
	for _, q := range qs.Queries {
		if len(q.RelevantCommits) > 0 {
			rep.CommitQueries++
		}
		if len(q.RelevantDocs) > 0 {
			rep.FileQueries++
		}
	}
	for _, m := range modes {
		var commit, file []Metrics
		var lat []float64
		for _, q := range qs.Queries {
			start := time.Now()
			hits, err := s.Search(ctx, search.Query{Text: q.Query, Mode: m, Limit: k})
			lat = append(lat, float64(time.Since(start).Microseconds())/1000)
			if err != nil {
				return nil, fmt.Errorf("query %q (%s): %w", q.ID, m, err)
			}
			rank := -1
			if len(q.RelevantCommits) > 0 {
				var mt Metrics
				mt, rank = commitMetrics(hits, q.RelevantCommits, qs.resolved, qs.standIns, min(k, 10))
				commit = append(commit, mt)
			}
			rep.Ranks[string(m)] = append(rep.Ranks[string(m)], rank)
			if len(q.RelevantDocs) > 0 {
				file = append(file, fileMetrics(hits, q.RelevantDocs, min(k, 10)))
			}
		}
		rep.Modes[string(m)] = &ModeReport{
			Commit:  Level{Metrics: mean(commit), Queries: len(commit)},
			File:    Level{Metrics: mean(file), Queries: len(file)},
			Latency: Latency{P50: percentile(lat, 50), P95: percentile(lat, 95)},
		}
	}
	return rep, nil
}

// commitMetrics: a hit is relevant when it is a relevant commit (its
// hash starts with the relevant prefix, or the prefix resolved to it), or
// one of the commits a relevant merge brought in (standIns); each
// relevant commit counts once, however it is spelt. first is the rank of
// the first relevant hit, 0 when there is none. cut is the cut-off of
// the measures (see metrics).
func commitMetrics(hits []search.Hit, relevant []string, resolved map[string]string, standIns map[string]map[string]bool, cut int) (m Metrics, first int) {
	var keys []string
	for _, r := range uniq(relevant) {
		if full, ok := resolved[r]; ok {
			r = full
		}
		if !slices.Contains(keys, r) {
			keys = append(keys, r)
		}
	}
	var ranks []int // rank of each relevant commit found
	found := map[string]bool{}
	for i, h := range hits {
		for _, k := range keys {
			if !found[k] && (strings.HasPrefix(h.Hash, k) || standIns[k][h.Hash]) {
				found[k] = true
				ranks = append(ranks, i+1)
			}
		}
	}
	if len(ranks) > 0 {
		first = ranks[0]
	}
	return metrics(ranks, len(keys), cut), first
}

// fileMetrics: a file's rank is the rank of the first hit that touched
// it.
func fileMetrics(hits []search.Hit, relevant []string, cut int) Metrics {
	rel := map[string]bool{}
	for _, d := range relevant {
		rel[strings.TrimPrefix(d, "./")] = true
	}
	var ranks []int
	found := map[string]bool{}
	for i, h := range hits {
		for _, f := range h.Files {
			if rel[f] && !found[f] {
				found[f] = true
				ranks = append(ranks, i+1)
			}
		}
	}
	return metrics(ranks, len(rel), cut)
}

// metrics computes the measures from the ranks at which relevant items
// were found (ascending) and how many there are. Several files found by
// one hit share its rank; nDCG is capped at 1 for that reason. cut (10,
// or k when fewer hits were asked for) is where Recall10 and NDCG10
// stop: nDCG's ideal ranking is cut long, so that it reaches 1 when the
// first cut hits are all relevant.
func metrics(ranks []int, relevant, cut int) Metrics {
	var m Metrics
	if relevant == 0 {
		return m
	}
	sort.Ints(ranks)
	if len(ranks) > 0 {
		m.MRR = 1 / float64(ranks[0])
	}
	var dcg float64
	for _, r := range ranks {
		if r <= 5 {
			m.Recall5++
		}
		if r <= cut {
			m.Recall10++
			dcg += 1 / math.Log2(float64(r)+1)
		}
	}
	m.Recall5 /= float64(relevant)
	m.Recall10 /= float64(relevant)
	var idcg float64
	for i := 1; i <= min(relevant, cut); i++ {
		idcg += 1 / math.Log2(float64(i)+1)
	}
	m.NDCG10 = min(1, dcg/idcg)
	return m
}

func mean(ms []Metrics) Metrics {
	var out Metrics
	if len(ms) == 0 {
		return out
	}
	for _, m := range ms {
		out.MRR += m.MRR
		out.Recall5 += m.Recall5
		out.Recall10 += m.Recall10
		out.NDCG10 += m.NDCG10
	}
	n := float64(len(ms))
	out.MRR, out.Recall5, out.Recall10, out.NDCG10 = round(out.MRR/n), round(out.Recall5/n), round(out.Recall10/n), round(out.NDCG10/n)
	return out
}

func round(x float64) float64 { return math.Round(x*10000) / 10000 }

func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	i = max(0, min(i, len(s)-1))
	return math.Round(s[i]*100) / 100
}

func uniq(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		x = strings.ToLower(x)
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// unknown are the keys of a query set that the format does not have.
type unknown struct {
	all     []string   // as QuerySet.Unknown lists them
	top     []string   // quoted: the set's own
	queries [][]string // quoted: each query's
}

// unknownKeys finds the keys of a query set (which decoded) that the
// format does not have, at the top and in each query.
func unknownKeys(data []byte) unknown {
	var u unknown
	var raw struct {
		Top     map[string]json.RawMessage
		Queries []map[string]json.RawMessage
	}
	if json.Unmarshal(data, &raw.Top) != nil {
		return u
	}
	for _, k := range slices.Sorted(maps.Keys(raw.Top)) {
		// encoding/json matches keys regardless of case.
		switch l := strings.ToLower(k); {
		case l == "queries":
			json.Unmarshal(raw.Top[k], &raw.Queries)
		case l != "name":
			u.top = append(u.top, fmt.Sprintf("%q", k))
		}
	}
	u.all = slices.Clone(u.top)
	known := map[string]bool{"id": true, "query": true, "relevant_commits": true, "relevant_docs": true}
	u.queries = make([][]string, len(raw.Queries))
	for i, q := range raw.Queries {
		var id string
		for k, v := range q {
			if strings.ToLower(k) == "id" {
				// A number too ("id": 7), as Load reads it.
				id, _ = queryID(v)
			}
		}
		if strings.TrimSpace(id) == "" {
			// Named as Load names it: by its place.
			id = fmt.Sprintf("#%d", i+1)
		}
		for _, k := range slices.Sorted(maps.Keys(q)) {
			if !known[strings.ToLower(k)] {
				u.all = append(u.all, fmt.Sprintf("%q (query %q)", k, id))
				u.queries[i] = append(u.queries[i], fmt.Sprintf("%q", k))
			}
		}
	}
	return u
}
