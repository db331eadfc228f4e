package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// Tips reads the ref tips the last complete index run ended at.
func (s *Store) Tips(ctx context.Context) (map[string]string, error) {
	v, err := s.Meta(ctx, "tips")
	if err != nil || v == "" {
		return map[string]string{}, err
	}
	tips := map[string]string{}
	return tips, json.Unmarshal([]byte(v), &tips)
}

// SetTips records the ref tips an index run has fully indexed.
func (b *Batch) SetTips(tips map[string]string) error {
	data, err := json.Marshal(tips)
	if err != nil {
		return err
	}
	return b.SetMeta("tips", string(data))
}

// Model is the stored built-in embedder model. Its weights are a file in
// the state directory, not a row: a search maps it into memory and reads
// only the pages of the query's terms, where reading a blob of several
// megabytes out of SQLite would cost more than the whole search.
type Model struct {
	ID      string
	File    string // name in the state directory
	Commits int64  // commits in the corpus it was trained on
	Created time.Time
}

// Model reads the stored built-in model's row; nil when there is none.
func (s *Store) Model(ctx context.Context) (*Model, error) {
	var m Model
	var created int64
	err := s.db.QueryRowContext(ctx, `SELECT id, file, commits, created FROM models ORDER BY created DESC LIMIT 1`).Scan(&m.ID, &m.File, &m.Commits, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	m.Created = time.Unix(created, 0).UTC()
	return &m, nil
}

// SetModel replaces the stored built-in model (its file is written
// first).
func (b *Batch) SetModel(m *Model) error {
	if _, err := b.tx.ExecContext(b.ctx, `DELETE FROM models`); err != nil {
		return err
	}
	_, err := b.tx.ExecContext(b.ctx, `INSERT INTO models(id, file, commits, created) VALUES(?,?,?,?)`, m.ID, m.File, m.Commits, m.Created.Unix())
	return err
}
