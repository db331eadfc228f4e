package cli

import "strings"

// Nearest returns the one name of names that word is a typo of, for a
// "did you mean" hint: the same name in another case ("CI"), else the
// nearest within one edit (a letter left out, added or changed, or two
// neighbours swapped: "serach"), or two for a word of six letters or
// more. It returns "" when none is, or when two are as near (a guess
// between them helps no one), and for a word under three letters that
// differs in more than case, which is that near too many names.
func Nearest(word string, names []string) string {
	for _, n := range names {
		if n == word {
			return ""
		}
	}
	for _, n := range names {
		if strings.EqualFold(n, word) {
			return n
		}
	}
	if len([]rune(word)) < 3 {
		return ""
	}
	best, found := 1, ""
	if len([]rune(word)) >= 6 {
		best = 2
	}
	tie := false
	for _, n := range names {
		switch d := editDistance(strings.ToLower(word), strings.ToLower(n)); {
		case d < best || found == "" && d == best:
			best, found, tie = d, n, false
		case d == best && n != found:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return found
}

// editDistance is the optimal string alignment distance of a and b, in
// runes: insertions, deletions, substitutions and swaps of neighbours.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// NearestOne is Nearest within one edit whatever the word's length, or
// a name in another case: for a guess at a word that may well be meant
// as it is (a query's), where a guess two edits away is too far.
func NearestOne(word string, names []string) string {
	n := Nearest(word, names)
	if n == "" || editDistance(strings.ToLower(word), strings.ToLower(n)) > 1 {
		return ""
	}
	return n
}
