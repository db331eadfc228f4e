// Command commitset writes a query set made from a repository's own
// commits the way published commit benchmarks make theirs: each query is
// a commit's subject, cleaned as a person would type it back, and its
// answer that commit and the files it changed. It is the kind of set our
// goal "commit-level and file-level MRR at least 0.80 on the project's
// own commit benchmark" is stated for; see docs/benchmarks.md, "Search
// quality".
//
//	go run ./scripts/bench/commitset [-n 50] [-seed 1] REPO >SET.json
//
// A commit is asked about when its whole message is longer than 20 and
// shorter than 200 characters, it is not a merge, its message does not
// start with "Merge" or "WIP", and it changed 2 to 15 files. The query
// is its subject without a conventional-commit prefix ("fix(tui): ",
// "feat: ") and without a pull request's number (" (#123)"). -n keeps a
// random sample of that many (0: all), drawn with -seed.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"unicode"
)

type query struct {
	ID              string   `json:"id"`
	Query           string   `json:"query"`
	RelevantCommits []string `json:"relevant_commits"`
	RelevantDocs    []string `json:"relevant_docs"`
}

func main() {
	n := flag.Int("n", 0, "keep a random sample of `N` queries (0: every commit that qualifies)")
	seed := flag.Uint64("seed", 1, "the sample's random `seed`")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: commitset [-n N] [-seed S] REPO >SET.json")
		os.Exit(2)
	}
	qs, err := commits(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "commitset:", err)
		os.Exit(1)
	}
	if *n > 0 && *n < len(qs) {
		r := rand.New(rand.NewPCG(*seed, 0))
		r.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
		qs = qs[:*n]
	}
	fmt.Fprintf(os.Stderr, "commitset: %d queries\n", len(qs))
	out, _ := json.MarshalIndent(map[string]any{"name": "commit-subjects", "queries": qs}, "", "  ")
	os.Stdout.Write(append(out, '\n'))
}

// commits reads every non-merge commit reachable from HEAD with its
// message and changed files, and keeps those that qualify.
func commits(repo string) ([]query, error) {
	cmd := exec.Command("git", "-C", repo, "log", "--no-merges", "--format=%x01%H%x02%B%x03", "--name-only", "HEAD")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git log: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var qs []query
	for _, rec := range strings.Split(string(out), "\x01")[1:] {
		sha, rest, _ := strings.Cut(rec, "\x02")
		msg, names, _ := strings.Cut(rest, "\x03")
		msg = strings.TrimSpace(msg)
		var files []string
		for _, f := range strings.Split(names, "\n") {
			if f != "" {
				files = append(files, f)
			}
		}
		if len(msg) <= 20 || len(msg) >= 200 || strings.HasPrefix(msg, "Merge") || strings.HasPrefix(msg, "WIP") || len(files) < 2 || len(files) > 15 {
			continue
		}
		subject, _, _ := strings.Cut(msg, "\n")
		qs = append(qs, query{ID: "q_" + sha[:8], Query: cleanSubject(subject), RelevantCommits: []string{sha}, RelevantDocs: files})
	}
	return qs, nil
}

// cleanSubject drops a conventional-commit prefix (a type, a scope in
// parentheses, under 20 characters, before the first colon) and
// everything from a pull request's " (#" on.
func cleanSubject(s string) string {
	if prefix, rest, ok := strings.Cut(s, ":"); ok && len(prefix) < 20 && strings.IndexFunc(prefix, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '(' && r != ')'
	}) < 0 {
		s = strings.TrimSpace(rest)
	}
	s, _, _ = strings.Cut(s, " (#")
	return strings.TrimSpace(s)
}
