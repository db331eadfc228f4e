package eval

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/verdigris-dev/verdigris/internal/scry/search"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-3 }

func hits(specs ...string) []search.Hit {
	var out []search.Hit
	for _, s := range specs {
		hash, files, _ := strings.Cut(s, ":")
		h := search.Hit{Hash: hash}
		if files != "" {
			h.Files = strings.Split(files, ",")
		}
		out = append(out, h)
	}
	return out
}

func TestCommitMetrics(t *testing.T) {
	// Relevant commits at ranks 2 and 7 (prefixes), one of three missing.
	hs := hits("aaaa1", "bbbb2", "cccc3", "dddd4", "eeee5", "ffff6", "abcd7")
	m, first := commitMetrics(hs, []string{"BBBB", "abcd", "9999"}, nil, nil, 10)
	if !near(m.MRR, 0.5) || !near(m.Recall5, 1.0/3) || !near(m.Recall10, 2.0/3) || first != 2 {
		t.Fatalf("%+v, first at %d", m, first)
	}
	dcg := 1/math.Log2(3) + 1/math.Log2(8)
	idcg := 1 + 1/math.Log2(3) + 1/math.Log2(4)
	if !near(m.NDCG10, dcg/idcg) {
		t.Fatalf("ndcg %v, want %v", m.NDCG10, dcg/idcg)
	}
	if m, first := commitMetrics(hs, []string{"9999"}, nil, nil, 10); m != (Metrics{}) || first != 0 {
		t.Fatalf("nothing found: %+v, first at %d", m, first)
	}
	// A merge (not indexed) stands for the commits it brought in: found
	// at the first of them, counted once.
	merge := map[string]map[string]bool{"merge:9999f": {"dddd4": true, "ffff6": true}}
	resolved := map[string]string{"9999": "merge:9999f", "9999f": "merge:9999f", "abcd": "abcd7", "abcd7": "abcd7", "ab": ambiguous + "ab"}
	if m, first := commitMetrics(hs, []string{"9999", "abcd"}, resolved, merge, 10); first != 4 || !near(m.MRR, 0.25) || !near(m.Recall5, 0.5) || !near(m.Recall10, 1) {
		t.Fatalf("a merge's commits: %+v, first at %d", m, first)
	}
	// One commit spelt twice (case, a longer prefix, the merge by two
	// prefixes) counts once: recall went above 1 and nDCG was inflated.
	for _, rel := range [][]string{{"abcd", "ABCD"}, {"abcd", "abcd7"}} {
		if m, _ := commitMetrics(hs, rel, resolved, merge, 10); !near(m.Recall10, 1) || !near(m.NDCG10, 1/math.Log2(8)) {
			t.Fatalf("%v: %+v", rel, m)
		}
	}
	if m, _ := commitMetrics(hs, []string{"9999", "9999f"}, resolved, merge, 10); !near(m.Recall10, 1) || !near(m.MRR, 0.25) {
		t.Fatalf("a merge by two prefixes: %+v", m)
	}
	// An ambiguous prefix is credited to no commit.
	if m, _ := commitMetrics(hs, []string{"ab"}, resolved, merge, 10); m != (Metrics{}) {
		t.Fatalf("an ambiguous prefix: %+v", m)
	}
}

// A file's rank is the rank of the first hit that changed it; several
// files of one hit share its rank, and nDCG stays at most 1.
func TestFileMetrics(t *testing.T) {
	hs := hits("h1:x.go", "h2:a.go,b.go,x.go", "h3:c.go")
	m := fileMetrics(hs, []string{"a.go", "b.go", "./c.go", "z.go"}, 10)
	if !near(m.MRR, 0.5) || !near(m.Recall5, 0.75) || !near(m.Recall10, 0.75) {
		t.Fatalf("%+v", m)
	}
	m = fileMetrics(hits("h1:a.go,b.go,c.go"), []string{"a.go", "b.go"}, 10)
	if m.MRR != 1 || m.NDCG10 != 1 {
		t.Fatalf("all in the first hit: %+v", m)
	}
}

type fixedSearcher map[string][]search.Hit

func (f fixedSearcher) Search(_ context.Context, q search.Query) ([]search.Hit, error) {
	hs := f[string(q.Mode)+":"+q.Text]
	return hs[:min(len(hs), q.Limit)], nil
}

// With fewer than 10 hits a query, the measures are cut off at k: the
// recalls are recall@k, and nDCG is nDCG@k, whose ideal ranking is k
// long, not 10 (one relevant commit past the k hits still counts
// against it; the ones that could not fit do not).
func TestRunSmallK(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.json")
	os.WriteFile(path, []byte(`{"name": "set", "queries": [
		{"id": "a", "query": "one", "relevant_commits": ["aaaa", "bbbb", "cccc", "dddd"]}]}`), 0o644)
	qs, err := Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s := fixedSearcher{"lexical:one": hits("aaaa1", "eeee", "bbbb1", "cccc1", "ffff", "dddd1")}
	for _, c := range []struct {
		k         int
		r5, r10   float64
		dcg, idcg float64
	}{
		{3, 0.5, 0.5, 1 + 1/math.Log2(4), 1 + 1/math.Log2(3) + 1/math.Log2(4)},
		{10, 0.75, 1, 1 + 1/math.Log2(4) + 1/math.Log2(5) + 1/math.Log2(7), 1 + 1/math.Log2(3) + 1/math.Log2(4) + 1/math.Log2(5)},
	} {
		rep, err := Run(context.Background(), s, qs, []search.Mode{search.Lexical}, c.k)
		if err != nil {
			t.Fatal(err)
		}
		m := rep.Modes["lexical"].Commit
		if m.MRR != 1 || !near(m.Recall5, c.r5) || !near(m.Recall10, c.r10) || !near(m.NDCG10, c.dcg/c.idcg) {
			t.Errorf("k=%d: %+v, want recalls %v %v, nDCG %.4f", c.k, m, c.r5, c.r10, c.dcg/c.idcg)
		}
	}
}

func TestRunReportShape(t *testing.T) {
	path := filepath.Join(t.TempDir(), "q.json")
	os.WriteFile(path, []byte(`{"name": "set", "queries": [
		{"id": "a", "query": "one", "relevant_commits": ["aaaa"], "relevant_docs": ["x.go"]},
		{"id": "b", "query": "two", "relevant_docs": ["y.go"]}]}`), 0o644)
	qs, err := Load(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s := fixedSearcher{
		"lexical:one": hits("bbbb:y.go", "aaaa1:x.go"),
		"lexical:two": hits("cccc:y.go"),
	}
	rep, err := Run(context.Background(), s, qs, []search.Mode{search.Lexical}, 10)
	if err != nil {
		t.Fatal(err)
	}
	lex := rep.Modes["lexical"]
	// Commit level over the one query with commits; file level over both.
	if rep.Queries != 2 || rep.CommitQueries != 1 || rep.FileQueries != 2 || lex.Commit.MRR != 0.5 || lex.File.MRR != 0.75 {
		t.Fatalf("%+v %+v", rep, lex)
	}
	data, _ := json.Marshal(rep)
	var shape map[string]any
	json.Unmarshal(data, &shape)
	modes := shape["modes"].(map[string]any)["lexical"].(map[string]any)
	// Each level says over how many queries it averages: the query
	// without relevant commits counts at file level only.
	for level, n := range map[string]float64{"commit": 1, "file": 2} {
		m := modes[level].(map[string]any)
		for _, k := range []string{"mrr", "recall@5", "recall@10", "ndcg@10"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%s lacks %s: %s", level, k, data)
			}
		}
		if m["queries"] != n {
			t.Errorf("%s: queries %v, want %v: %s", level, m["queries"], n, data)
		}
	}
	// DESIGN's three top-level keys, and the k the set was run with.
	if _, ok := modes["latency_ms"].(map[string]any)["p95"]; !ok || len(shape) != 4 || shape["k"] != float64(10) {
		t.Errorf("shape: %s", data)
	}
}

func TestLoadRejects(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"empty":   `{"name": "x", "queries": []}`,
		"nothing": `{"name": "x", "queries": [{"id": "a", "query": "q"}]}`,
		"notext":  `{"name": "x", "queries": [{"id": "a", "query": " ", "relevant_docs": ["a"]}]}`,
		"badsha":  `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_commits": ["xyz!"]}]}`,
		// Longer than a SHA-256 hash: two run together.
		"longsha": `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_commits": ["` + strings.Repeat("ab", 33) + `"]}]}`,
		// Ids tell the queries apart (--per-query, the errors); a path
		// that is empty or not relative to the root never matches.
		"dupid":   `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": ["a"]}, {"id": "a", "query": "r", "relevant_docs": ["b"]}]}`,
		"nopath":  `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": [""]}]}`,
		"abspath": `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": ["/etc/passwd"]}]}`,
		"uppath":  `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": ["../a"]}]}`,
		"dirpath": `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": ["docs/"]}]}`,
		"json":    `{"name": `,
		// Text after the document: a second document (two sets pasted
		// into one file), garbage, a stray brace.
		"two":     `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": ["a"]}]} {"name": "y"}`,
		"garbage": `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": ["a"]}]}garbage`,
		"brace":   `{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": ["a"]}]}}`,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := Load(context.Background(), p); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.HasPrefix(err.Error(), p+": ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %q does not name the file in one line", name, err)
		}
	}
	// Trailing white space is no document.
	p := filepath.Join(dir, "space")
	os.WriteFile(p, []byte(`{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": ["a"]}]}`+"\n\n  \t\n"), 0o644)
	if _, err := Load(context.Background(), p); err != nil {
		t.Errorf("trailing white space: %v", err)
	}
}

// A query set the JSON decoder refuses is described in the file's terms,
// with its line: the decoder's own words named Go types ("Go struct
// field Query.queries.relevant_docs of type []string") and no place in
// a file that may be thousands of lines long (internal/jsonfile).
func TestLoadSaysWhatAndWhere(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ body, want string }{
		{"{\"name\": \"x\",\n \"queries\": [{\"id\": \"a\", \"query\": \"q\",\n  \"relevant_docs\": \"README.md\"}]}", `query 1 ("a"): "relevant_docs" must be a list, not a string (line 3)`},
		{"{\"name\": \"x\", \"queries\": [{\"id\": \"a\", \"query\": \"q\", \"relevant_commits\": [1234]}]}", `query 1 ("a"): each item of "relevant_commits" must be a string, not a number (line 1)`},
		// A wrong type in a query said "queries.query", not which one.
		{"{\"name\": \"x\", \"queries\": [{\"id\": \"a\", \"query\": \"q\", \"relevant_docs\": [\"a\"]},\n {\"id\": \"b\", \"query\": 5, \"relevant_commits\": [\"abc1234\"]}]}", `query 2 ("b"): "query" must be a string, not a number (line 2)`},
		{"{\"name\": \"x\", \"queries\": [{\"query\": 5, \"relevant_commits\": [\"abc1234\"]}]}", `query 1 ("#1"): "query" must be a string, not a number (line 1)`},
		{"{\"name\": \"x\", \"queries\": [{\"id\": 7, \"query\": \"q\", \"relevant_docs\": [[\"a\"]]}]}", `query 1 ("7"): each item of "relevant_docs" must be a string, not a list (line 1)`},
		// null is no string: it read as "", "\"\" is not a commit hash".
		{"{\"name\": \"x\", \"queries\": [{\"id\": \"a\", \"query\": \"q\", \"relevant_commits\": [\"abc1234\", null]}]}", `query 1 ("a"): item 2 of "relevant_commits" is null, not a string`},
		{"{\"name\": \"x\", \"queries\": [{\"query\": \"q\", \"relevant_docs\": [null]}]}", `query 1 ("#1"): item 1 of "relevant_docs" is null, not a string`},
		{"{\"name\": \"x\", \"queries\": [{\"id\": true, \"query\": \"q\"}]}", `query 1: "id" must be a string or a number, not true`},
		{"{\"name\": \"x\", \"queries\": [{\"query\": \"q\", \"relevant_docs\": [\"a\"]}, {\"id\": [7], \"query\": \"q\"}]}", `query 2: "id" must be a string or a number, not a list`},
		{"{\"name\": \"x\", \"queries\": {}}", `"queries" must be a list, not an object (line 1)`},
		{"{\"name\": \"x\", \"queries\": [\"q\"]}", `each item of "queries" must be an object, not a string (line 1)`},
		{"[]", `the query set must be an object, not a list (line 1)`},
		{"{\"name\": \"x\",\n\n \"queries\": [],}", `it is not valid JSON (line 3): a comma before '}' (JSON allows no trailing comma)`},
		{"{\"name\": ", `it is not valid JSON (line 1): it ends early (an unclosed bracket or string?)`},
		{"", `the file is empty`},
	} {
		p := filepath.Join(dir, "set.json")
		os.WriteFile(p, []byte(c.body), 0o644)
		_, err := Load(context.Background(), p)
		if err == nil || err.Error() != p+": "+c.want {
			t.Errorf("%q: %v, want %s: %s", c.body, err, p, c.want)
		}
	}
}

// A query without an id made the whole set fail to load ("query 1 has
// no id"): a set written by hand or converted from another tool's
// benchmark need not name its queries. Such a query is known by its
// place in the set, as the errors already call it; an id given to
// another query still may not repeat one.
func TestLoadQueryWithoutID(t *testing.T) {
	p := filepath.Join(t.TempDir(), "set.json")
	os.WriteFile(p, []byte(`{"name": "x", "queries": [{"query": "q", "relevant_docs": ["a"]}, {"id": "b", "query": "r", "relevant_docs": ["a"]}, {"id": " ", "query": "s", "relevant_docs": ["a"]}]}`), 0o644)
	qs, err := Load(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{qs.Queries[0].ID, qs.Queries[1].ID, qs.Queries[2].ID}; !slices.Equal(got, []string{"#1", "b", "#3"}) {
		t.Errorf("ids %q, want #1, b, #3", got)
	}
	os.WriteFile(p, []byte(`{"name": "x", "queries": [{"query": "q", "relevant_docs": ["a"]}, {"id": "#1", "query": "r", "relevant_docs": ["a"]}]}`), 0o644)
	if _, err := Load(context.Background(), p); err == nil || !strings.Contains(err.Error(), `query 2 has the id "#1" of query 1`) {
		t.Errorf("an id repeating a query's place: %v", err)
	}
}

// A query set saved with a byte order mark (Windows editors write one)
// was refused: "invalid character 'ï' looking for beginning of value".
// UTF-8's is read past; UTF-16 is named as such.
func TestLoadByteOrderMark(t *testing.T) {
	p := filepath.Join(t.TempDir(), "set.json")
	os.WriteFile(p, []byte("\xef\xbb\xbf"+`{"name": "x", "queries": [{"id": "a", "query": "q", "relevant_docs": ["a"]}]}`), 0o644)
	if qs, err := Load(context.Background(), p); err != nil || qs.Name != "x" {
		t.Errorf("UTF-8 with a byte order mark: %v", err)
	}
	os.WriteFile(p, []byte("\xff\xfe{\x00}\x00"), 0o644)
	if _, err := Load(context.Background(), p); err == nil || !strings.Contains(err.Error(), "UTF-16") {
		t.Errorf("UTF-16: %v, want it named", err)
	}
}

// A misspelled key ("relevent_docs") was ignored unseen, and its query
// counted without relevant files; the keys the format lacks are listed
// (keys in another case are the format's: encoding/json reads them).
func TestLoadListsUnknownKeys(t *testing.T) {
	p := filepath.Join(t.TempDir(), "set.json")
	os.WriteFile(p, []byte(`{"name": "x", "version": 2, "queries": [
		{"id": "a", "query": "q", "relevant_commits": ["abcd"], "relevent_docs": ["README.md"]},
		{"ID": "b", "Query": "r", "Relevant_Docs": ["a.go"], "notes": "why"}]}`), 0o644)
	qs, err := Load(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`"version"`, `"relevent_docs" (query "a")`, `"notes" (query "b")`}
	if !slices.Equal(qs.Unknown, want) {
		t.Fatalf("Unknown = %q; want %q", qs.Unknown, want)
	}
	if len(qs.Queries[1].RelevantDocs) != 1 {
		t.Fatalf("a key in another case was not read: %+v", qs.Queries[1])
	}
}

// A query without an id is known by its place everywhere else (#2): its
// misspelled key was named as of query "", which no one can find.
func TestLoadUnknownKeyOfQueryWithoutID(t *testing.T) {
	p := filepath.Join(t.TempDir(), "set.json")
	os.WriteFile(p, []byte(`{"queries": [
		{"id": "a", "query": "q", "relevant_commits": ["abcd"]},
		{"query": "r", "relevant_commits": ["abcd"], "relevent_docs": ["a.go"]}]}`), 0o644)
	qs, err := Load(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`"relevent_docs" (query "#2")`}
	if !slices.Equal(qs.Unknown, want) {
		t.Fatalf("Unknown = %q; want %q", qs.Unknown, want)
	}
}

// A query set written for another tool ("question", "relevant_files")
// failed on its first query with "has no query text" or "names no
// relevant commits or docs", and the warning that names the keys the
// format lacks never came: the error names them, and the format's.
func TestLoadMissingFieldNamesUnknownKeys(t *testing.T) {
	p := filepath.Join(t.TempDir(), "set.json")
	for _, c := range []struct{ body, want string }{
		{`{"queries": [{"id": "a", "question": "q", "relevant_docs": ["a"]}]}`, `query 1 ("a") has no query text; its key "question" is not the format's (id, query, relevant_commits, relevant_docs)`},
		{`{"queries": [{"query": "q", "relevant_files": ["a"], "relevant_commit": ["abcd"]}]}`, `query 1 ("#1") names no relevant commits or docs; its keys "relevant_commit", "relevant_files" are not the format's (id, query, relevant_commits, relevant_docs)`},
		{`{"queries": [{"id": "a", "query": "q"}]}`, `query 1 ("a") names no relevant commits or docs`},
		{`{"name": "x", "questions": [{"id": "a", "query": "q", "relevant_docs": ["a"]}]}`, `no queries; its key "questions" is not the format's (name, queries)`},
		{`{"queries": []}`, `no queries`},
	} {
		os.WriteFile(p, []byte(c.body), 0o644)
		_, err := Load(context.Background(), p)
		if err == nil || err.Error() != p+": "+c.want {
			t.Errorf("%s: %v, want %s", c.body, err, c.want)
		}
	}
}

// The keys of the queries of a set whose "queries" key is in another
// case (which encoding/json reads) were not checked.
func TestLoadUnknownKeysQueriesInAnotherCase(t *testing.T) {
	p := filepath.Join(t.TempDir(), "set.json")
	os.WriteFile(p, []byte(`{"Queries": [{"id": "a", "query": "q", "relevant_docs": ["a"], "relevent_commits": ["abcd"]}]}`), 0o644)
	qs, err := Load(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{`"relevent_commits" (query "a")`}; !slices.Equal(qs.Unknown, want) {
		t.Fatalf("Unknown = %q; want %q", qs.Unknown, want)
	}
}

// A benchmark converted from another tool's numbers its questions: "id":
// 7 failed the whole set ("queries.id" must be a string). A number is an
// id, known as it is written; it may not repeat another query's.
func TestLoadNumericIDs(t *testing.T) {
	p := filepath.Join(t.TempDir(), "set.json")
	os.WriteFile(p, []byte(`{"queries": [{"id": 7, "query": "q", "relevant_docs": ["a"]}, {"id": 1.50, "query": "r", "relevant_docs": ["a"]}, {"id": null, "query": "s", "relevant_docs": ["a"]}]}`), 0o644)
	qs, err := Load(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, q := range qs.Queries {
		ids = append(ids, q.ID)
	}
	if want := []string{"7", "1.50", "#3"}; !slices.Equal(ids, want) {
		t.Fatalf("ids %q, want %q", ids, want)
	}
	os.WriteFile(p, []byte(`{"queries": [{"id": 7, "query": "q", "relevant_docs": ["a"]}, {"id": "7", "query": "r", "relevant_docs": ["a"]}]}`), 0o644)
	if _, err := Load(context.Background(), p); err == nil || !strings.Contains(err.Error(), `query 2 has the id "7" of query 1`) {
		t.Fatalf("a repeated id: %v", err)
	}
}
