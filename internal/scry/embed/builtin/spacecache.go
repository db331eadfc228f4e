package builtin

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"os"
)

// spaceCacheVersion changes whenever what a cached space holds would
// change for the same machine text and options: the learning itself
// (space.go, cooc.go, svd.go) or the file's layout (2: the products'
// sums no longer depend on the number of CPUs, so a space learned on
// several differs in the last bits from what they now learn).
const spaceCacheVersion = 2

// MachineSpaceCached returns the machine space for the options: from
// spaceCache when the file there was learned from the same sources with
// the same options, else learned from the machine text (MachineText,
// with its own cache at textCache) and, when that text was complete,
// written to spaceCache (atomically) for the next run. Empty paths cache
// nothing; a cache that cannot be read or written is only slower. The
// space is a function of the text and the options alone, so a training
// gives the same model whether it came from the cache or not.
func MachineSpaceCached(ctx context.Context, lim MachineLimits, textCache, spaceCache string, opt Options) (sp *MachineSpace, cached bool, err error) {
	lim.defaults()
	opt.defaults()
	key := sha256.Sum256([]byte(machineKey(lim) + "|" + spaceParams(opt)))
	if spaceCache != "" {
		if data, err := os.ReadFile(spaceCache); err == nil {
			if sp, err := decodeMachineSpace(data, key); err == nil {
				removeKilledWrites(spaceCache)
				if textCache != "" {
					removeKilledWrites(textCache)
				}
				sp.params = spaceParams(opt)
				return sp, true, nil
			}
		}
	}
	mc, _, written, err := machineText(ctx, lim, textCache)
	if err != nil {
		return nil, false, err
	}
	defer written() // the text's cache is written while the space is learned
	if sp, err = learnSpace(ctx, []*MachineCorpus{mc}, opt); err != nil {
		return nil, false, err
	}
	if spaceCache != "" && mc.Complete {
		writeMachineCache(spaceCache, encodeMachineSpace(sp, key))
	}
	return sp, false, nil
}

// The cache file, little-endian: magic "VGSS", version u32, key [32]byte
// (sha256 of the sources' key and the options), then uvarints:
// documents, tokens, dimensions, terms, each term's length, bytes and
// frequency; then the vectors as float32s, term by term; crc32c u32 of
// all that precedes it.
const spaceMagic = "VGSS"

func encodeMachineSpace(sp *MachineSpace, key [32]byte) []byte {
	buf := cacheHead(make([]byte, 0, 64+len(sp.Terms)*12+4*len(sp.Vecs)), spaceMagic, spaceCacheVersion, key)
	for _, v := range []uint64{uint64(sp.Docs), uint64(sp.Tokens), uint64(sp.Dim), uint64(len(sp.Terms))} {
		buf = binary.AppendUvarint(buf, v)
	}
	for i, t := range sp.Terms {
		buf = binary.AppendUvarint(buf, uint64(len(t)))
		buf = append(buf, t...)
		buf = binary.AppendUvarint(buf, uint64(sp.Freq[i]))
	}
	for _, x := range sp.Vecs {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
	}
	return cacheSeal(buf)
}

var errSpaceCache = errors.New("not a current machine space cache")

func decodeMachineSpace(data []byte, key [32]byte) (*MachineSpace, error) {
	body, ok := cacheBody(data, spaceMagic, spaceCacheVersion, key)
	if !ok {
		return nil, errSpaceCache
	}
	r := &cacheReader{b: body}
	docs, tokens, dim, n := r.uvarint(), r.uvarint(), r.uvarint(), r.count()
	if r.failed || dim > 1<<16 {
		return nil, errSpaceCache
	}
	sp := &MachineSpace{Docs: int(docs), Tokens: int64(tokens), Dim: int(dim),
		Terms: make([]string, 0, n), Freq: make([]int64, 0, n)}
	for range n {
		sp.Terms = append(sp.Terms, r.str())
		sp.Freq = append(sp.Freq, int64(r.uvarint()))
	}
	if r.failed || uint64(len(r.b)) != 4*n*dim {
		return nil, errSpaceCache
	}
	sp.Vecs = make([]float32, n*dim)
	for i := range sp.Vecs {
		sp.Vecs[i] = math.Float32frombits(binary.LittleEndian.Uint32(r.b[4*i:]))
	}
	return sp, nil
}
