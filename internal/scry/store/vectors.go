package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// ChunkSize is how many vectors one row holds: a search reads a few
// hundred rows at 50,000 commits, and appending one commit rewrites one
// small row.
const ChunkSize = 256

// Chunk is one row of packed vectors: Vecs holds N×Dim int8 components,
// vector i scaled by Scales[i].
type Chunk struct {
	ID     int64
	IDs    []int64
	Scales []float32
	Vecs   []int8
	Dim    int
}

// Quantize turns an L2-normalised vector into int8 components and the
// scale that restores them (component ≈ q × scale).
func Quantize(v []float32, dst []int8) float32 {
	var m float32
	for _, x := range v {
		if a := float32(math.Abs(float64(x))); a > m {
			m = a
		}
	}
	if m == 0 {
		for i := range dst[:len(v)] {
			dst[i] = 0
		}
		return 0
	}
	scale := m / 127
	inv := 1 / scale
	for i, x := range v {
		dst[i] = int8(math.Round(float64(x * inv)))
	}
	return scale
}

func decodeChunk(id int64, n, dim int, ids, scales, vecs []byte) (*Chunk, error) {
	if len(ids) != 8*n || len(scales) != 4*n || len(vecs) != n*dim {
		return nil, fmt.Errorf("vector chunk %d is damaged (%d ids, dim %d)", id, n, dim)
	}
	c := &Chunk{ID: id, Dim: dim, IDs: make([]int64, n), Scales: make([]float32, n), Vecs: make([]int8, n*dim)}
	for i := 0; i < n; i++ {
		c.IDs[i] = int64(binary.LittleEndian.Uint64(ids[8*i:]))
		c.Scales[i] = math.Float32frombits(binary.LittleEndian.Uint32(scales[4*i:]))
	}
	for i, b := range vecs {
		c.Vecs[i] = int8(b)
	}
	return c, nil
}

func (c *Chunk) encode() (ids, scales, vecs []byte) {
	ids = make([]byte, 8*len(c.IDs))
	scales = make([]byte, 4*len(c.IDs))
	for i, id := range c.IDs {
		binary.LittleEndian.PutUint64(ids[8*i:], uint64(id))
		binary.LittleEndian.PutUint32(scales[4*i:], math.Float32bits(c.Scales[i]))
	}
	vecs = make([]byte, len(c.Vecs))
	for i, v := range c.Vecs {
		vecs[i] = byte(v)
	}
	return ids, scales, vecs
}

// VectorSpace identifies the vectors in the index: the embedder that made
// them and the generation number their chunks carry.
type VectorSpace struct {
	Gen      int64
	Embedder string
	Dim      int
}

// VectorSpace reads the current vector space (Gen 0: none yet).
func (s *Store) VectorSpace(ctx context.Context) (VectorSpace, error) {
	var vs VectorSpace
	gen, err := s.MetaInt(ctx, "vec_gen")
	if err != nil {
		return vs, err
	}
	dim, err := s.MetaInt(ctx, "vec_dim")
	if err != nil {
		return vs, err
	}
	emb, err := s.Meta(ctx, "vec_embedder")
	return VectorSpace{Gen: gen, Embedder: emb, Dim: int(dim)}, err
}

// NewVectorSpace starts a generation for another embedder: commits are
// re-embedded into it, and the old generation's vectors are dropped.
func (b *Batch) NewVectorSpace(embedder string, dim int) (VectorSpace, error) {
	var gen int64
	if err := b.tx.QueryRowContext(b.ctx, `SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'vec_gen'), 0) + 1`).Scan(&gen); err != nil {
		return VectorSpace{}, err
	}
	for _, q := range []string{`DELETE FROM vec_chunks`, `UPDATE commits SET vec_gen = 0, vec_chunk = 0`} {
		if _, err := b.tx.ExecContext(b.ctx, q); err != nil {
			return VectorSpace{}, err
		}
	}
	for k, v := range map[string]string{"vec_gen": fmt.Sprint(gen), "vec_dim": fmt.Sprint(dim), "vec_embedder": embedder, "cache_rebuild": "1"} {
		if err := b.SetMeta(k, v); err != nil {
			return VectorSpace{}, err
		}
	}
	return VectorSpace{Gen: gen, Embedder: embedder, Dim: dim}, b.bumpCache()
}

// AddVectors appends the vectors of commits ids to the space, filling the
// last partial chunk first.
func (b *Batch) AddVectors(vs VectorSpace, ids []int64, vecs [][]float32) error {
	if len(ids) != len(vecs) {
		return errors.New("store: ids and vectors differ in number")
	}
	if err := b.bumpCache(); err != nil {
		return err
	}
	for len(ids) > 0 {
		c, err := b.openChunk(vs)
		if err != nil {
			return err
		}
		for len(ids) > 0 && len(c.IDs) < ChunkSize {
			if len(vecs[0]) != vs.Dim {
				return fmt.Errorf("store: vector of dimension %d in a space of %d", len(vecs[0]), vs.Dim)
			}
			q := make([]int8, vs.Dim)
			c.Scales = append(c.Scales, Quantize(vecs[0], q))
			c.Vecs = append(c.Vecs, q...)
			c.IDs = append(c.IDs, ids[0])
			ids, vecs = ids[1:], vecs[1:]
		}
		if err := b.writeChunk(vs, c); err != nil {
			return err
		}
	}
	return nil
}

// openChunk returns the space's last chunk when it has room, else a new
// empty one.
func (b *Batch) openChunk(vs VectorSpace) (*Chunk, error) {
	var id int64
	var n int
	var ids, scales, vecs []byte
	err := b.tx.QueryRowContext(b.ctx, `SELECT id, n, ids, scales, vecs FROM vec_chunks WHERE gen = ? ORDER BY id DESC LIMIT 1`, vs.Gen).Scan(&id, &n, &ids, &scales, &vecs)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && n >= ChunkSize) {
		return &Chunk{Dim: vs.Dim}, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeChunk(id, n, vs.Dim, ids, scales, vecs)
}

func (b *Batch) writeChunk(vs VectorSpace, c *Chunk) error {
	ids, scales, vecs := c.encode()
	if c.ID == 0 {
		res, err := b.tx.ExecContext(b.ctx, `INSERT INTO vec_chunks(gen, n, ids, scales, vecs) VALUES(?,?,?,?,?)`, vs.Gen, len(c.IDs), ids, scales, vecs)
		if err != nil {
			return err
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return err
		}
	} else if _, err := b.tx.ExecContext(b.ctx, `UPDATE vec_chunks SET n = ?, ids = ?, scales = ?, vecs = ? WHERE id = ?`, len(c.IDs), ids, scales, vecs, c.ID); err != nil {
		return err
	}
	st, err := b.tx.PrepareContext(b.ctx, `UPDATE commits SET vec_gen = ?, vec_chunk = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, id := range c.IDs {
		if _, err := st.ExecContext(b.ctx, vs.Gen, c.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// removeVectors takes commits' vectors out of their chunks.
func (b *Batch) removeVectors(ids []int64) error {
	drop := map[int64]bool{}
	chunks := map[int64]bool{}
	for _, id := range ids {
		var chunk int64
		err := b.tx.QueryRowContext(b.ctx, `SELECT vec_chunk FROM commits WHERE id = ?`, id).Scan(&chunk)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		drop[id] = true
		if chunk != 0 {
			chunks[chunk] = true
		}
	}
	if len(chunks) > 0 {
		if err := b.bumpCache(); err != nil {
			return err
		}
	}
	for chunk := range chunks {
		var gen int64
		var n int
		var idb, scales, vecs []byte
		err := b.tx.QueryRowContext(b.ctx, `SELECT gen, n, ids, scales, vecs FROM vec_chunks WHERE id = ?`, chunk).Scan(&gen, &n, &idb, &scales, &vecs)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		dim := 0
		if n > 0 {
			dim = len(vecs) / n
		}
		c, err := decodeChunk(chunk, n, dim, idb, scales, vecs)
		if err != nil {
			return err
		}
		kept := &Chunk{ID: c.ID, Dim: dim}
		for i, id := range c.IDs {
			if !drop[id] {
				kept.IDs = append(kept.IDs, id)
				kept.Scales = append(kept.Scales, c.Scales[i])
				kept.Vecs = append(kept.Vecs, c.Vecs[i*dim:(i+1)*dim]...)
			}
		}
		if len(kept.IDs) == 0 {
			if _, err := b.tx.ExecContext(b.ctx, `DELETE FROM vec_chunks WHERE id = ?`, chunk); err != nil {
				return err
			}
			continue
		}
		ki, ks, kv := kept.encode()
		if _, err := b.tx.ExecContext(b.ctx, `UPDATE vec_chunks SET n = ?, ids = ?, scales = ?, vecs = ? WHERE id = ?`, len(kept.IDs), ki, ks, kv, chunk); err != nil {
			return err
		}
	}
	return nil
}

// ScanVectors hands every chunk of the space to fn. The chunk and its
// slices are valid only during the call.
func (s *Store) ScanVectors(ctx context.Context, vs VectorSpace, fn func(*Chunk) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, n, ids, scales, vecs FROM vec_chunks WHERE gen = ?`, vs.Gen)
	if err != nil {
		return err
	}
	defer rows.Close()
	c := &Chunk{Dim: vs.Dim}
	for rows.Next() {
		var id int64
		var n int
		var ids, scales, vecs sql.RawBytes
		if err := rows.Scan(&id, &n, &ids, &scales, &vecs); err != nil {
			return err
		}
		if len(ids) != 8*n || len(scales) != 4*n || len(vecs) != n*vs.Dim {
			return fmt.Errorf("vector chunk %d is damaged", id)
		}
		c.ID = id
		c.IDs = c.IDs[:0]
		c.Scales = c.Scales[:0]
		for i := 0; i < n; i++ {
			c.IDs = append(c.IDs, int64(binary.LittleEndian.Uint64(ids[8*i:])))
			c.Scales = append(c.Scales, math.Float32frombits(binary.LittleEndian.Uint32(scales[4*i:])))
		}
		// The components are read in place: int8 and byte share a layout,
		// and the row's bytes stay valid until the next row.
		c.Vecs = nil
		if len(vecs) > 0 {
			c.Vecs = unsafe.Slice((*int8)(unsafe.Pointer(&vecs[0])), len(vecs))
		}
		if err := fn(c); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Unembedded lists commits without a vector in the space, oldest id first.
func (s *Store) Unembedded(ctx context.Context, vs VectorSpace, limit int) ([]int64, error) {
	return s.ids(ctx, `SELECT id FROM commits WHERE vec_gen < ? LIMIT ?`, vs.Gen, limit)
}

// CountUnembedded is the number of commits without a vector in the space.
func (s *Store) CountUnembedded(ctx context.Context, vs VectorSpace) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM commits WHERE vec_gen < ?`, vs.Gen).Scan(&n)
	return n, err
}
