package vault

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// BenchmarkOpenAndDecrypt50: load the vault files, verify and open the
// data key, decrypt 50 secrets (what `git vault run` does in-process).
func BenchmarkOpenAndDecrypt50(b *testing.B) {
	root, gitDir, kh := testVault(b)
	for i := 0; i < 50; i++ {
		mustSet(b, root, gitDir, kh, fmt.Sprintf("s-%02d", i), "value-value-value-"+fmt.Sprint(i))
	}
	id := kh.Identity()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, err := Load(root)
		if err != nil {
			b.Fatal(err)
		}
		l := &LocalKeys{id: id, keys: map[string][]byte{}}
		for _, e := range v.Secrets.Entries {
			if _, err := l.Decrypt(v, e); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkMasker: masking 50 values in 1 MiB of output, against a plain
// copy of the same bytes.
func BenchmarkMasker(b *testing.B) {
	var values [][]byte
	for i := 0; i < 50; i++ {
		values = append(values, []byte(fmt.Sprintf("secret-value-%03d-abcdef", i)))
	}
	line := []byte("2024-01-01T00:00:00Z info request served in 12ms path=/api/v1/items status=200\n")
	data := bytes.Repeat(line, (1<<20)/len(line))
	pats := MaskPatterns(values)
	b.Run("copy", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			io.Copy(io.Discard, bytes.NewReader(data))
		}
	})
	b.Run("mask", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			m := NewMasker(io.Discard, pats)
			for off := 0; off < len(data); off += 32 * 1024 {
				m.Write(data[off:min(off+32*1024, len(data))])
			}
			m.Close()
		}
	})
}
