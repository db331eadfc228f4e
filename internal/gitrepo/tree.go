package gitrepo

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// TreeEntry is one file of a tree listing.
type TreeEntry struct {
	Mode   string
	Object string // blob hash
	Size   int64  // -1 for submodules and for blobs not in the object store
	Path   string
}

// ListTree lists every file of rev's tree recursively, with blob sizes.
// Nothing is fetched: ls-tree --long would fetch each blob that a partial
// clone (bare, sparse or --no-checkout) lacks from the promisor remote,
// one round trip at a time, so the sizes come from a batch check with
// lazy fetching off. A blob that is not here has no size.
func (r *Repo) ListTree(ctx context.Context, rev string) ([]TreeEntry, error) {
	out, err := r.gitNoFetch(ctx, nil, "ls-tree", "-r", "-z", "--full-tree", rev)
	if err != nil {
		return nil, err
	}
	var entries []TreeEntry
	for _, rec := range bytes.Split(out, []byte{0}) {
		// "<mode> SP <type> SP <object> TAB <path>"
		meta, path, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok {
			continue
		}
		f := strings.Fields(string(meta))
		if len(f) != 3 || f[1] != "blob" {
			continue
		}
		entries = append(entries, TreeEntry{Mode: f[0], Object: f[2], Size: -1, Path: string(path)})
	}
	if len(entries) == 0 {
		return entries, nil
	}
	sizes, err := r.blobSizes(ctx, entries, nil)
	if err != nil && ctx.Err() == nil {
		// A partial clone: the check stops at the first blob that the
		// promisor remote has and this clone lacks. Asked again for
		// those that are here.
		var missing map[string]bool
		if missing, err = r.missingInTree(ctx, rev); err == nil {
			sizes, err = r.blobSizes(ctx, entries, missing)
		}
	}
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		if n, ok := sizes[e.Object]; ok {
			entries[i].Size = n
		}
	}
	return entries, nil
}

// blobSizes asks the sizes of the entries' blobs, but those in skip.
func (r *Repo) blobSizes(ctx context.Context, entries []TreeEntry, skip map[string]bool) (map[string]int64, error) {
	var check strings.Builder
	for _, e := range entries {
		if !skip[e.Object] {
			check.WriteString(e.Object + "\n")
		}
	}
	sizes := map[string]int64{}
	if check.Len() == 0 {
		return sizes, nil
	}
	out, err := r.gitNoFetch(ctx, strings.NewReader(check.String()), "cat-file", "--batch-check=%(objectname) %(objectsize)")
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(out), "\n") {
		oid, size, _ := strings.Cut(l, " ")
		if n, err := strconv.ParseInt(size, 10, 64); err == nil {
			sizes[oid] = n
		}
	}
	return sizes, nil
}

// missingInTree lists the objects of rev's tree that are not here,
// without fetching them.
func (r *Repo) missingInTree(ctx context.Context, rev string) (map[string]bool, error) {
	out, err := r.gitNoFetch(ctx, nil, "rev-list", "--objects", "--missing=print", "--no-object-names", rev+"^{tree}", "--")
	if err != nil {
		return nil, err
	}
	missing := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		if oid, ok := strings.CutPrefix(l, "?"); ok {
			missing[oid] = true
		}
	}
	return missing, nil
}

// ReadBlobs streams the contents of the given blobs to fn, in order,
// through one `git cat-file --batch`. Objects that are not in the local
// object store (a damaged repository) are skipped and counted, never
// fetched: lazy fetching is switched off. In a partial clone git stops
// at one the promisor remote has instead: ask for those ListTree sized.
func (r *Repo) ReadBlobs(ctx context.Context, oids []string, fn func(i int, data []byte) error) (missing int, err error) {
	if len(oids) == 0 {
		return 0, nil
	}
	cmd := r.command(ctx, "cat-file", "--batch")
	cmd.Env = append(cmd.Env, "GIT_NO_LAZY_FETCH=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var in bytes.Buffer
	for _, o := range oids {
		in.WriteString(o)
		in.WriteByte('\n')
	}
	cmd.Stdin = &in
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	br := bufio.NewReaderSize(stdout, 1<<16)
	ferr := func() error {
		for i := range oids {
			line, err := br.ReadString('\n')
			if err != nil {
				return fmt.Errorf("git cat-file: %w", err)
			}
			f := strings.Fields(line)
			if len(f) == 2 && f[1] == "missing" {
				missing++
				continue
			}
			if len(f) != 3 {
				return fmt.Errorf("git cat-file: unexpected header %q", strings.TrimSpace(line))
			}
			size, err := strconv.Atoi(f[2])
			if err != nil {
				return fmt.Errorf("git cat-file: unexpected header %q", strings.TrimSpace(line))
			}
			data := make([]byte, size+1) // content and its trailing LF
			if _, err := io.ReadFull(br, data); err != nil {
				return fmt.Errorf("git cat-file: %w", err)
			}
			if err := fn(i, data[:size]); err != nil {
				return err
			}
		}
		return nil
	}()
	if ferr != nil {
		_ = cmd.Process.Kill()
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		return missing, ferr
	}
	if err := cmd.Wait(); err != nil {
		return missing, &Error{Args: []string{"cat-file", "--batch"}, Stderr: stderr.String(), Err: err}
	}
	return missing, nil
}

// EntryType is what path names in rev's tree: "tree" (a directory),
// "blob" (a file or a symbolic link), "commit" (a submodule), or ""
// when the tree has no such entry. Nothing is read but trees.
func (r *Repo) EntryType(ctx context.Context, rev, path string) (string, error) {
	out, err := r.gitNoFetch(ctx, nil, "--literal-pathspecs", "ls-tree", "-z", "--full-tree", rev, "--", path)
	if err != nil {
		return "", err
	}
	for _, rec := range bytes.Split(out, []byte{0}) {
		// "<mode> SP <type> SP <object> TAB <path>"
		meta, p, ok := bytes.Cut(rec, []byte{'\t'})
		if !ok || string(p) != path {
			continue
		}
		if f := strings.Fields(string(meta)); len(f) == 3 {
			return f[1], nil
		}
	}
	return "", nil
}

// LastEntryType is EntryType for what path named when HEAD's history last
// had it: at HEAD, else in the parent of the latest commit that changed
// it (the one that deleted it). "" when HEAD's history never had it.
func (r *Repo) LastEntryType(ctx context.Context, path string) (string, error) {
	if t, err := r.EntryType(ctx, "HEAD", path); err != nil || t != "" {
		return t, err
	}
	out, err := r.gitNoFetch(ctx, nil, "--literal-pathspecs", "rev-list", "-1", "HEAD", "--", path)
	if err != nil {
		return "", err
	}
	last := strings.TrimSpace(string(out))
	if last == "" {
		return "", nil
	}
	return r.EntryType(ctx, last+"^", path)
}
