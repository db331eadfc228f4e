package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
)

// The search cache is what a search needs of the index, in one file laid
// out for mapping into memory: the vectors of the current space, every
// commit's length in terms (for bm25) and author date (for date filters
// and the neighbours of a hit) and, for a history of PostingsFrom
// commits or more, the FTS table's posting lists (postings.go). A search
// then reads no rows for them and copies nothing.
//
// The database stays the truth: the cache carries the content version
// (meta cache_version, bumped by every batch that changes commits or
// vectors), and a search that finds it stale, missing or damaged reads
// the database instead. The indexer rewrites it after every run that
// changed the index, by rename but without waiting for the disk (it is
// derived data, and tens of megabytes): it records the boot it was written
// in, and after a reboot the indexer checks its checksum before trusting
// it, so a file a power cut left torn is rebuilt.
//
//	"SCRYCAC7" | version u64 | gen u64 | tokens u64 |
//	dim u32 | n u32 | maxID u32 | rows u32 | crc32c u32 | postings base u32 | boot [16]byte |
//	terms u32 | term bytes u32 | list bytes u32 | 0 u32 |
//	ids [n]i64 | scales [n]f32 | vecs [n·dim]i8, padded to 4 |
//	lengths [maxID+1]u32, padded to 8 | author times [maxID+1]i64 (NoTime: no such commit) |
//	term offsets [terms+1]u32 | list offsets [terms+1]u32 | term bytes | list bytes
//	                                              (little endian; no postings: terms = 0
//	                                              and the last line is empty)
const (
	cacheMagic  = "SCRYCAC7"
	cacheHeader = 88
)

// castagnoli is the CRC-32C table, built on first use, not when a
// program that may never need it starts.
func castagnoli() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) }

// CacheName is the search cache's file name in the state directory.
const CacheName = "scry-cache.bin"

// Cache is a mapped search cache.
type Cache struct {
	// Vectors of the current space as one chunk; nil when there are none.
	Vectors *Chunk
	// Lengths[id] is commit id's length in terms, as FTS5 counts it.
	Lengths []uint32
	// Times[id] is commit id's author time (Unix seconds), NoTime for an
	// id that no indexed commit has.
	Times  []int64
	Rows   int     // commits
	AvgLen float64 // mean of Lengths over the commits
	// Postings are the FTS posting lists of the commits up to their Base;
	// nil below PostingsFrom commits.
	Postings *Postings
}

// CacheVersion is the number of changes the index's content has seen.
func (s *Store) CacheVersion(ctx context.Context) (int64, error) {
	return s.MetaInt(ctx, "cache_version")
}

// CacheVersionAfter sets the content version past after, the version of
// the index this one is about to replace (Replace): a rebuilt index counts
// its versions from the start, and the old index's cache, still on disk
// until the new one is written, must not look current to a search.
func (s *Store) CacheVersionAfter(ctx context.Context, after int64) error {
	v, err := s.CacheVersion(ctx)
	if err != nil {
		return err
	}
	return s.SetMeta(ctx, "cache_version", strconv.FormatInt(max(v, after)+1, 10))
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

// WriteCache brings the cache at path up to date with the database:
// nothing when it is current, the new commits appended to a copy of it
// when the index only grew (the post-commit hook's case), else rebuilt.
func (s *Store) WriteCache(ctx context.Context, path string) error {
	if binary.NativeEndian.Uint16([]byte{1, 0}) != 1 {
		return nil // the layout is little endian; searches read the database
	}
	version, err := s.CacheVersion(ctx)
	if err != nil {
		return err
	}
	vs, err := s.VectorSpace(ctx)
	if err != nil {
		return err
	}
	rebuild, err := s.Meta(ctx, "cache_rebuild")
	if err != nil {
		return err
	}
	boot := bootID()
	old := readCache(path)
	if old != nil {
		defer syscall.Munmap(old.mapped)
		if old.boot != boot && !old.intact() {
			old = nil // torn by a crash of the machine: start over
		}
	}
	if old != nil && old.version == version && old.gen == vs.Gen {
		return nil
	}
	var c *cacheData
	if old != nil && rebuild == "" && old.gen == vs.Gen && (old.n == 0 || old.dim == vs.Dim) {
		c, err = s.grownCache(ctx, old, vs)
		if err != nil {
			return err
		}
	}
	if c == nil {
		if c, err = s.fullCache(ctx, vs); err != nil {
			return err
		}
	}
	c.version, c.gen, c.boot = version, vs.Gen, boot
	built := false
	if c.rows >= PostingsFrom {
		if old != nil && old.post.count() > 0 && c.maxID-int(old.post.Base) <= postingsTail(c.rows) {
			c.post = old.post // the commits since are read from FTS5
		} else if c.post, err = s.buildPostings(ctx, int64(c.maxID)); err != nil {
			return err
		} else {
			built = true
		}
	}
	if err := c.write(path); err != nil {
		return err
	}
	if built {
		// The lists count what the table kept for these commits.
		if _, err := s.db.ExecContext(ctx, `DELETE FROM repeats WHERE commit_id <= ?`, c.post.Base); err != nil {
			return err
		}
	}
	if rebuild != "" {
		return s.SetMeta(ctx, "cache_rebuild", "")
	}
	return nil
}

// cacheData is a cache's content: read from a file (its sections mapped)
// or to be written (each section in pieces: what was there, what is new).
type cacheData struct {
	version, gen, tokens      int64
	dim, n, rows, maxID       int
	boot                      [16]byte
	crc                       uint32
	ids, scales, vecs, ls, ts [][]byte // the sections, in pieces
	post                      *Postings
	body                      []byte // a read file's bytes after the header
	mapped                    []byte // a read file's mapping
}

func (c *cacheData) intact() bool {
	return c.crc == crc32.Checksum(c.body, castagnoli())
}

// write writes the cache to path by rename, streaming the pieces.
func (c *cacheData) write(path string) error {
	pad := make([]byte, (4-(c.n*c.dim)%4)%4)
	var parts [][]byte
	parts = append(parts, c.ids...)
	parts = append(parts, c.scales...)
	parts = append(parts, c.vecs...)
	parts = append(parts, pad)
	parts = append(parts, c.ls...)
	lenAt, timesAt, _ := cacheOffsets(c.n, c.dim, c.maxID)
	parts = append(parts, make([]byte, timesAt-lenAt-4*(c.maxID+1)))
	parts = append(parts, c.ts...)
	post := c.post
	if post == nil {
		post = &Postings{}
	}
	if post.count() > 0 {
		parts = append(parts, asBytes(post.offs, 4), asBytes(post.loffs, 4), post.terms, post.lists)
	}
	var crc uint32
	for _, p := range parts {
		crc = crc32.Update(crc, castagnoli(), p)
	}
	le := binary.LittleEndian
	hdr := make([]byte, cacheHeader)
	copy(hdr, cacheMagic)
	le.PutUint64(hdr[8:], uint64(c.version))
	le.PutUint64(hdr[16:], uint64(c.gen))
	le.PutUint64(hdr[24:], uint64(c.tokens))
	le.PutUint32(hdr[32:], uint32(c.dim))
	le.PutUint32(hdr[36:], uint32(c.n))
	le.PutUint32(hdr[40:], uint32(c.maxID))
	le.PutUint32(hdr[44:], uint32(c.rows))
	le.PutUint32(hdr[48:], crc)
	le.PutUint32(hdr[52:], uint32(post.Base))
	copy(hdr[56:72], c.boot[:])
	le.PutUint32(hdr[72:], uint32(post.count()))
	le.PutUint32(hdr[76:], uint32(len(post.terms)))
	le.PutUint32(hdr[80:], uint32(len(post.lists)))
	// Not synced: a cache lost to a power cut is made again.
	return atomicfile.WriteParts(path, append([][]byte{hdr}, parts...), 0o644, false)
}

// readCache maps the cache file at path; nil when it is missing or not a
// cache of this format.
func readCache(path string) *cacheData {
	data, err := MapFile(path)
	if err != nil {
		return nil
	}
	if len(data) < cacheHeader || string(data[:8]) != cacheMagic {
		syscall.Munmap(data)
		return nil
	}
	le := binary.LittleEndian
	c := &cacheData{
		version: int64(le.Uint64(data[8:])), gen: int64(le.Uint64(data[16:])), tokens: int64(le.Uint64(data[24:])),
		dim: int(le.Uint32(data[32:])), n: int(le.Uint32(data[36:])), maxID: int(le.Uint32(data[40:])), rows: int(le.Uint32(data[44:])),
		crc: le.Uint32(data[48:]), body: data[cacheHeader:], mapped: data,
	}
	copy(c.boot[:], data[56:72])
	lenAt, timesAt, postAt := cacheOffsets(c.n, c.dim, c.maxID)
	post, ok := postingsAt(data, postAt)
	if !ok {
		syscall.Munmap(data)
		return nil
	}
	c.ids = [][]byte{data[cacheHeader : cacheHeader+8*c.n]}
	c.scales = [][]byte{data[cacheHeader+8*c.n : cacheHeader+12*c.n]}
	c.vecs = [][]byte{data[cacheHeader+12*c.n : cacheHeader+12*c.n+c.n*c.dim]}
	c.ls = [][]byte{data[lenAt : lenAt+4*(c.maxID+1)]}
	c.ts = [][]byte{data[timesAt:postAt]}
	c.post = post
	return c
}

// cacheOffsets gives where a cache file's lengths, author times and
// posting lists start: the times are 8-aligned, so that a mapped file
// (page-aligned) can be read as []int64.
func cacheOffsets(n, dim, maxID int) (lenAt, timesAt, postAt int) {
	lenAt = cacheHeader + 12*n + (n*dim+3)&^3
	timesAt = (lenAt + 4*(maxID+1) + 7) &^ 7
	return lenAt, timesAt, timesAt + 8*(maxID+1)
}

// postingsAt reads the postings section that starts at offset at of a
// cache file (its sizes are in the header) and must end the file: nil
// when there is none, false when the sizes do not add up.
func postingsAt(data []byte, at int) (*Postings, bool) {
	le := binary.LittleEndian
	if at > len(data) {
		return nil, false
	}
	nterms, termBytes, listBytes := int(le.Uint32(data[72:])), int(le.Uint32(data[76:])), int(le.Uint32(data[80:]))
	if nterms == 0 {
		return nil, at == len(data)
	}
	if len(data)-at != 8*(nterms+1)+termBytes+listBytes {
		return nil, false
	}
	p := &Postings{
		Base:  int64(le.Uint32(data[52:])),
		offs:  unsafe.Slice((*uint32)(unsafe.Pointer(&data[at])), nterms+1),
		loffs: unsafe.Slice((*uint32)(unsafe.Pointer(&data[at+4*(nterms+1)])), nterms+1),
	}
	p.terms = data[at+8*(nterms+1) : at+8*(nterms+1)+termBytes]
	p.lists = data[at+8*(nterms+1)+termBytes:]
	// Offsets that run backwards or past their section would make a
	// lookup slice out of range: such a file is not used.
	for i, prevT, prevL := 0, uint32(0), uint32(0); i <= nterms; i++ {
		if p.offs[i] < prevT || p.loffs[i] < prevL || int(p.offs[i]) > termBytes || int(p.loffs[i]) > listBytes {
			return nil, false
		}
		prevT, prevL = p.offs[i], p.loffs[i]
	}
	return p, true
}

// fullCache reads everything from the database.
func (s *Store) fullCache(ctx context.Context, vs VectorSpace) (*cacheData, error) {
	c := &cacheData{dim: vs.Dim}
	var ids []int64
	var scales []float32
	var vecs []int8
	if vs.Gen > 0 {
		err := s.ScanVectors(ctx, vs, func(ch *Chunk) error {
			ids = append(ids, ch.IDs...)
			scales = append(scales, ch.Scales...)
			vecs = append(vecs, ch.Vecs...)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	lengths, tokens, rows, err := s.lengthsFrom(ctx, 0)
	if err != nil {
		return nil, err
	}
	times, err := s.timesFrom(ctx, 0, len(lengths))
	if err != nil {
		return nil, err
	}
	c.n, c.maxID, c.tokens, c.rows = len(ids), len(lengths)-1, tokens, rows
	c.ids, c.scales, c.vecs, c.ls = [][]byte{asBytes(ids, 8)}, [][]byte{asBytes(scales, 4)}, [][]byte{asBytes(vecs, 1)}, [][]byte{asBytes(lengths, 4)}
	c.ts = [][]byte{asBytes(times, 8)}
	return c, nil
}

// grownCache is old plus the commits added since (ids above old's), or
// nil when the index changed otherwise (then it is rebuilt).
func (s *Store) grownCache(ctx context.Context, old *cacheData, vs VectorSpace) (*cacheData, error) {
	from := int64(old.maxID + 1)
	tail, tokens, rows, err := s.lengthsFrom(ctx, from)
	if err != nil {
		return nil, err
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM commits`).Scan(&total); err != nil {
		return nil, err
	}
	if total != old.rows+rows {
		return nil, nil
	}
	times, err := s.timesFrom(ctx, from, len(tail))
	if err != nil {
		return nil, err
	}
	c := &cacheData{dim: vs.Dim, n: old.n, maxID: old.maxID + len(tail), tokens: old.tokens + tokens, rows: total,
		ids: old.ids, scales: old.scales, vecs: old.vecs, ls: append(old.ls, asBytes(tail, 4)), ts: append(old.ts, asBytes(times, 8))}
	if vs.Gen > 0 {
		var ids []int64
		var scales []float32
		var vecs []int8
		var first sql.NullInt64
		if err := s.db.QueryRowContext(ctx, `SELECT min(vec_chunk) FROM commits WHERE id >= ? AND vec_gen = ?`, from, vs.Gen).Scan(&first); err != nil {
			return nil, err
		}
		if first.Valid {
			rows, err := s.db.QueryContext(ctx, `SELECT id, n, ids, scales, vecs FROM vec_chunks WHERE gen = ? AND id >= ? ORDER BY id`, vs.Gen, first.Int64)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id int64
				var n int
				var idb, sc, vb []byte
				if err := rows.Scan(&id, &n, &idb, &sc, &vb); err != nil {
					rows.Close()
					return nil, err
				}
				ch, err := decodeChunk(id, n, vs.Dim, idb, sc, vb)
				if err != nil {
					rows.Close()
					return nil, err
				}
				for i, cid := range ch.IDs {
					if cid >= from {
						ids = append(ids, cid)
						scales = append(scales, ch.Scales[i])
						vecs = append(vecs, ch.Vecs[i*vs.Dim:(i+1)*vs.Dim]...)
					}
				}
			}
			rows.Close()
		}
		var embedded int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM commits WHERE vec_gen = ?`, vs.Gen).Scan(&embedded); err != nil {
			return nil, err
		}
		if embedded != old.n+len(ids) {
			return nil, nil // older commits got vectors since: rebuild
		}
		c.n += len(ids)
		c.ids = append(c.ids, asBytes(ids, 8))
		c.scales = append(c.scales, asBytes(scales, 4))
		c.vecs = append(c.vecs, asBytes(vecs, 1))
	}
	return c, nil
}

// Lengths reads every commit's length in terms, as FTS5 counts it for
// bm25, indexed by commit id, with their total and the number of commits.
func (s *Store) Lengths(ctx context.Context) (lengths []uint32, tokens int64, rows int, err error) {
	return s.lengthsFrom(ctx, 0)
}

// lengthsFrom reads the lengths of the commits with ids from min on (from
// FTS5's record of each row's column sizes, varints): lengths[i] is commit
// min+i's.
func (s *Store) lengthsFrom(ctx context.Context, min int64) (lengths []uint32, tokens int64, rows int, err error) {
	var maxID int64
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM commits`).Scan(&maxID); err != nil {
		return nil, 0, 0, err
	}
	lengths = make([]uint32, max(maxID+1-min, 0))
	r, err := s.db.QueryContext(ctx, `SELECT id, sz FROM fts_docsize WHERE id >= ?`, min)
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
			v, k := sqliteVarint(sz)
			if k <= 0 {
				return nil, 0, 0, errors.New("damaged FTS document size")
			}
			n += v
			sz = sz[k:]
		}
		if i := id - min; i >= 0 && i < int64(len(lengths)) {
			lengths[i] = uint32(n)
		}
		tokens += int64(n)
		rows++
	}
	return lengths, tokens, rows, r.Err()
}

// NoTime is the author time a search cache gives an id that no indexed
// commit has.
const NoTime = math.MinInt64

// timesFrom reads the author times of the n commit ids from min on:
// times[i] is commit min+i's, NoTime where there is none.
func (s *Store) timesFrom(ctx context.Context, min int64, n int) ([]int64, error) {
	times := make([]int64, n)
	for i := range times {
		times[i] = NoTime
	}
	r, err := s.db.QueryContext(ctx, `SELECT id, author_time FROM commits WHERE id >= ? AND id < ?`, min, min+int64(n))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	for r.Next() {
		var id, at int64
		if err := r.Scan(&id, &at); err != nil {
			return nil, err
		}
		times[id-min] = at
	}
	return times, r.Err()
}

// AuthorTimes reads every commit's author time by id, as the search
// cache holds them: a search without a current cache orders equal scores
// by them.
func (s *Store) AuthorTimes(ctx context.Context) ([]int64, error) {
	var maxID sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT max(id) FROM commits`).Scan(&maxID); err != nil {
		return nil, err
	}
	return s.timesFrom(ctx, 0, int(maxID.Int64)+1)
}

// sqliteVarint reads one of SQLite's (and FTS5's) varints: up to eight
// bytes of seven bits, most significant first, each but the last with
// its high bit set, and a ninth byte of eight bits. It is not Go's
// binary.Uvarint, which puts the least significant group first: the two
// agree below 128 only. k is 0 for a truncated one.
func sqliteVarint(b []byte) (v uint64, k int) {
	for i := 0; i < len(b) && i < 9; i++ {
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
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
	data, err := MapFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) < cacheHeader {
		syscall.Munmap(data)
		return nil, ErrStaleCache
	}
	le := binary.LittleEndian
	tokens := le.Uint64(data[24:])
	dim, n, maxID, rows := int(le.Uint32(data[32:])), int(le.Uint32(data[36:])), int(le.Uint32(data[40:])), int(le.Uint32(data[44:]))
	lenAt, timesAt, postAt := cacheOffsets(n, dim, maxID)
	if string(data[:8]) != cacheMagic || int64(le.Uint64(data[8:])) != version || int64(le.Uint64(data[16:])) != vs.Gen ||
		(n > 0 && dim != vs.Dim) {
		syscall.Munmap(data)
		return nil, ErrStaleCache
	}
	post, ok := postingsAt(data, postAt)
	if !ok {
		syscall.Munmap(data)
		return nil, ErrStaleCache
	}
	c := &Cache{Rows: rows, Postings: post,
		Lengths: unsafe.Slice((*uint32)(unsafe.Pointer(&data[lenAt])), maxID+1),
		Times:   unsafe.Slice((*int64)(unsafe.Pointer(&data[timesAt])), maxID+1)}
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

// asBytes views a slice of fixed-size numbers as its bytes.
func asBytes[T int64 | float32 | int8 | uint32](s []T, size int) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*size)
}

// MapFile maps a file read-only.
func MapFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	return syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
}

// fromBytes views bytes as a slice of fixed-size numbers.
func fromBytes[T int64 | float32 | int8 | uint32](b []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b) < size {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), len(b)/size)
}

// bootID identifies this boot of the machine (zero when unknown).
func bootID() (id [16]byte) {
	data, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err == nil {
		copy(id[:], bytes.ReplaceAll(bytes.TrimSpace(data), []byte("-"), nil))
	}
	return id
}
