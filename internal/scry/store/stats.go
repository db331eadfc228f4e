package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strconv"
	"time"
)

// Stats describe what the index holds.
type Stats struct {
	Commits     int64  `json:"commits"`
	Paths       int64  `json:"files"`
	Pairs       int64  `json:"cochange_pairs"`
	Sessions    int64  `json:"sessions"`
	NoPatch     int64  `json:"without_diff"`
	NoFiles     int64  `json:"without_files"`
	Capped      int64  `json:"diff_capped"`
	Embedded    int64  `json:"embedded"`
	Embedder    string `json:"embedder"`
	EmbedReason string `json:"embedder_reason"`
	// EmbedFailed is why the last index run could not embed the commits
	// still without a vector ("" when it did not fail).
	EmbedFailed string     `json:"embed_failed,omitempty"`
	Dim         int        `json:"dim"`
	Model       string     `json:"builtin_model"`
	ModelOn     int64      `json:"builtin_model_commits"`
	Indexed     *time.Time `json:"indexed"` // nil until a run completes
	Shallow     bool       `json:"shallow"`
	Partial     bool       `json:"partial"`
	Bytes       int64      `json:"bytes"`
	// Paragraphs: the document paragraphs kept for document feedback,
	// read when the index held ParagraphsOn commits (0: never read).
	// ParagraphsLost: their table is gone from the index (DocumentsLost),
	// and both are 0 until an index run reads them again.
	Paragraphs     int64 `json:"document_paragraphs"`
	ParagraphsOn   int64 `json:"document_paragraphs_commits"`
	ParagraphsLost bool  `json:"document_paragraphs_lost"`
}

// Stats reads the index's figures.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	st := &Stats{}
	db := s.db
	for _, q := range []struct {
		dst *int64
		sql string
	}{
		{&st.Commits, `SELECT count(*) FROM commits`},
		// Paths keep their ids when the commits that changed them are
		// pruned; only those some indexed commit changed count.
		{&st.Paths, `SELECT count(*) FROM paths p WHERE EXISTS (SELECT 1 FROM files f WHERE f.path_id = p.id)`},
		{&st.Pairs, `SELECT count(*) / 2 FROM cochange`},
		{&st.Sessions, `SELECT count(*) FROM sessions`},
		{&st.NoPatch, `SELECT count(*) FROM commits WHERE flags & 1`},
		{&st.NoFiles, `SELECT count(*) FROM commits WHERE flags & 4`},
		{&st.Capped, `SELECT count(*) FROM commits WHERE flags & 2`},
	} {
		if err := db.QueryRowContext(ctx, q.sql).Scan(q.dst); err != nil {
			return nil, err
		}
	}
	vs, err := s.VectorSpace(ctx)
	if err != nil {
		return nil, err
	}
	if vs.Gen > 0 {
		st.Embedder, st.Dim = vs.Embedder, vs.Dim
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM commits WHERE vec_gen = ?`, vs.Gen).Scan(&st.Embedded); err != nil {
			return nil, err
		}
		st.EmbedReason, _ = s.Meta(ctx, "vec_reason")
		if st.Embedded < st.Commits {
			st.EmbedFailed, _ = s.Meta(ctx, "embed_failed")
		}
	}
	m, err := s.Model(ctx)
	if err != nil {
		return nil, err
	}
	if m != nil {
		st.Model, st.ModelOn = m.ID, m.Commits
	}
	if v, _ := s.MetaInt(ctx, "indexed"); v > 0 {
		t := time.Unix(v, 0).UTC()
		st.Indexed = &t
	}
	st.Paragraphs, _ = s.DocumentParagraphs(ctx)
	if st.ParagraphsLost, _ = s.DocumentsLost(ctx); !st.ParagraphsLost {
		st.ParagraphsOn, _ = s.DocumentsRead(ctx)
	}
	sh, _ := s.Meta(ctx, "shallow")
	st.Shallow, _ = strconv.ParseBool(sh)
	pa, _ := s.Meta(ctx, "partial")
	st.Partial, _ = strconv.ParseBool(pa)
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(s.path + suffix); err == nil {
			st.Bytes += fi.Size()
		}
	}
	return st, nil
}

// Readable reads a row of every table: an index that opens can still
// have lost a table or the pages that begin one (a damaged disk, a
// half-copied file), and every search or related run would fail on it.
// What a full integrity check would find deeper is not looked for: it
// reads the whole file.
func (s *Store) Readable(ctx context.Context) error {
	for _, t := range tables {
		var one int
		err := s.db.QueryRowContext(ctx, `SELECT 1 FROM `+t+` LIMIT 1`).Scan(&one)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	return nil
}
