package search

import (
	"context"
	"strings"
)

// Column weights of bm25: what a commit says about itself counts most,
// then what it touched. Subject > body > paths > diff identifiers: diff
// terms find the commit that changed a function whose name the query
// uses, and would drown the message if weighted like it.
const (
	weightSubject = 10.0
	weightBody    = 4.0
	weightPaths   = 2.5
	weightDiff    = 1.0
)

// lexical ranks commits by bm25 over the analysed terms, any term
// matching (OR): a query's words are rarely all in one commit.
func (s *Searcher) lexical(ctx context.Context, terms []string, allow map[int64]bool, n int) ([]scored, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	match := strings.Join(quoted, " OR ")
	q := `SELECT rowid, bm25(fts, ?, ?, ?, ?) AS r FROM fts WHERE fts MATCH ? ORDER BY r`
	args := []any{weightSubject, weightBody, weightPaths, weightDiff, match}
	if allow == nil {
		q += ` LIMIT ?`
		args = append(args, n)
	}
	rows, err := s.st.DB().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []scored
	for rows.Next() {
		var id int64
		var r float64
		if err := rows.Scan(&id, &r); err != nil {
			return nil, err
		}
		if allow != nil && !allow[id] {
			continue
		}
		out = append(out, scored{id, -r}) // bm25() is lower-is-better
		if len(out) >= n {
			break
		}
	}
	return out, rows.Err()
}
