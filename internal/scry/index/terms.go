package index

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/verdigris-dev/verdigris/internal/scry/text"
)

// Caps keep one huge commit (a vendored library, a generated file) from
// costing more than it can tell: past them, lines are still counted but
// no more terms are taken.
const (
	maxDiffBytes      = 1 << 20  // of changed lines read for terms, per commit
	maxDiffTerms      = 1500     // distinct diff terms kept per commit
	maxMessageBytes   = 64 << 10 // of a body's text, and of its trailers
	maxPathTerms      = 400      // distinct path terms kept per commit
	maxTokenLen       = 48       // longer tokens are data, not identifiers
	minTokenLen       = 3
	hexLikeMinLen     = 7
	bigFileForGitDiff = "2m" // core.bigFileThreshold: larger files are binary to the diff
)

// lockfiles are the dependency lockfiles, by base name, whose changed
// lines give no diff terms (skipLines). A dependency bump rewrites
// thousands of their lines (package names, versions, integrity hashes
// such as sha512-AbC…), which say nothing a question asks about, and
// git lists them before the code (bun.lock before packages/, Cargo.lock
// before src/): they used up the commit's maxDiffTerms and the code's
// identifiers were never indexed. The manifest beside each (package.json,
// Cargo.toml, go.mod) names the direct dependencies and keeps its terms.
var lockfiles = map[string]bool{
	// JavaScript and TypeScript
	"bun.lock": true, "package-lock.json": true, "npm-shrinkwrap.json": true,
	"pnpm-lock.yaml": true, "yarn.lock": true, "deno.lock": true,
	// Rust, Go
	"Cargo.lock": true, "go.sum": true, "go.work.sum": true,
	// Python
	"poetry.lock": true, "uv.lock": true, "Pipfile.lock": true, "pdm.lock": true,
	// PHP, Ruby, Nix, Elixir, Dart
	"composer.lock": true, "Gemfile.lock": true, "flake.lock": true, "mix.lock": true, "pubspec.lock": true,
	// Swift and Objective-C, .NET, Gradle
	"Podfile.lock": true, "Package.resolved": true, "packages.lock.json": true, "gradle.lockfile": true,
}

// minifiedSuffixes end the names of minified code and source maps, whose
// changed lines are a few huge ones of mangled names and encoded
// positions: like lockfiles, they give no diff terms.
var minifiedSuffixes = []string{".min.js", ".min.css", ".js.map", ".css.map"}

// skipLines says by its name whether a changed file's lines are left out
// of the diff terms: a lockfile, a minified file or a generator's output
// (generatedName); still listed, with its line counts and its path's
// terms. Files the work tree's .gitattributes marks -diff (or binary)
// need no rule: git's diff shows them as binary, without lines. Those it
// marks linguist-generated are skipFile's.
func skipLines(path string) bool {
	base := path[strings.LastIndexByte(path, '/')+1:]
	if lockfiles[base] {
		return true
	}
	for _, s := range minifiedSuffixes {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	return generatedName(path)
}

// diffTerms collects the identifier-like tokens of one commit's changed
// lines and turns them into analysed terms. Tokens are scanned as bytes
// (ASCII identifiers) and analysed once per distinct token of a commit,
// stems memoised across commits: this runs over every changed line of the
// history.
type diffTerms struct {
	tokens map[string]struct{}
	// order is the tokens as first seen: past maxDiffTerms the first ones
	// are kept, the same ones on every run (not the map's random pick).
	order  []string
	bytes  int
	capped bool
	an     *text.Analyzer
	buf    []string

	// The file being read, when the commit adds it: its leading lines
	// (up to maxHeaderLines, and the first that is code) are looked at
	// for a generated-code marker (generatedHeader); on one, the terms
	// its lines gave are taken back (to since) and its other lines give
	// none, as if its name had said it was generated.
	probe     int // leading lines still to look at
	since     diffMark
	generated bool // the rest of the file gives no terms
	// What a header line alone does not tell (headerLine): the closing
	// delimiter of the block comment or docstring the header is in ("" when
	// none), and whether the file is VB's or Python's, whose comments
	// and docstrings the others' lines would be read as code by.
	block  string
	vb, py bool

	// The file's lines shaped as a Git LFS pointer's, held back until
	// they are known to be one (lfs.go): notPointer, the file has
	// given other lines; heldOff, more than a pointer's, and none are
	// held any more.
	held       []heldLine
	heldBytes  int
	notPointer bool
	heldOff    bool
}

// diffMark is where a commit's terms stood when a file began.
type diffMark struct {
	order, bytes int
	capped       bool
}

func newDiffTerms(an *text.Analyzer) *diffTerms {
	return &diffTerms{tokens: map[string]struct{}{}, an: an}
}

func (d *diffTerms) reset() {
	clear(d.tokens)
	clear(d.order)
	d.order = d.order[:0]
	d.bytes, d.capped = 0, false
	d.probe, d.generated, d.block = 0, false, ""
	d.clearHeld()
	d.notPointer, d.heldOff = false, false
}

// startFile is told of each file whose lines come next, by its path;
// isNew: the commit adds it, and its header is looked at.
func (d *diffTerms) startFile(path string, isNew bool) {
	d.flushPointer()
	d.notPointer, d.heldOff = false, false
	d.probe, d.generated, d.block = 0, false, ""
	if isNew {
		d.probe = maxHeaderLines
		d.vb, d.py = hasSuffixFold(path, ".vb"), hasSuffixFold(path, ".py") || hasSuffixFold(path, ".pyi")
		d.since = diffMark{order: len(d.order), bytes: d.bytes, capped: d.capped}
	}
}

// takeBack undoes the terms the current file gave: its tokens were new
// to the commit when they entered order.
func (d *diffTerms) takeBack() {
	for _, t := range d.order[d.since.order:] {
		delete(d.tokens, t)
	}
	clear(d.order[d.since.order:])
	d.order = d.order[:d.since.order]
	d.bytes, d.capped = d.since.bytes, d.since.capped
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdent(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

// line takes one changed line.
func (d *diffTerms) line(_ int, l []byte) {
	if d.generated {
		return
	}
	if d.probe > 0 {
		d.probe--
		marked, code := d.headerLine(l)
		if marked {
			d.clearHeld()
			d.takeBack()
			d.probe, d.generated = 0, true
			return
		}
		if code {
			d.probe = 0
		}
	}
	if d.holdPointerLine(l) {
		return
	}
	d.take(l)
}

// take takes one line's tokens.
func (d *diffTerms) take(l []byte) {
	if d.bytes >= maxDiffBytes {
		d.capped = true
		return
	}
	d.bytes += len(l)
	for i := 0; i < len(l); {
		if !isIdentStart(l[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(l) && isIdent(l[j]) {
			j++
		}
		tok := l[i:j]
		i = j
		if len(tok) < minTokenLen || len(tok) > maxTokenLen || hexLike(tok) {
			continue
		}
		if _, ok := d.tokens[string(tok)]; !ok {
			t := string(tok)
			d.tokens[t] = struct{}{}
			d.order = append(d.order, t)
		}
	}
}

// hexLike: hashes, UUID parts and encoded data look like identifiers but
// carry no meaning.
func hexLike(tok []byte) bool {
	if len(tok) < hexLikeMinLen {
		return false
	}
	digits := 0
	for _, c := range tok {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return digits > 0
}

// terms returns the commit's distinct diff terms, space-separated.
func (d *diffTerms) terms() string {
	d.flushPointer()
	if len(d.tokens) == 0 {
		return ""
	}
	seen := map[string]struct{}{}
	var b strings.Builder
	for _, tok := range d.order {
		d.buf = d.an.Terms(tok)
		for _, t := range d.buf {
			if len(seen) >= maxDiffTerms {
				d.capped = true
				return b.String()
			}
			if _, dup := seen[t]; dup {
				continue
			}
			seen[t] = struct{}{}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
	}
	return b.String()
}

// joinTerms analyses s and joins its terms with spaces.
func joinTerms(an *text.Analyzer, s string) string {
	return strings.Join(an.Terms(s), " ")
}

// pathTerms are the distinct terms of a commit's changed paths.
func pathTerms(an *text.Analyzer, paths []string) string {
	seen := map[string]struct{}{}
	var out []string
	for _, p := range paths {
		for _, t := range an.Terms(p) {
			if _, dup := seen[t]; dup {
				continue
			}
			if len(out) >= maxPathTerms {
				return strings.Join(out, " ")
			}
			seen[t] = struct{}{}
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

// indexedBody is a commit body as the index keeps, searches, learns from
// and embeds it: its text and its trailer block (splitTrailers), each
// cut to maxMessageBytes, without the lines AI coding agents sign their
// commits with (agentSigned); agents names those agents, to be searched
// by name. long says a part was cut. A message is someone's words, and
// its first 64 KiB hold them: one of megabytes (a generated changelog, a
// pasted log) cost seconds a megabyte and hundreds of MiB.
func indexedBody(body string) (textPart, trailers string, agents []string, long bool) {
	body, agents = withoutAgentLines(body)
	textPart, trailers = splitTrailers(body)
	textPart, long = cutText(textPart, maxMessageBytes)
	trailers, cut := cutText(trailers, maxMessageBytes)
	return textPart, trailers, agents, long || cut
}

// agentLinks are the agents whose closing line a commit message ends
// with, "🤖 Generated with [NAME](URL)" (the robot is optional), by
// NAME, lowercased: Claude Code's (claude.com/claude-code, formerly
// claude.ai/code), opencode's (opencode.ai), Amp's (ampcode.com) and
// Devin's (cli.devin.ai). Their trailers follow (agentEmails).
var agentLinks = map[string]string{
	"claude code": "Claude",
	"opencode":    "opencode",
	"amp":         "Amp",
	"devin":       "Devin",
}

// agentEmails are the addresses of the AI coding agents' Co-authored-by
// trailers (aider's and opencode's model in their name: "aider
// (gpt-4o)"). A GitHub app's no-reply address is given without the
// account's id before its "+".
var agentEmails = map[string]string{
	"noreply@anthropic.com":                              "Claude",
	"noreply@openai.com":                                 "Codex",
	"codex@openai.com":                                   "Codex",
	"aider@aider.chat":                                   "aider",
	"noreply@aider.chat":                                 "aider",
	"cursoragent@cursor.com":                             "Cursor",
	"copilot@users.noreply.github.com":                   "Copilot", // the Copilot account's GitHub address
	"noreply@opencode.ai":                                "opencode",
	"opencode-agent[bot]@users.noreply.github.com":       "opencode", // its GitHub app's
	"amp@ampcode.com":                                    "Amp",
	"devin-ai-integration[bot]@users.noreply.github.com": "Devin",
}

// agentLink reads an agent's closing line: "Generated with", the
// agent's name as a markdown link to a web address, nothing after it.
func agentLink(line string) (agent string, ok bool) {
	line = strings.TrimPrefix(line, "🤖 ")
	rest, found := strings.CutPrefix(line, "Generated with [")
	if !found {
		return "", false
	}
	name, url, found := strings.Cut(rest, "](")
	if !found || !strings.HasPrefix(url, "https://") || !strings.HasSuffix(url, ")") || strings.ContainsAny(url[:len(url)-1], " ()[]") {
		return "", false
	}
	agent, ok = agentLinks[strings.ToLower(name)]
	return agent, ok
}

// agentSigned says whether a line of a commit message is one an AI
// coding agent signs every commit with, and which agent's: its closing
// line (agentLink), its Co-authored-by trailer (by its address), or
// Cursor's "Made-with: Cursor". Only these exact shapes: a line that
// mentions an agent otherwise is someone's words.
func agentSigned(line string) (agent string, ok bool) {
	line = strings.TrimSpace(line)
	if agent, ok := agentLink(line); ok {
		return agent, true
	}
	k, v, found := strings.Cut(line, ":")
	if !found {
		return "", false
	}
	v = strings.TrimSpace(v)
	switch {
	case strings.EqualFold(k, "Made-with"):
		return "Cursor", v == "Cursor"
	case !strings.EqualFold(k, "Co-authored-by") || !strings.HasSuffix(v, ">"):
		return "", false
	}
	i := strings.LastIndexByte(v, '<')
	if i < 0 {
		return "", false
	}
	email := strings.ToLower(v[i+1 : len(v)-1])
	if _, addr, ok := strings.Cut(email, "+"); ok && strings.HasSuffix(email, "@users.noreply.github.com") {
		email = addr // GitHub's no-reply address: the account's id, "+", its name
	}
	agent, ok = agentEmails[email]
	return agent, ok
}

// withoutAgentLines removes the agents' signature lines (agentSigned)
// from a body, with the blank line after one that stood apart, and names
// the agents, each once. A body without them is returned as it is.
func withoutAgentLines(body string) (string, []string) {
	var agents []string
	var b strings.Builder
	at, dropped := 0, false
	for l := range strings.Lines(body) {
		agent, ok := agentSigned(l)
		switch {
		case ok:
			if agents == nil {
				b.WriteString(body[:at])
			}
			if !slices.Contains(agents, agent) {
				agents = append(agents, agent)
			}
			dropped = true
		case agents == nil:
		case dropped && strings.TrimSpace(l) == "" && (b.Len() == 0 || strings.HasSuffix(b.String(), "\n\n")):
			// The blank line after a dropped paragraph goes with it.
		default:
			dropped = false
			b.WriteString(l)
		}
		at += len(l)
	}
	if agents == nil {
		return body, nil
	}
	return b.String(), agents
}

// cutText cuts s to at most n bytes: at its last line end past half of
// them, else at a character boundary.
func cutText(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	if i := strings.LastIndexByte(s[:n], '\n'); i > n/2 {
		return strings.TrimRight(s[:i], " \t\r\n"), true
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// splitTrailers splits a commit body into its text and its trailer block:
// the last paragraph, when every line of it is "Key: value" with a key
// without spaces (how git interpret-trailers sees it).
func splitTrailers(body string) (textPart, trailers string) {
	body = strings.TrimSpace(body)
	i := strings.LastIndex(body, "\n\n")
	last := body
	if i >= 0 {
		last = body[i+2:]
	}
	if strings.TrimSpace(last) == "" {
		return body, ""
	}
	for _, l := range strings.Split(last, "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \t") || strings.TrimSpace(v) == "" {
			return body, ""
		}
	}
	if i < 0 {
		return "", last
	}
	return strings.TrimSpace(body[:i]), last
}

// searchableTrailers keeps the trailer values worth searching: not the
// people ("Signed-off-by", "Co-authored-by", ...), which the author
// filter and git shortlog answer better.
func searchableTrailers(trailers string) string {
	var out []string
	for _, l := range strings.Split(trailers, "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok || strings.HasSuffix(strings.ToLower(k), "-by") {
			continue
		}
		out = append(out, k+" "+strings.TrimSpace(v))
	}
	return strings.Join(out, "\n")
}
