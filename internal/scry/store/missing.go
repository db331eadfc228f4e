package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"strconv"
	"strings"
)

// The objects a degraded commit lacked (the missing table, schema.go).

// addMissing records the objects the commit of this id lacked.
func (b *Batch) addMissing(id int64, oids []string) error {
	if len(oids) == 0 {
		return nil
	}
	if b.insMissing == nil {
		var err error
		if b.insMissing, err = b.tx.PrepareContext(b.ctx, `INSERT OR IGNORE INTO missing(oid, commit_id) VALUES(?, ?)`); err != nil {
			return err
		}
	}
	for _, o := range oids {
		raw, err := hex.DecodeString(o)
		if err != nil || len(raw) == 0 {
			continue // no object name: nothing would ever bring it
		}
		if _, err := b.insMissing.ExecContext(b.ctx, raw, id); err != nil {
			return err
		}
	}
	return nil
}

// SetMissing replaces what the commits of these ids are recorded to lack
// (an id mapped to nil: nothing is known, they are looked at the old
// way), in one transaction.
func (s *Store) SetMissing(ctx context.Context, missing map[int64][]string) error {
	if len(missing) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	b := &Batch{s: s, tx: tx, ctx: ctx}
	defer func() {
		if b.insMissing != nil {
			b.insMissing.Close()
		}
	}()
	for id, oids := range missing {
		if _, err := tx.ExecContext(ctx, `DELETE FROM missing WHERE commit_id = ?`, id); err != nil {
			return err
		}
		if err := b.addMissing(id, oids); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// LackingAny returns the commits recorded to lack one of these objects
// (raw names), one lookup each: for the few hundred objects of a fetch.
func (s *Store) LackingAny(ctx context.Context, oids [][]byte) (map[int64]bool, error) {
	out := map[int64]bool{}
	st, err := s.db.PrepareContext(ctx, `SELECT commit_id FROM missing WHERE oid = ?`)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for _, o := range oids {
		rows, err := st.QueryContext(ctx, o)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// EachMissing calls fn with every recorded pair: for a pack of more
// objects than there are pairs (a repack's), where looking its objects
// up would cost more.
func (s *Store) EachMissing(ctx context.Context, fn func(oid []byte, id int64)) error {
	rows, err := s.db.QueryContext(ctx, `SELECT oid, commit_id FROM missing`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var oid sql.RawBytes
	var id int64
	for rows.Next() {
		if err := rows.Scan(&oid, &id); err != nil {
			return err
		}
		fn(oid, id)
	}
	return rows.Err()
}

// MissingOf returns the objects (hex) the commits of these ids are
// recorded to lack, and their hashes; ids of no commit (an older git scry
// deleted it) are left out, their rows deleted.
func (s *Store) MissingOf(ctx context.Context, ids []int64) (oids map[string][]string, hashes map[string]int64, err error) {
	oids, hashes = map[string][]string{}, map[string]int64{}
	st, err := s.db.PrepareContext(ctx, `SELECT c.hash, m.oid FROM missing m LEFT JOIN commits c ON c.id = m.commit_id WHERE m.commit_id = ?`)
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	var gone []string
	for _, id := range ids {
		rows, err := st.QueryContext(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var h sql.NullString
			var oid []byte
			if err := rows.Scan(&h, &oid); err != nil {
				rows.Close()
				return nil, nil, err
			}
			if !h.Valid {
				gone = append(gone, strconv.FormatInt(id, 10))
				break
			}
			hashes[h.String] = id
			oids[h.String] = append(oids[h.String], hex.EncodeToString(oid))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	if len(gone) > 0 {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM missing WHERE commit_id IN (`+strings.Join(gone, ",")+`)`); err != nil {
			return nil, nil, err
		}
	}
	return oids, hashes, nil
}

// Unrecorded maps the hash of every degraded commit with nothing recorded
// of what it lacks to its id.
func (s *Store) Unrecorded(ctx context.Context) (map[string]int64, error) {
	return s.idsByName(ctx, `SELECT id, hash FROM commits WHERE flags & `+strconv.Itoa(FlagNoPatch|FlagNoFiles)+` != 0
		AND NOT EXISTS (SELECT 1 FROM missing WHERE commit_id = commits.id)`)
}

// DegradedIDs lists the ids of the degraded commits, up to limit,
// through the partial index of their flags.
func (s *Store) DegradedIDs(ctx context.Context, limit int) ([]int64, error) {
	return s.ids(ctx, `SELECT id FROM commits WHERE flags & `+strconv.Itoa(FlagNoPatch|FlagNoFiles)+` != 0 LIMIT ?`, limit)
}
