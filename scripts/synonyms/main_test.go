package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A WordNet database in miniature: "erratum" has a more frequent sense
// elsewhere, "literal_error" is a phrase, so the group is misprint and
// typo; a synset left with one word makes no group.
func TestWriteKeepsFirstSensesOfSingleWords(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.noun": "  1 This software and database is being provided\n" +
			"erratum n 2 1 @ 2 0 00000200 06626039\n" +
			"literal_error n 1 1 @ 1 0 06626039\n" +
			"misprint n 1 1 @ 1 0 06626039\n" +
			"typo n 1 1 @ 1 0 06626039\n" +
			"apple n 1 1 @ 1 0 07739125\n",
		"data.noun": "  1 This software and database is being provided\n" +
			"00000200 10 n 01 erratum 0 000 | a list of corrections\n" +
			"06626039 10 n 04 misprint 0 Erratum 0 typo 0 literal_error 0 001 @ 06625062 n 0000 | a mistake in printed matter\n" +
			"07739125 13 n 01 apple 0 000 | fruit\n",
		"index.verb": "", "data.verb": "",
		"index.adj": "start a 1 0 1 0 01000000\nbegin a 1 0 1 0 01000000\n",
		"data.adj":  "01000000 00 a 02 start(p) 0 begin(a) 0 000 | first\n",
		"index.adv": "", "data.adv": "",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out strings.Builder
	if err := write(&out, dir); err != nil {
		t.Fatal(err)
	}
	var groups []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(line, "#") {
			groups = append(groups, line)
		}
	}
	if got, want := strings.Join(groups, "|"), "misprint typo\tmisprint typo|start begin\tstart begin"; got != want {
		t.Errorf("groups %q, want %q", got, want)
	}
	if !strings.Contains(out.String(), "WordNet 3.0 Copyright 2006 by Princeton University") {
		t.Error("the output lacks WordNet's copyright notice")
	}
}

func TestWriteReportsAMissingDatabase(t *testing.T) {
	var out strings.Builder
	if err := write(&out, t.TempDir()); err == nil || !strings.Contains(err.Error(), "index.noun") {
		t.Errorf("err = %v, want one naming index.noun", err)
	}
}

// After the text analysis changes, -restem writes every line's terms
// again from its words, keeps the header, and drops a group whose words
// became one term.
func TestRestemWritesTermsFromWords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "synonyms.txt")
	old := "# header\nbegin commence\tbegin commence\ncolour color\tcolour color\n"
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := restem(path); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# header\nbegin commence\tbegin commenc\n"; string(got) != want {
		t.Errorf("restemmed list %q, want %q", got, want)
	}
}

// Without WordNet the list written to a file is left as it was: the
// shell's "> synonyms.txt" the README gave emptied the committed list
// before the program could fail.
func TestGenerateLeavesTheListWithoutWordNet(t *testing.T) {
	out := filepath.Join(t.TempDir(), "synonyms.txt")
	if err := os.WriteFile(out, []byte("kept\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := generate(filepath.Join(t.TempDir(), "no-wordnet"), out, nil); err == nil {
		t.Fatal("no error without a WordNet database")
	}
	if b, _ := os.ReadFile(out); string(b) != "kept\n" {
		t.Fatalf("the list was changed to %q", b)
	}
}
