package search

import "context"

// fedBack is document feedback, the fifth list of hybrid search: the
// question is looked for in the repository's document paragraphs (the
// README, docs and comments at HEAD, which the index keeps), and the
// words that best stand for the paragraphs it finds are looked for in the
// commits. A project's documents describe its features in its users'
// words and name them in its code's, which its commits use. On
// this repository's history, whose questions (verdigris-2.json) are as
// hard for word matching as the ones our goals are stated for, hybrid
// MRR rose from 0.290 to 0.339; see docs/benchmarks.md. nil when the
// index holds no paragraphs, or semantic search is unavailable (the
// weights were measured beside it).
func (s *Searcher) fedBack(ctx context.Context, terms []string, t Tuning, allow *idSet, n int) ([]scored, error) {
	if s.paragraphs == 0 || s.emb == nil || t.DocWeight <= 0 || t.DocTerms <= 0 || t.DocParagraphs <= 0 {
		return nil, nil
	}
	more, err := s.st.FeedbackTerms(ctx, terms, t.DocParagraphs, t.DocTerms)
	if err != nil || len(more) == 0 {
		return nil, err
	}
	hits, _, err := s.lexical(ctx, more, nil, allow, n)
	return hits, err
}
