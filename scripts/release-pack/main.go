// Command release-pack makes the release archives and checksum file of
// scripts/release-build.sh, byte for byte the same on every run:
//
//	go run ./scripts/release-pack archive -epoch SECONDS -o FILE.tar.gz DIR
//	go run ./scripts/release-pack sums DIR
//
// archive packs the regular files under DIR (share/man/man1/git-scry.1
// too) by their slash-separated paths in name order, each with mode 0755
// or 0644, owner 0:0, and mtime EPOCH, into a gzip stream with no name and
// no timestamp. Folders get no entry of their own: tar makes a file's
// folders as it unpacks it, and an entry fewer is a mode and an owner
// fewer to keep the same. sums writes DIR/SHA256SUMS for
// every *.tar.gz in DIR, in the format `sha256sum -c` reads.
//
// GNU tar can do the same with a dozen flags (--sort=name --mtime
// --owner --numeric-owner --pax-option ...) that BSD tar on macOS does
// not know; a small Go program behaves the same everywhere.
package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "archive":
		fs := flag.NewFlagSet("archive", flag.ExitOnError)
		epoch := fs.Int64("epoch", -1, "mtime of every entry, in Unix seconds")
		out := fs.String("o", "", "archive to write")
		fs.Parse(os.Args[2:])
		if fs.NArg() != 1 || *out == "" || *epoch < 0 {
			usage()
		}
		err = archive(*out, fs.Arg(0), time.Unix(*epoch, 0))
	case "sums":
		if len(os.Args) != 3 {
			usage()
		}
		err = sums(os.Args[2])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release-pack: error:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: release-pack archive -epoch SECONDS -o FILE.tar.gz DIR\n       release-pack sums DIR")
	os.Exit(2)
}

func archive(out, dir string, mtime time.Time) error {
	var names []string
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	tmp, err := os.CreateTemp(filepath.Dir(out), ".release-pack-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	zw, _ := gzip.NewWriterLevel(bw, gzip.BestCompression)
	// No Name and a zero ModTime: the gzip header carries nothing that
	// changes between runs.
	tw := tar.NewWriter(zw)
	for _, name := range names {
		if err := addFile(tw, filepath.Join(dir, filepath.FromSlash(name)), name, mtime); err != nil {
			return err
		}
	}
	for _, c := range []io.Closer{tw, zw} {
		if err := c.Close(); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

func addFile(tw *tar.Writer, path, name string, mtime time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	mode := int64(0o644)
	if fi.Mode()&0o111 != 0 {
		mode = 0o755
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Size:     fi.Size(),
		Mode:     mode,
		ModTime:  mtime,
		Uname:    "root",
		Gname:    "root",
		Format:   tar.FormatUSTAR,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	_, err = io.Copy(tw, f)
	return err
}

func sums(dir string) error {
	matches, err := filepath.Glob(filepath.Join(dir, "*.tar.gz"))
	if err != nil {
		return err
	}
	if len(matches) == 0 {
		return fmt.Errorf("no *.tar.gz in %s", dir)
	}
	sort.Strings(matches)
	var b strings.Builder
	for _, m := range matches {
		f, err := os.Open(m)
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), filepath.Base(m))
	}
	return os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(b.String()), 0o644)
}
