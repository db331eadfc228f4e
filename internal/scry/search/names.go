package search

import "context"

// nameHolders is the list of the commits whose message (subject or body)
// holds a hyphenated word of the question closed up ("go-git" as gogit),
// when at most t.NameHolders commits do, in the order of the lexical list
// (those past its depth after, newest first). Such a word in a question
// is often a name ("when did we stop using go-git"), which the semantic
// list knows only by its parts: "go" and "git" are in nearly every
// commit of a Go project about git, and at twice the lexical list's
// weight the semantic list ranked "stop" above the commits about go-git.
// A commit whose message says the word names the thing; one whose diff
// alone holds it (a linter's "autofix" setting where the question says
// "auto-fixed") does not, and a word many messages use is no name.
func (s *Searcher) nameHolders(ctx context.Context, query string, t Tuning, lex []scored, allow *idSet) ([]scored, error) {
	if t.NameWeight == 0 || t.NameHolders <= 0 || bareCompound(query) != "" {
		return nil, nil
	}
	held := map[int64]bool{}
	for term := range closedTerms(query) {
		// Unordered: one more than NameHolders says it is no name, and
		// FTS5 stops there however many messages hold a common word.
		rows, err := s.st.DB().QueryContext(ctx, `SELECT rowid FROM fts WHERE fts MATCH ? LIMIT ?`,
			"{subject body}: "+quote(term), t.NameHolders+1)
		if err != nil {
			return nil, err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(ids) > t.NameHolders {
			continue
		}
		for _, id := range ids {
			if !allow.blocks(id) {
				held[id] = true
			}
		}
	}
	if len(held) == 0 {
		return nil, nil
	}
	var out []scored
	for _, h := range lex {
		if held[h.id] {
			out = append(out, h)
			delete(held, h.id)
		}
	}
	// The rest, newest first: the lexical list ranked them past its depth.
	var rest []scored
	for id := range held {
		rest = append(rest, scored{id: id})
	}
	if err := s.settle(ctx, rest); err != nil {
		return nil, err
	}
	return append(out, rest...), nil
}
