package store

import (
	"context"
	"strings"
)

// Session is a working session found from its tags: the commits after
// Start up to End belong to it. End is "" while the session is open (its
// commits then run up to HEAD).
type Session struct {
	Name  string // "<id>-<agent>", the part of the tag names they share
	ID    string
	Agent string
	Start string // commit of the start tag
	End   string // commit of the end tag, or HEAD's while open
}

// Sessions reads every known session by name.
func (s *Store) Sessions(ctx context.Context) (map[string]Session, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, id, agent, start, end FROM sessions`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]Session{}
	for rows.Next() {
		var x Session
		if err := rows.Scan(&x.Name, &x.ID, &x.Agent, &x.Start, &x.End); err != nil {
			return nil, err
		}
		m[x.Name] = x
	}
	return m, rows.Err()
}

// SetSession records a session and the commits that belong to it,
// replacing what was known of it.
func (b *Batch) SetSession(x Session, commits []string) error {
	if err := b.DeleteSession(x.Name); err != nil {
		return err
	}
	if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO sessions(name, id, agent, start, end) VALUES(?,?,?,?,?)`, x.Name, x.ID, x.Agent, x.Start, x.End); err != nil {
		return err
	}
	st, err := b.tx.PrepareContext(b.ctx, `INSERT OR IGNORE INTO commit_sessions(hash, session) VALUES(?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, h := range commits {
		if _, err := st.ExecContext(b.ctx, h, x.ID); err != nil {
			return err
		}
	}
	return nil
}

// DeleteSession forgets a session (its tags are gone).
func (b *Batch) DeleteSession(name string) error {
	var id string
	err := b.tx.QueryRowContext(b.ctx, `SELECT id FROM sessions WHERE name = ?`, name).Scan(&id)
	if err != nil {
		return nil // not known
	}
	if _, err := b.tx.ExecContext(b.ctx, `DELETE FROM commit_sessions WHERE session = ?`, id); err != nil {
		return err
	}
	_, err = b.tx.ExecContext(b.ctx, `DELETE FROM sessions WHERE name = ?`, name)
	return err
}

// SessionsOf returns the sessions each of the given commits belongs to.
func (s *Store) SessionsOf(ctx context.Context, hashes []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(hashes) == 0 {
		return out, nil
	}
	args := make([]any, len(hashes))
	for i, h := range hashes {
		args[i] = h
	}
	rows, err := s.db.QueryContext(ctx, `SELECT hash, session FROM commit_sessions WHERE hash IN (?`+strings.Repeat(",?", len(hashes)-1)+`) ORDER BY session`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h, sess string
		if err := rows.Scan(&h, &sess); err != nil {
			return nil, err
		}
		out[h] = append(out[h], sess)
	}
	return out, rows.Err()
}
