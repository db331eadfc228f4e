package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"syscall"
	"unsafe"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
)

// The search cache is what a search needs of the index besides the FTS
// posting lists, in one file laid out for mapping into memory: the
// vectors of the current space and every commit's length in terms (for
// bm25). A search then reads no rows for them and copies nothing.
//
// The database stays the truth: the cache carries the content version
// (meta cache_version, bumped by every batch that changes commits or
// vectors), and a search that finds it stale, missing or damaged reads
// the database instead. The indexer rewrites it after every run that
// changed the index.
//
//	"SCRYCAC1" | version u64 | gen u64 | tokens u64 |
//	dim u32 | n u32 | maxID u32 | rows u32 |
//	ids [n]i64 | scales [n]f32 | vecs [n·dim]i8, padded to 4 |
//	lengths [maxID+1]u32                          (little endian)
const (
	cacheMagic  = "SCRYCAC1"
	cacheHeader = 48
)

// CacheName is the search cache's file name in the state directory.
const CacheName = "scry-cache.bin"

// Cache is a mapped search cache.
type Cache struct {
	// Vectors of the current space as one chunk; nil when there are none.
	Vectors *Chunk
	// Lengths[id] is commit id's length in terms, as FTS5 counts it.
	Lengths []uint32
	Rows    int     // commits
	AvgLen  float64 // mean of Lengths over the commits
}

// CacheVersion is the number of changes the index's content has seen.
func (s *Store) CacheVersion(ctx context.Context) (int64, error) {
	return s.MetaInt(ctx, "cache_version")
}

// bumpCache marks the batch as changing the content the cache copies.
func (b *Batch) bumpCache() error {
	if b.bumped {
		return nil
	}
	b.bumped = true
	_, err := b.tx.ExecContext(b.ctx, `INSERT INTO meta(key, value) VALUES('cache_version', '1')
		ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1`)
	return err
}

// WriteCache rewrites the cache at path from the database, unless it is
// current.
func (s *Store) WriteCache(ctx context.Context, path string) error {
	version, err := s.CacheVersion(ctx)
	if err != nil {
		return err
	}
	vs, err := s.VectorSpace(ctx)
	if err != nil {
		return err
	}
	if f, err := os.Open(path); err == nil {
		hdr := make([]byte, cacheHeader)
		_, rerr := f.ReadAt(hdr, 0)
		f.Close()
		le := binary.LittleEndian
		if rerr == nil && string(hdr[:8]) == cacheMagic && int64(le.Uint64(hdr[8:])) == version && int64(le.Uint64(hdr[16:])) == vs.Gen {
			return nil
		}
	}
	var ids []int64
	var scales []float32
	var vecs []int8
	if vs.Gen > 0 {
		err = s.ScanVectors(ctx, vs, func(c *Chunk) error {
			ids = append(ids, c.IDs...)
			scales = append(scales, c.Scales...)
			vecs = append(vecs, c.Vecs...)
			return nil
		})
		if err != nil {
			return err
		}
	}
	lengths, tokens, rows, err := s.Lengths(ctx)
	if err != nil {
		return err
	}
	for len(vecs)%4 != 0 {
		vecs = append(vecs, 0)
	}
	le := binary.LittleEndian
	buf := bytes.NewBuffer(make([]byte, 0, cacheHeader+12*len(ids)+len(vecs)+4*len(lengths)))
	buf.WriteString(cacheMagic)
	for _, v := range []any{uint64(version), uint64(vs.Gen), uint64(tokens), uint32(vs.Dim), uint32(len(ids)), uint32(len(lengths) - 1), uint32(rows), ids, scales, vecs, lengths} {
		if err := binary.Write(buf, le, v); err != nil {
			return err
		}
	}
	return atomicfile.Write(path, buf.Bytes(), 0o644)
}

// Lengths reads every commit's length in terms, as FTS5 counts it for
// bm25 (its record of each row's column sizes, varints), indexed by commit
// id, with their total and the number of commits.
func (s *Store) Lengths(ctx context.Context) (lengths []uint32, tokens int64, rows int, err error) {
	var maxID int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM commits`).Scan(&maxID); err != nil {
		return nil, 0, 0, err
	}
	lengths = make([]uint32, maxID+1)
	r, err := s.db.QueryContext(ctx, `SELECT id, sz FROM fts_docsize`)
	if err != nil {
		return nil, 0, 0, err
	}
	defer r.Close()
	for r.Next() {
		var id int64
		var sz []byte
		if err := r.Scan(&id, &sz); err != nil {
			return nil, 0, 0, err
		}
		var n uint64
		for len(sz) > 0 {
			v, k := binary.Uvarint(sz)
			if k <= 0 {
				return nil, 0, 0, errors.New("damaged FTS document size")
			}
			n += v
			sz = sz[k:]
		}
		if id >= 0 && id <= maxID {
			lengths[id] = uint32(n)
		}
		tokens += int64(n)
		rows++
	}
	return lengths, tokens, rows, r.Err()
}

// ErrStaleCache says the cache does not hold the index's current content.
var ErrStaleCache = errors.New("search cache is stale")

// OpenCache maps the cache and checks that it holds the index's content
// at version, with the vectors of space vs. The mapping lives as long as
// the process.
func OpenCache(path string, vs VectorSpace, version int64) (*Cache, error) {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		return nil, ErrStaleCache // the layout is little endian
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() < cacheHeader {
		return nil, ErrStaleCache
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	tokens := le.Uint64(data[24:])
	dim, n, maxID, rows := int(le.Uint32(data[32:])), int(le.Uint32(data[36:])), int(le.Uint32(data[40:])), int(le.Uint32(data[44:]))
	vecBytes := (n*dim + 3) &^ 3
	lenAt := cacheHeader + 12*n + vecBytes
	if string(data[:8]) != cacheMagic || int64(le.Uint64(data[8:])) != version || int64(le.Uint64(data[16:])) != vs.Gen ||
		(n > 0 && dim != vs.Dim) || len(data) != lenAt+4*(maxID+1) {
		syscall.Munmap(data)
		return nil, ErrStaleCache
	}
	c := &Cache{Rows: rows, Lengths: unsafe.Slice((*uint32)(unsafe.Pointer(&data[lenAt])), maxID+1)}
	if rows > 0 {
		c.AvgLen = float64(tokens) / float64(rows)
	}
	if n > 0 {
		c.Vectors = &Chunk{
			Dim:    dim,
			IDs:    unsafe.Slice((*int64)(unsafe.Pointer(&data[cacheHeader])), n),
			Scales: unsafe.Slice((*float32)(unsafe.Pointer(&data[cacheHeader+8*n])), n),
			Vecs:   unsafe.Slice((*int8)(unsafe.Pointer(&data[cacheHeader+12*n])), n*dim),
		}
	}
	return c, nil
}
