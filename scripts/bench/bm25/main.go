// Command bm25 scores a query set with plain BM25 over commit messages
// (subject and body; words lowercased, no stemming; k1 1.2, b 0.75): the
// baseline that says how hard a set is for word matching, in the terms
// our goals are stated in ("plain BM25 over commit messages scores MRR
// 0.11"). git scry's own lexical mode (stemming, paths, diff terms, field
// weights) scores more. See docs/benchmarks.md, "Search quality".
//
//	go run ./scripts/bench/bm25 [-stop] [-per-query] QUERIES.json REPO
//
// -per-query also prints each question's id, the rank of its first
// relevant commit ("-" when none is in the history) and the question,
// for calibrating a set's wording question by question.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/scry/eval"
	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

func main() {
	stop := flag.Bool("stop", false, "leave out git scry's stop words")
	perQuery := flag.Bool("per-query", false, "print each question's rank too")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: bm25 [-stop] [-per-query] QUERIES.json REPO")
		os.Exit(2)
	}
	if err := run(os.Stdout, flag.Arg(0), flag.Arg(1), *stop, *perQuery); err != nil {
		fmt.Fprintln(os.Stderr, "bm25: error:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, queries, dir string, stop, perQuery bool) error {
	ctx := context.Background()
	qs, err := eval.Load(context.Background(), queries)
	if err != nil {
		return err
	}
	r, err := gitrepo.Open(ctx, dir)
	if err != nil {
		return err
	}
	hashes, err := r.NonMergeCommits(ctx, []string{"HEAD"}, nil)
	if err != nil {
		return err
	}
	var ix index
	err = r.CommitsOf(ctx, hashes, func(c *gitrepo.Commit) error {
		ix.add(c.Hash, words(c.Subject+"\n"+c.Body, stop))
		return nil
	})
	if err != nil {
		return err
	}
	var mrr, r10 float64
	var rows []string
	n := 0
	for _, q := range qs.Queries {
		if len(q.RelevantCommits) == 0 {
			continue
		}
		n++
		m, r := ix.measure(words(q.Query, stop), q.RelevantCommits)
		mrr += m
		r10 += r
		rank := "-"
		if m > 0 {
			rank = strconv.Itoa(int(math.Round(1 / m)))
		}
		rows = append(rows, fmt.Sprintf("%s\t%s\t%s", q.ID, rank, q.Query))
	}
	if n == 0 {
		return fmt.Errorf("%s: no query names relevant commits", queries)
	}
	fmt.Fprintf(w, "%s: plain BM25 over %d commit messages, %d queries: MRR %.3f, Recall@10 %.3f\n", qs.Name, len(ix.docs), n, mrr/float64(n), r10/float64(n))
	if perQuery {
		for _, r := range rows {
			fmt.Fprintln(w, r)
		}
	}
	return nil
}

var word = regexp.MustCompile(`[a-z0-9]+`)

func words(s string, stop bool) []string {
	var out []string
	for _, w := range word.FindAllString(strings.ToLower(s), -1) {
		if !stop || !text.IsStopWord(w) {
			out = append(out, w)
		}
	}
	return out
}

type doc struct {
	hash string
	tf   map[string]int
	n    int
}

type index struct {
	docs []doc
	df   map[string]int
	len  int
}

func (ix *index) add(hash string, ws []string) {
	if ix.df == nil {
		ix.df = map[string]int{}
	}
	d := doc{hash: hash, tf: map[string]int{}, n: len(ws)}
	for _, w := range ws {
		if d.tf[w] == 0 {
			ix.df[w]++
		}
		d.tf[w]++
	}
	ix.docs = append(ix.docs, d)
	ix.len += len(ws)
}

// rank orders the documents by BM25 (k1 1.2, b 0.75, Lucene's idf), ties
// in the order they were added (newest first, as git log lists them).
func (ix *index) rank(q []string) []int {
	const k1, b = 1.2, 0.75
	n := float64(len(ix.docs))
	avg := float64(ix.len) / n
	score := make([]float64, len(ix.docs))
	for i, d := range ix.docs {
		for _, w := range q {
			f := float64(d.tf[w])
			if f == 0 {
				continue
			}
			df := float64(ix.df[w])
			idf := math.Log(1 + (n-df+0.5)/(df+0.5))
			score[i] += idf * f * (k1 + 1) / (f + k1*(1-b+b*float64(d.n)/avg))
		}
	}
	order := make([]int, len(ix.docs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return score[order[a]] > score[order[b]] })
	return order
}

// measure is the reciprocal rank of the first relevant commit and the
// share of relevant commits in the first ten (relevant commits named by
// a prefix of their hash).
func (ix *index) measure(q []string, relevant []string) (rr, recall10 float64) {
	for i, di := range ix.rank(q) {
		for _, p := range relevant {
			if strings.HasPrefix(ix.docs[di].hash, p) {
				if rr == 0 {
					rr = 1 / float64(i+1)
				}
				if i < 10 {
					recall10++
				}
			}
		}
	}
	return rr, recall10 / float64(len(relevant))
}
