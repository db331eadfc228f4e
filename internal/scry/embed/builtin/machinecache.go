package builtin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/filelock"
)

// MachineCorpus is the machine's technical text (MachineDocuments),
// analysed: its terms in the order they were first seen and each
// paragraph as term ids. Training from it gives the same model as
// training from the text itself; reading and analysing megabytes of text
// is most of what it costs, so it is kept per user between runs
// (MachineText).
type MachineCorpus struct {
	Terms []string
	Segs  [][]int32
	// Docs is the number of documents read; Complete is false when the
	// time limit cut the reading short (such a corpus is not cached).
	Docs     int
	Complete bool
}

// AnalyseMachineText analyses collected machine documents.
func AnalyseMachineText(docs []string) *MachineCorpus {
	mc := &MachineCorpus{Docs: len(docs), Complete: true}
	var segs [][][]int32
	mc.Terms, segs = analyseIDs(docs)
	for _, d := range segs {
		mc.Segs = append(mc.Segs, d...)
	}
	return mc
}

// machineCacheVersion changes whenever what a cached corpus holds would
// change: the text analysis (internal/scry/text), segmenting, extraction
// or the choice of sources (2: British spellings respelled; 3: Latin
// diacritics folded; 4: CJK runs taken as their pairs; 5: emoji; 6:
// emoji left out of what the built-in model learns; 7: hyphenated words
// also closed up, kept out of the model: the cache's terms are the model's;
// 8: git's manual pages; 9: npm's and Node.js's documents).
const machineCacheVersion = 9

// machineKey identifies the machine's sources cheaply, without reading
// them: where they are, the Go release, and the modification times of
// the directories and files that change when a source is upgraded.
func machineKey(lim MachineLimits) string {
	// stamp names the given entries under base with their modification
	// times and sizes; nothing for a source missing ("") or left out
	// ("-"), whose entries would be looked up in the working directory.
	stamp := func(base string, names ...string) string {
		if base == "" || base == "-" {
			return ""
		}
		var b strings.Builder
		for _, n := range names {
			p := filepath.Join(base, n)
			if fi, err := os.Stat(p); err == nil {
				fmt.Fprintf(&b, "%s@%d:%d;", p, fi.ModTime().UnixNano(), fi.Size())
			}
		}
		return b.String()
	}
	goVersion := ""
	if lim.GoRoot != "" && lim.GoRoot != "-" {
		v, _ := os.ReadFile(filepath.Join(lim.GoRoot, "VERSION"))
		goVersion, _, _ = strings.Cut(string(v), "\n")
	}
	return fmt.Sprintf("v%d|max=%d|go=%s %s %s|py=%s %s|man=%s %s|git=%d %s %s|js=%d %s %s %s %s", machineCacheVersion, lim.MaxBytes,
		lim.GoRoot, goVersion, stamp(lim.GoRoot, "src"),
		lim.PythonLib, stamp(lim.PythonLib, ".", "os.py"),
		lim.ManDir, stamp(lim.ManDir, "man1", "man5", "man7", "man8"),
		lim.GitMaxBytes, lim.GitMan, stamp(lim.GitMan, "man5", "man7"),
		lim.JSMaxBytes, lim.NpmDocs, stamp(lim.NpmDocs, "configuring-npm", "using-npm", "commands"),
		lim.NodeDocs, stamp(lim.NodeDocs, "."))
}

// MachineText returns the analysed machine text: from cachePath when the
// file there was made from the same sources, else read, analysed and,
// when complete, written there (atomically) for the next run. An empty
// cachePath reads the text every time; a cache that cannot be read or
// written is only slower.
func MachineText(ctx context.Context, lim MachineLimits, cachePath string) (mc *MachineCorpus, cached bool, err error) {
	mc, cached, written, err := machineText(ctx, lim, cachePath)
	written()
	return mc, cached, err
}

// machineText is MachineText with the cache written on a goroutine of
// its own, while the caller goes on (a cold index learns the machine's
// space from the corpus meanwhile): written waits until it is.
func machineText(ctx context.Context, lim MachineLimits, cachePath string) (mc *MachineCorpus, cached bool, written func(), err error) {
	lim.defaults()
	key := sha256.Sum256([]byte(machineKey(lim)))
	none := func() {}
	if cachePath != "" {
		if data, err := os.ReadFile(cachePath); err == nil {
			if mc, err := decodeMachineCorpus(data, key); err == nil {
				removeKilledWrites(cachePath)
				return mc, true, none, nil
			}
		}
	}
	docs, complete := machineDocuments(ctx, lim)
	if err := ctx.Err(); err != nil {
		return nil, false, none, err
	}
	mc = AnalyseMachineText(docs)
	mc.Complete = complete
	if cachePath == "" || !mc.Complete {
		return mc, false, none, nil
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		writeMachineCache(cachePath, encodeMachineCorpus(mc, key))
	}()
	return mc, false, func() { <-done }, nil
}

// writeMachineCache replaces a machine cache, which every repository's
// index runs share, and removes the temp files of its writes killed
// before their rename (kill -9 of a run that was learning the machine
// text): megabytes each, in the user's cache directory, where nothing
// else would remove them. Under the cache's lock, so that no write under
// way in another run is among them; while another run holds it, that run
// writes the cache and this one leaves it. A cache that cannot be
// written is only slower.
func writeMachineCache(path string, data []byte) {
	lock, err := filelock.TryLock(path + ".lock")
	if err != nil {
		return
	}
	defer lock.Unlock()
	atomicfile.RemoveLeftovers(path)
	_ = atomicfile.Write(path, data, 0o644)
}

// removeKilledWrites removes what killed writes of a machine cache left
// when the cache was read (another run wrote it meanwhile, so it is not
// written again until it is stale). It costs a look at the directory;
// the lock is taken only when there is something to remove.
func removeKilledWrites(path string) {
	if len(atomicfile.Leftovers(path)) == 0 {
		return
	}
	lock, err := filelock.TryLock(path + ".lock")
	if err != nil {
		return
	}
	defer lock.Unlock()
	atomicfile.RemoveLeftovers(path)
}

// The cache file, little-endian: magic "VGSM", version u32, key [32]byte
// (sha256 of machineKey), then uvarints: documents, terms, each term's
// length and bytes, segments, each segment's length and ids; crc32c u32
// of all that precedes it.
const machineMagic = "VGSM"

func encodeMachineCorpus(mc *MachineCorpus, key [32]byte) []byte {
	buf := cacheHead(make([]byte, 0, 1<<20), machineMagic, machineCacheVersion, key)
	buf = binary.AppendUvarint(buf, uint64(mc.Docs))
	buf = binary.AppendUvarint(buf, uint64(len(mc.Terms)))
	for _, t := range mc.Terms {
		buf = binary.AppendUvarint(buf, uint64(len(t)))
		buf = append(buf, t...)
	}
	buf = binary.AppendUvarint(buf, uint64(len(mc.Segs)))
	for _, seg := range mc.Segs {
		buf = binary.AppendUvarint(buf, uint64(len(seg)))
		for _, id := range seg {
			buf = binary.AppendUvarint(buf, uint64(id))
		}
	}
	return cacheSeal(buf)
}

// cacheHead starts a per-user cache file: its magic, its format version
// and the key of what it was made from.
func cacheHead(buf []byte, magic string, version uint32, key [32]byte) []byte {
	buf = append(buf, magic...)
	buf = binary.LittleEndian.AppendUint32(buf, version)
	return append(buf, key[:]...)
}

// cacheSeal ends a cache file with the crc32c of all that precedes it.
func cacheSeal(buf []byte) []byte {
	return binary.LittleEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli()))
}

// cacheBody checks what cacheHead and cacheSeal wrote around a cache
// file's contents and returns the contents; false for a file of another
// kind, version or key, or a damaged one.
func cacheBody(data []byte, magic string, version uint32, key [32]byte) ([]byte, bool) {
	head := len(magic) + 4 + 32
	if len(data) < head+4 || string(data[:len(magic)]) != magic ||
		binary.LittleEndian.Uint32(data[len(magic):]) != version || !bytes.Equal(data[len(magic)+4:head], key[:]) {
		return nil, false
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoli()) != binary.LittleEndian.Uint32(data[len(body):]) {
		return nil, false
	}
	return body[head:], true
}

var errMachineCache = errors.New("not a current machine text cache")

func decodeMachineCorpus(data []byte, key [32]byte) (*MachineCorpus, error) {
	body, ok := cacheBody(data, machineMagic, machineCacheVersion, key)
	if !ok {
		return nil, errMachineCache
	}
	r := &cacheReader{b: body}
	mc := &MachineCorpus{Complete: true}
	mc.Docs = int(r.uvarint())
	nterms := r.count()
	mc.Terms = make([]string, 0, nterms)
	for range nterms {
		mc.Terms = append(mc.Terms, r.str())
	}
	nsegs := r.count()
	mc.Segs = make([][]int32, 0, nsegs)
	for range nsegs {
		seg := make([]int32, r.count())
		for i := range seg {
			id := r.uvarint()
			if id >= nterms {
				return nil, errMachineCache
			}
			seg[i] = int32(id)
		}
		mc.Segs = append(mc.Segs, seg)
	}
	if r.failed || len(r.b) != 0 {
		return nil, errMachineCache
	}
	return mc, nil
}

// cacheReader reads a cache file's contents. A malformed number or a
// read past the end marks it failed, and every read after that gives
// zero; the caller checks failed once, at the end.
type cacheReader struct {
	b      []byte
	failed bool
}

func (r *cacheReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.failed = true
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a number of things still to come, each at least a byte
// long, so that a damaged file never makes a huge allocation.
func (r *cacheReader) count() uint64 {
	n := r.uvarint()
	if n > uint64(len(r.b)) {
		r.failed = true
		r.b = nil
		return 0
	}
	return n
}

// str reads a length and that many bytes.
func (r *cacheReader) str() string {
	n := r.count()
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
