package gitrepo

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Packs lists the names of the object store's packs (pack-<checksum>),
// sorted. A pack is listed by its .idx file, which git moves into place
// after the .pack: a pack still being written is not listed yet, and
// is new to whoever compares this list with the next.
func (r *Repo) Packs() []string {
	packs, _ := filepath.Glob(filepath.Join(r.CommonDir, "objects", "pack", "*.idx"))
	for i, p := range packs {
		packs[i] = strings.TrimSuffix(filepath.Base(p), ".idx")
	}
	slices.Sort(packs)
	return packs
}

// PackIndex is the table of object names of one pack's .idx file: what
// the pack holds, sorted, read without git (a git show-index of a pack
// prints every object's offset and checksum as text, several times the
// file).
type PackIndex struct {
	names []byte // n names of size bytes each, sorted
	size  int
}

// errPackIndex: a file that is no pack index git writes (a version 1
// index, from before git 1.5.2, or a damaged one).
var errPackIndex = errors.New("not a version 2 pack index")

// ReadPackIndex reads the .idx file of the pack named name (as Packs
// names it). hashSize is the repository's object name length in bytes:
// 20 (SHA-1) or 32 (SHA-256).
func (r *Repo) ReadPackIndex(name string, hashSize int) (*PackIndex, error) {
	path := filepath.Join(r.CommonDir, "objects", "pack", name+".idx")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := parsePackIndex(data, hashSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// parsePackIndex reads the version 2 layout: a magic number and the
// version, 256 cumulative counts by first byte (the last is the number of
// objects), then the sorted names; CRCs and offsets follow, unread.
func parsePackIndex(data []byte, hashSize int) (*PackIndex, error) {
	const header = 8 + 256*4
	if len(data) < header || !bytes.Equal(data[:4], []byte{0xff, 't', 'O', 'c'}) || binary.BigEndian.Uint32(data[4:8]) != 2 {
		return nil, errPackIndex
	}
	n := int(binary.BigEndian.Uint32(data[header-4 : header]))
	// The names, a CRC and an offset each, and two checksums at the end.
	if n < 0 || len(data) < header+n*(hashSize+8)+2*hashSize {
		return nil, errPackIndex
	}
	return &PackIndex{names: data[header : header+n*hashSize], size: hashSize}, nil
}

// Len is the number of objects in the pack.
func (p *PackIndex) Len() int { return len(p.names) / p.size }

// At is the i-th object name, raw (not hex).
func (p *PackIndex) At(i int) []byte { return p.names[i*p.size : (i+1)*p.size] }

// Contains reports whether the pack holds the object of this raw name.
func (p *PackIndex) Contains(oid []byte) bool {
	if len(oid) != p.size {
		return false
	}
	i := sort.Search(p.Len(), func(i int) bool { return bytes.Compare(p.At(i), oid) >= 0 })
	return i < p.Len() && bytes.Equal(p.At(i), oid)
}

// PresentObjects returns which of oids (hex) are in the object store:
// loose, in a pack, or in an alternate's. It reads the files git keeps
// them in instead of asking git, which in a partial clone either fetches
// what is missing or, with lazy fetching off, stops at the first missing
// object (git cat-file --batch-check dies on it).
func (r *Repo) PresentObjects(oids []string) (map[string]bool, error) {
	present := map[string]bool{}
	if len(oids) == 0 {
		return present, nil
	}
	size := len(oids[0]) / 2
	dirs := objectDirs(filepath.Join(r.CommonDir, "objects"))
	var idx []*PackIndex
	for _, dir := range dirs {
		packs, _ := filepath.Glob(filepath.Join(dir, "pack", "*.idx"))
		for _, p := range packs {
			data, err := os.ReadFile(p)
			if errors.Is(err, fs.ErrNotExist) {
				continue // repacked away meanwhile: in the new pack, or loose
			}
			if err != nil {
				return nil, err
			}
			pi, err := parsePackIndex(data, size)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			idx = append(idx, pi)
		}
	}
	raw := make([]byte, size)
	for _, o := range oids {
		if len(o) != 2*size {
			continue
		}
		if _, err := hex.Decode(raw, []byte(o)); err != nil {
			continue
		}
		for _, pi := range idx {
			if pi.Contains(raw) {
				present[o] = true
				break
			}
		}
		if present[o] {
			continue
		}
		for _, dir := range dirs {
			if _, err := os.Stat(filepath.Join(dir, o[:2], o[2:])); err == nil {
				present[o] = true
				break
			}
		}
	}
	return present, nil
}

// objectDirs is an object directory and its alternates', as git follows
// them (objects/info/alternates, relative paths from the directory, up to
// five deep).
func objectDirs(dir string) []string {
	dirs := []string{dir}
	seen := map[string]bool{filepath.Clean(dir): true}
	for i := 0; i < len(dirs) && len(dirs) < 64; i++ {
		data, err := os.ReadFile(filepath.Join(dirs[i], "info", "alternates"))
		if err != nil || i >= 5 {
			continue
		}
		for _, l := range strings.Split(string(data), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || l[0] == '#' {
				continue
			}
			if !filepath.IsAbs(l) {
				l = filepath.Join(dirs[i], l)
			}
			if l = filepath.Clean(l); !seen[l] {
				seen[l] = true
				dirs = append(dirs, l)
			}
		}
	}
	return dirs
}
