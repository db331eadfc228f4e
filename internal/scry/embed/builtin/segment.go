package builtin

import (
	"strings"

	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// segments cuts a text into the spans that co-occurrence windows may not
// cross (paragraphs), each reduced to its terms. Lines that carry no
// meaning for the embedding are dropped: trailers (Signed-off-by: …),
// URLs, fenced code, HTML tags and markdown table rules.
func segments(s string, terms func(string) []string) [][]string {
	var out [][]string
	var cur []string
	eachLine(s, func(line string) {
		cur = append(cur, terms(line)...)
	}, func() {
		if len(cur) > 0 {
			out = append(out, cur)
			cur = nil
		}
	})
	return out
}

// eachLine calls line with each line of s that segments reads, cleaned
// (cleanLine), and brk where a segment ends: at blank lines, code fences
// and the end of s.
func eachLine(s string, line func(string), brk func()) {
	fenced := false
	for l := range strings.Lines(s) {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~") {
			fenced = !fenced
			brk()
			continue
		}
		if fenced {
			continue
		}
		if l == "" {
			brk()
			continue
		}
		if isTrailer(l) {
			continue
		}
		line(cleanLine(l))
	}
	brk()
}

// modelTerms are the terms the built-in model learns and embeds: the
// text analysis's less emoji, version numbers and hyphenated words'
// closed forms, which are searched lexically only (text.LexicalOnly,
// text.Compound). The machine's text and a history hold too few of the
// first two to learn from, and learning emoji cost Recall@10 on the
// lefthook sets (0.427 → 0.414, docs/benchmarks.md); without them the
// model is the one it was.
func modelTerms(s string) []string {
	terms := text.PlainTerms(s)
	out := terms[:0]
	for _, t := range terms {
		if !text.LexicalOnly(t) {
			out = append(out, t)
		}
	}
	return out
}

// messageTerms is the analysis of a commit message or query for
// embedding: its terms, the subject's (first line's) counted apart so it
// can weigh more than the body.
func messageTerms(s string) (subject, body []string) {
	first, rest, _ := strings.Cut(strings.TrimLeft(s, "\n"), "\n")
	if !isTrailer(strings.TrimSpace(first)) {
		subject = modelTerms(cleanLine(first))
	}
	for _, seg := range segments(rest, modelTerms) {
		body = append(body, seg...)
	}
	return subject, body
}

// trailerKeys are the git trailers that say who, not what.
var trailerKeys = []string{
	"signed-off-by:", "co-authored-by:", "reviewed-by:", "acked-by:", "tested-by:",
	"reported-by:", "suggested-by:", "helped-by:", "cc:", "change-id:",
}

func isTrailer(line string) bool {
	for _, k := range trailerKeys {
		if len(line) >= len(k) && strings.EqualFold(line[:len(k)], k) {
			return true
		}
	}
	return false
}

// cleanLine blanks URLs, e-mail addresses and HTML/markdown markup whose
// parts would otherwise become terms (https, com, github, …).
func cleanLine(line string) string {
	if !strings.ContainsAny(line, ":@<|") {
		return line
	}
	f := strings.Fields(line)
	keep := f[:0]
	for _, w := range f {
		switch {
		case strings.Contains(w, "://"), strings.Contains(w, "@") && strings.Contains(w, "."):
			continue
		case strings.HasPrefix(w, "<") || strings.HasSuffix(w, ">"):
			continue
		case strings.Trim(w, "|-:") == "":
			continue
		}
		// [text](url): keep the text.
		if i := strings.Index(w, "]("); i >= 0 {
			w = w[:i]
		}
		keep = append(keep, w)
	}
	return strings.Join(keep, " ")
}
