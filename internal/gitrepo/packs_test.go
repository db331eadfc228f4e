package gitrepo

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackIndexAndPresentObjects reads packs' indexes as git lists them,
// in a SHA-1 and a SHA-256 repository, and tells present objects (packed,
// loose, an alternate's) from absent ones.
func TestPackIndexAndPresentObjects(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) {
			repo := gitInit(t)
			repo = filepath.Join(filepath.Dir(repo), format)
			gitRun(t, filepath.Dir(repo), "init", "-q", "--object-format="+format, repo)
			for i, name := range []string{"a", "b", "c"} {
				writeFile(t, filepath.Join(repo, name+".txt"), strings.Repeat(name, i+1))
				gitRun(t, repo, "add", "-A")
				gitRun(t, repo, "commit", "-q", "-m", name)
			}
			gitRun(t, repo, "repack", "-q", "-a", "-d")
			r := openRepo(t, repo)
			// A pack whose index git has not moved into place yet.
			writeFile(t, filepath.Join(repo, ".git", "objects", "pack", "pack-coming.pack"), "PACK")
			packs := r.Packs()
			if len(packs) != 1 || !strings.HasPrefix(packs[0], "pack-") || packs[0] == "pack-coming" {
				t.Fatalf("packs: %v", packs)
			}
			size := 20
			if format == "sha256" {
				size = 32
			}
			pi, err := r.ReadPackIndex(packs[0], size)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Fields(gitRun(t, repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)"))
			if pi.Len() != len(all) {
				t.Fatalf("%d objects in the index, git lists %d", pi.Len(), len(all))
			}
			for i, o := range all { // git lists them sorted, as the index holds them
				if got := hex.EncodeToString(pi.At(i)); got != o {
					t.Fatalf("object %d: %s, git says %s", i, got, o)
				}
				raw, _ := hex.DecodeString(o)
				if !pi.Contains(raw) {
					t.Fatalf("%s not found", o)
				}
			}
			absent := strings.Repeat("ab", size)
			raw, _ := hex.DecodeString(absent)
			if pi.Contains(raw) {
				t.Fatal("an absent object found")
			}

			loose := gitRun(t, repo, "hash-object", "-w", "--stdin")
			other := filepath.Join(filepath.Dir(repo), format+"-alt")
			gitRun(t, filepath.Dir(repo), "init", "-q", "--object-format="+format, other)
			writeFile(t, filepath.Join(other, "d.txt"), "only in the alternate")
			alt := gitRun(t, other, "hash-object", "-w", "d.txt")
			writeFile(t, filepath.Join(repo, ".git", "objects", "info", "alternates"), filepath.Join(other, ".git", "objects")+"\n")
			present, err := r.PresentObjects([]string{all[0], all[len(all)-1], loose, alt, absent})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range []string{all[0], all[len(all)-1], loose, alt} {
				if !present[o] {
					t.Errorf("%s not present", o)
				}
			}
			if present[absent] {
				t.Error("an absent object is present")
			}
		})
	}
}

// TestPackIndexOfAnotherVersion: a version 1 index (git before 1.5.2)
// is an error, not objects misread.
func TestPackIndexOfAnotherVersion(t *testing.T) {
	repo := gitInit(t)
	gitRun(t, repo, "repack", "-q", "-a", "-d")
	r := openRepo(t, repo)
	packs := r.Packs()
	dir := filepath.Join(r.CommonDir, "objects", "pack")
	gitRun(t, dir, "index-pack", "--index-version=1", "-o", "v1.idx", packs[0]+".pack")
	if err := os.Rename(filepath.Join(dir, "v1.idx"), filepath.Join(dir, packs[0]+".idx")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadPackIndex(packs[0], 20); err == nil {
		t.Fatal("a version 1 index read")
	}
	if _, err := r.PresentObjects([]string{strings.Repeat("0", 40)}); err == nil {
		t.Fatal("objects looked for in a version 1 index")
	}
}
