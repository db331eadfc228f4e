package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The repository's document paragraphs (README, docs, comments: what the
// built-in embedder learns from), analysed as the commits are, for
// document feedback: a question is searched for in them, and the words
// that best stand for the paragraphs it finds are searched for in the
// commits (search package). They live in an FTS5 table of their own,
// each with those words and their weights, worked out when they are
// written: a search reads three rows' worth of them, where counting each
// word's paragraphs in FTS5's vocabulary cost a search about a
// millisecond.
const (
	docsMetaCommits    = "docs_commits"    // the commits indexed when they were read (or the built-in model learned: index/docs.go)
	docsMetaParagraphs = "docs_paragraphs" // how many there are
)

// commonShare: a word of more than this share of the paragraphs (of
// commonFrom or more) is no feedback word. It says little of a
// paragraph, and it finds many commits, each scored: "command" or "run"
// in a hooks manager's documents.
const (
	commonShare = 0.1
	commonFrom  = 50
)

// MaxParagraphTerms is where a paragraph is cut: a generated table or a
// long list says little more of its subject after it.
const MaxParagraphTerms = 200

// feedbackPerParagraph is how many of its words a paragraph keeps for
// feedback: a search sums three paragraphs' words and takes five.
const feedbackPerParagraph = 30

// SetDocuments replaces the document paragraphs (each its analysed
// terms, at most MaxParagraphTerms) and records the number of commits
// indexed when they were read.
func (b *Batch) SetDocuments(paragraphs [][]string, commits int64) error {
	if _, err := b.tx.ExecContext(b.ctx, `DELETE FROM docs`); err != nil {
		return err
	}
	st, err := b.tx.PrepareContext(b.ctx, `INSERT INTO docs(terms, feedback) VALUES(?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for i, fb := range feedbackWords(paragraphs) {
		if _, err := st.ExecContext(b.ctx, strings.Join(paragraphs[i], " "), fb); err != nil {
			return err
		}
	}
	if err := b.SetMeta(docsMetaParagraphs, strconv.Itoa(len(paragraphs))); err != nil {
		return err
	}
	return b.SetMeta(docsMetaCommits, strconv.FormatInt(commits, 10))
}

// feedbackWords gives each paragraph the words that stand for it best,
// as "word weight word weight …": each of its words' idf among the
// paragraphs divided by the paragraph's length (a long paragraph says
// less about each of its words), once for each time it holds it. Words
// of a single paragraph are left out: a name only that paragraph holds
// is as likely a stray word as its subject, and so are common ones
// (commonShare).
func feedbackWords(paragraphs [][]string) []string {
	df := map[string]int{}
	for _, p := range paragraphs {
		seen := map[string]bool{}
		for _, w := range p {
			if !seen[w] {
				seen[w] = true
				df[w]++
			}
		}
	}
	n := float64(len(paragraphs))
	common := math.Inf(1)
	if len(paragraphs) >= commonFrom {
		common = commonShare * n
	}
	out := make([]string, len(paragraphs))
	for i, p := range paragraphs {
		weight := map[string]float64{}
		for _, w := range p {
			if f := float64(df[w]); f >= 2 && f <= common {
				weight[w] += math.Log((n-f+0.5)/(f+0.5)+1) / float64(len(p))
			}
		}
		words := byWeight(weight)
		var sb strings.Builder
		for j, w := range words[:min(len(words), feedbackPerParagraph)] {
			if j > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(w)
			sb.WriteByte(' ')
			sb.WriteString(strconv.FormatFloat(weight[w], 'g', 6, 64))
		}
		out[i] = sb.String()
	}
	return out
}

// byWeight lists the words the heaviest first, equal weights in
// alphabetical order.
func byWeight(weight map[string]float64) []string {
	words := make([]string, 0, len(weight))
	for w := range weight {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if weight[words[i]] != weight[words[j]] {
			return weight[words[i]] > weight[words[j]]
		}
		return words[i] < words[j]
	})
	return words
}

// SetDocumentsRead records a reading of the documents that failed at
// commits commits: the paragraphs read before stay, and the next reading
// waits for the history to grow as after one that succeeded.
func (b *Batch) SetDocumentsRead(commits int64) error {
	return b.SetMeta(docsMetaCommits, strconv.FormatInt(commits, 10))
}

// DocumentsRead is the number of commits indexed when the document
// paragraphs were last read, 0 when they never were (an index made
// before them, or a run that has not got that far).
func (s *Store) DocumentsRead(ctx context.Context) (int64, error) {
	return s.MetaInt(ctx, docsMetaCommits)
}

// DocumentParagraphs is how many document paragraphs the index holds:
// none when their table is gone (DocumentsLost), which a search would
// fail to read. One statement, as the meta row alone was: a search
// asks it every time.
func (s *Store) DocumentParagraphs(ctx context.Context) (int64, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?
		AND EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'docs')`, docsMetaParagraphs).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// DocumentsLost reports whether the document paragraphs' table is gone
// while the meta row that says they were read remains: a damaged index,
// not one made before them. The next index run reads them again
// (addAdditions).
func (s *Store) DocumentsLost(ctx context.Context) (bool, error) {
	var lost bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?)
		AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'docs')`, docsMetaCommits).Scan(&lost)
	return lost, err
}

// FeedbackTerms are the n words that best stand for the k paragraphs
// bm25 ranks first for terms: their feedback words (feedbackWords)
// summed, the question's own left out. nil when no paragraph holds a
// term.
func (s *Store) FeedbackTerms(ctx context.Context, terms []string, k, n int) ([]string, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	quoted := make([]string, len(terms))
	asked := make(map[string]bool, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		asked[t] = true
	}
	rows, err := s.db.QueryContext(ctx, `SELECT feedback FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?`, "terms: ("+strings.Join(quoted, " OR ")+")", k)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	weight := map[string]float64{}
	for rows.Next() {
		var fb string
		if err := rows.Scan(&fb); err != nil {
			return nil, err
		}
		f := strings.Fields(fb)
		for i := 0; i+1 < len(f); i += 2 {
			if !asked[f[i]] {
				x, _ := strconv.ParseFloat(f[i+1], 64)
				weight[f[i]] += x
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	words := byWeight(weight)
	return words[:min(n, len(words))], nil
}
