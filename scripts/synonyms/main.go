// Command synonyms writes the built-in embedder's synonym list
// (internal/scry/embed/builtin/synonyms.txt) from a WordNet 3.0 database,
// such as the one Debian's wordnet-base package installs:
//
//	go run ./scripts/synonyms [-wordnet /usr/share/wordnet] > internal/scry/embed/builtin/synonyms.txt
//	go run ./scripts/synonyms -restem internal/scry/embed/builtin/synonyms.txt
//
// A group is a synset's single-word lemmas for which that synset is the
// word's first (most frequent) sense, when two or more are left: rarer
// senses ("skip" as in a rope) pull a word toward meanings that
// technical text seldom has. Each line is the group's words, a tab, and
// their terms as internal/scry/text analyses them, so that training
// stems nothing; -restem writes the terms again after the analysis
// changed (its tests say when).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/atomicfile"
	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// parts of speech: WordNet's file suffix and its synset type letter.
var parts = []struct{ file, pos string }{{"noun", "n"}, {"verb", "v"}, {"adj", "a"}, {"adv", "r"}}

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "WordNet 3.0 database directory (index.* and data.* files)")
	restemFile := flag.String("restem", "", "write the terms of this list again, in place")
	out := flag.String("o", "", "write the list to this file (atomically, only when it is complete) instead of stdout")
	flag.Parse()
	if flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: synonyms [-wordnet DIR] [-o synonyms.txt] | synonyms -restem synonyms.txt")
		os.Exit(2)
	}
	if *restemFile != "" {
		if err := restem(*restemFile); err != nil {
			fmt.Fprintln(os.Stderr, "synonyms: error:", err)
			os.Exit(1)
		}
		return
	}
	if err := generate(*dir, *out, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "synonyms: error:", err)
		if !errors.Is(err, errWrite) {
			fmt.Fprintln(os.Stderr, "synonyms: hint: install WordNet 3.0 (Debian: apt-get install wordnet-base) or pass -wordnet DIR")
		}
		os.Exit(1)
	}
}

var errWrite = errors.New("writing the list")

// generate writes the list from the WordNet database in dir to the file
// out, or to stdout when out is "". The file is written whole or not at
// all: a shell's "> synonyms.txt" emptied the committed list when
// WordNet was missing, before the program could fail.
func generate(dir, out string, stdout io.Writer) error {
	if out == "" {
		w := bufio.NewWriter(stdout)
		if err := write(w, dir); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("%w: %v", errWrite, err)
		}
		return nil
	}
	var b bytes.Buffer
	if err := write(&b, dir); err != nil {
		return err
	}
	if err := atomicfile.Write(out, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("%w: %v", errWrite, err)
	}
	return nil
}

func write(w io.Writer, dir string) error {
	fmt.Fprint(w, header)
	an := text.NewAnalyzer()
	for _, p := range parts {
		first, err := readFirstSenses(filepath.Join(dir, "index."+p.file))
		if err != nil {
			return err
		}
		f, err := os.Open(filepath.Join(dir, "data."+p.file))
		if err != nil {
			return err
		}
		err = eachGroup(f, p.pos, first, func(words []string) {
			if line, ok := groupLine(an, words); ok {
				fmt.Fprintln(w, line)
			}
		})
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// groupLine is a group's line: its words, a tab, their distinct terms; false
// when fewer than two terms are left ("demoralizing" and "demoralising"
// are one term).
func groupLine(an *text.Analyzer, words []string) (string, bool) {
	var terms []string
	for _, w := range words {
		if t, keep := an.Term(w); keep && !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	return strings.Join(words, " ") + "\t" + strings.Join(terms, " "), len(terms) >= 2
}

// restem rewrites the terms of every line of a list from its words.
func restem(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	an := text.NewAnalyzer()
	var b strings.Builder
	for line := range strings.Lines(string(data)) {
		if strings.HasPrefix(line, "#") {
			b.WriteString(line)
			continue
		}
		words, _, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if l, ok := groupLine(an, strings.Fields(words)); ok {
			b.WriteString(l + "\n")
		}
	}
	return atomicfile.Write(path, []byte(b.String()), 0o644)
}

// readFirstSenses maps each lemma of an index file to the offset of its
// first synset (WordNet lists a lemma's senses most frequent first).
func readFirstSenses(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	first := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") { // the licence header
			continue
		}
		// lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
		f := strings.Fields(line)
		if len(f) < 4 {
			return nil, fmt.Errorf("%s: malformed line %q", path, line)
		}
		pcnt, err := strconv.Atoi(f[3])
		if err != nil || len(f) < 4+pcnt+3 {
			return nil, fmt.Errorf("%s: malformed line %q", path, line)
		}
		first[f[0]] = f[4+pcnt+2]
	}
	return first, sc.Err()
}

// eachGroup calls fn with every synset's single-word lemmas for which it
// is their first sense, when there are two or more.
func eachGroup(r io.Reader, pos string, first map[string]string, fn func([]string)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") {
			continue
		}
		// synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt ... | gloss
		head, _, _ := strings.Cut(line, " | ")
		f := strings.Fields(head)
		if len(f) < 4 {
			return fmt.Errorf("data.%s: malformed line %q", pos, line)
		}
		n, err := strconv.ParseInt(f[3], 16, 0)
		if err != nil || len(f) < 4+2*int(n) {
			return fmt.Errorf("data.%s: malformed line %q", pos, line)
		}
		var words []string
		for i := range int(n) {
			w := strings.ToLower(f[4+2*i])
			if j := strings.IndexByte(w, '('); j >= 0 { // adjective markers: "(a)", "(p)", "(ip)"
				w = w[:j]
			}
			if !isWord(w) || first[w] != f[0] || slices.Contains(words, w) {
				continue
			}
			words = append(words, w)
		}
		if len(words) >= 2 {
			fn(words)
		}
	}
	return sc.Err()
}

// isWord reports a single word of letters: phrases ("pass_over"),
// hyphenated and numeric lemmas are left out.
func isWord(w string) bool {
	for _, c := range w {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return w != ""
}

const header = `# Synonym groups for the built-in embedder (internal/scry/embed/builtin,
# retrofit.go): one group a line, its words, a tab, and their terms as
# internal/scry/text analyses them. Generated by scripts/synonyms from
# WordNet 3.0; do not edit by hand.
#
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
#
# Permission to use, copy, modify and distribute this software and
# database and its documentation for any purpose and without fee or
# royalty is hereby granted, provided that you agree to comply with the
# following copyright notice and statements, including the disclaimer,
# and that the same appear on ALL copies of the software, database and
# documentation, including modifications that you make for internal use
# or for distribution.
#
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY
# MAKES NO REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF
# EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO
# REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS FOR ANY
# PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR
# DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS,
# TRADEMARKS OR OTHER RIGHTS.
#
# The name of Princeton University or Princeton may not be used in
# advertising or publicity pertaining to distribution of the software
# and/or database. Title to copyright in this software, database and any
# associated documentation shall at all times remain with Princeton
# University and LICENSEE agrees to preserve same.
`
