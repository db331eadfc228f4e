package replay

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Automated commits (Options.Bots): what a busy project's CI and
// dependency bots commit, over and over, with the dates and versions in
// their messages varying: download statistics every day, formatting and
// generated code, Nix lock files and hashes, releases, dependabot's bumps.

// BotAuthors are the authors of the automated commits.
var BotAuthors = []string{
	"github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
	"dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
}

// botKinds are the kinds of automated commit and their shares (out of
// 100) of the bots' commits.
var botKinds = []struct {
	name  string
	share uint32
}{
	{"stats", 30},    // ignore: update download stats 2025-07-14 (stats.json)
	{"format", 15},   // chore: format code (the generated SDK)
	{"nix", 15},      // Update Nix flake.lock and hashes (flake.lock, nix/hashes.json)
	{"release", 15},  // release: v0.15.3 (package.json)
	{"generate", 10}, // chore: generate (the generated SDK's types)
	{"deps", 15},     // chore(deps): bump X from 1.2.3 to 1.2.4 (package.json, bun.lock)
}

// botDeps are the packages dependabot bumps: name, repository, and the
// version the history starts at.
var botDeps = []struct{ name, repo, from string }{
	{"vite", "vitejs/vite", "5.4.2"},
	{"typescript", "microsoft/TypeScript", "5.6.2"},
	{"@types/node", "DefinitelyTyped/DefinitelyTyped", "22.5.4"},
	{"zod", "colinhacks/zod", "3.23.8"},
	{"hono", "honojs/hono", "4.6.3"},
	{"prettier", "prettier/prettier", "3.3.3"},
}

const (
	botSDK      = "packages/sdk/js/src/gen/sdk.gen.ts"
	botSDKTypes = "packages/sdk/js/src/gen/types.gen.ts"
)

// botWriter writes the automated commits between the recorded ones and
// keeps what they change: the statistics so far, the release and the
// dependencies' versions.
type botWriter struct {
	branch     string
	n, total   int // bots to write, recorded commits in the replay
	written    int
	mark       int // the last mark used; bots' marks follow total
	stats      []string
	release    int // releases so far
	deps       [][3]int
	generation int
}

func newBotWriter(opt Options, total int) *botWriter {
	b := &botWriter{branch: opt.Branch, n: max(opt.Bots, 0), total: total, mark: total}
	for _, d := range botDeps {
		var v [3]int
		fmt.Sscanf(d.from, "%d.%d.%d", &v[0], &v[1], &v[2])
		b.deps = append(b.deps, v)
	}
	return b
}

// count is how many bots follow the g-th recorded commit (0-based, over
// all rounds): n spread evenly over total, none before the first.
func (b *botWriter) count(g int) int {
	if b.n == 0 || b.total == 0 {
		return 0
	}
	return int(int64(g+1)*int64(b.n)/int64(b.total) - int64(g)*int64(b.n)/int64(b.total))
}

// after writes the bots that follow the g-th recorded commit, made at
// when, onto prev (a mark), and returns the last mark written.
func (b *botWriter) after(w io.Writer, g int, when time.Time, files map[string][]string, prev int) int {
	for k := 0; k < b.count(g); k++ {
		b.written++
		b.mark++
		at := when.Add(time.Duration(k+1) * time.Minute)
		h := hash(fmt.Sprintf("bot/%d", b.written))
		kind, acc := botKinds[len(botKinds)-1].name, uint32(0)
		for _, bk := range botKinds {
			if acc += bk.share; h%100 < acc {
				kind = bk.name
				break
			}
		}
		msg, author, changed := b.commit(kind, h, at)
		stamp := fmt.Sprintf("%d %s", at.Unix(), at.Format("-0700"))
		fmt.Fprintf(w, "commit refs/heads/%s\nmark :%d\nauthor %s %s\ncommitter %s %s\ndata %d\n%s", b.branch, b.mark, author, stamp, author, stamp, len(msg), msg)
		if prev > 0 {
			fmt.Fprintf(w, "from :%d\n", prev)
		}
		for _, path := range sortedKeys(changed) {
			lines := changed[path]
			files[path] = lines
			content := strings.Join(lines, "\n") + "\n"
			fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", path, len(content), content)
		}
		fmt.Fprintln(w)
		prev = b.mark
	}
	return prev
}

// commit makes one automated commit of the kind: its message, author
// and the files it writes (whole).
func (b *botWriter) commit(kind string, h uint32, at time.Time) (msg, author string, files map[string][]string) {
	author = BotAuthors[0]
	files = map[string][]string{}
	switch kind {
	case "stats":
		day := at.UTC().Format("2006-01-02")
		b.stats = append(b.stats, fmt.Sprintf("  %q: %d", day, 1000+int(h>>8)%90000))
		if len(b.stats) > 60 {
			b.stats = b.stats[len(b.stats)-60:]
		}
		files["stats.json"] = append(append([]string{"{"}, joinJSON(b.stats)...), "}")
		msg = "ignore: update download stats " + day
	case "format":
		b.generation++
		files[botSDK] = b.sdk()
		msg = "chore: format code"
	case "generate":
		b.generation++
		files[botSDKTypes] = b.sdkTypes()
		msg = "chore: generate"
	case "nix":
		files["flake.lock"] = []string{
			"{", `  "nodes": {`, `    "nixpkgs": {`, `      "locked": {`,
			fmt.Sprintf(`        "lastModified": %d,`, at.Unix()),
			fmt.Sprintf(`        "narHash": "sha256-%s",`, pseudoBase64(h, 43)),
			`        "owner": "NixOS",`, `        "repo": "nixpkgs",`,
			fmt.Sprintf(`        "rev": "%s",`, pseudoHex(h, 40)),
			`        "type": "github"`, "      }", "    }", "  },", `  "version": 7`, "}",
		}
		files["nix/hashes.json"] = []string{
			"{", `  "nodeModules": {`,
			fmt.Sprintf(`    "x86_64-linux": "sha256-%s=",`, pseudoBase64(h^1, 43)),
			fmt.Sprintf(`    "aarch64-darwin": "sha256-%s="`, pseudoBase64(h^2, 43)),
			"  }", "}",
		}
		msg = "Update Nix flake.lock and hashes"
	case "release":
		b.release++
		files["package.json"] = b.packageJSON()
		msg = "release: v" + b.version()
	case "deps":
		author = BotAuthors[1]
		i := int(h>>8) % len(botDeps)
		d, v := botDeps[i], &b.deps[i]
		from := fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2])
		update := "patch"
		if (h>>16)%5 == 0 {
			v[1], v[2], update = v[1]+1, 0, "minor"
		} else {
			v[2]++
		}
		to := fmt.Sprintf("%d.%d.%d", v[0], v[1], v[2])
		files["package.json"] = b.packageJSON()
		files["bun.lock"] = b.bunLock(h)
		msg = fmt.Sprintf("chore(deps): bump %s from %s to %s\n\n"+
			"Bumps [%s](https://github.com/%s) from %s to %s.\n"+
			"- [Release notes](https://github.com/%s/releases)\n"+
			"- [Commits](https://github.com/%s/compare/v%s...v%s)\n\n"+
			"---\nupdated-dependencies:\n- dependency-name: %s\n  dependency-version: %s\n"+
			"  dependency-type: direct:development\n  update-type: version-update:semver-%s\n...\n\n"+
			"Signed-off-by: dependabot[bot] <support@github.com>",
			d.name, from, to, d.name, d.repo, from, to, d.repo, d.repo, from, to, d.name, to, update)
	}
	return msg + "\n", author, files
}

// version is the latest release's version: 0.1.0 first, a minor release
// every 20th, patches between; 0.0.0 before the first.
func (b *botWriter) version() string {
	if b.release == 0 {
		return "0.0.0"
	}
	r := b.release - 1
	return fmt.Sprintf("0.%d.%d", 1+r/20, r%20)
}

func (b *botWriter) packageJSON() []string {
	lines := []string{"{", `  "name": "workspace",`, fmt.Sprintf(`  "version": %q,`, b.version()), `  "private": true,`, `  "devDependencies": {`}
	var deps []string
	for i, d := range botDeps {
		v := b.deps[i]
		deps = append(deps, fmt.Sprintf(`    %q: "^%d.%d.%d"`, d.name, v[0], v[1], v[2]))
	}
	return append(append(lines, joinJSON(deps)...), "  }", "}")
}

func (b *botWriter) bunLock(h uint32) []string {
	lines := []string{"{", `  "lockfileVersion": 1,`, `  "packages": {`}
	var pkgs []string
	for i, d := range botDeps {
		v := b.deps[i]
		pkgs = append(pkgs, fmt.Sprintf(`    %q: ["%s@%d.%d.%d", "", {}, "sha512-%s=="]`, d.name, d.name, v[0], v[1], v[2], pseudoBase64(h+uint32(i), 86)))
	}
	return append(append(lines, joinJSON(pkgs)...), "  }", "}")
}

func (b *botWriter) sdk() []string {
	return []string{
		"// This file is auto-generated by @hey-api/openapi-ts",
		`import { createClient, type Client } from "./client"`,
		`import type { SessionListData, SessionListResponses } from "./types.gen"`,
		"",
		fmt.Sprintf("export const client: Client = createClient({ baseUrl: %q })", "http://localhost:4096"),
		"",
		"export class Session {",
		"  public list<ThrowOnError extends boolean = false>(options?: Options<SessionListData, ThrowOnError>) {",
		fmt.Sprintf("    return (options?.client ?? client).get<SessionListResponses, unknown, ThrowOnError>({ url: \"/session\", ...options }) // %d", b.generation),
		"  }",
		"}",
	}
}

func (b *botWriter) sdkTypes() []string {
	return []string{
		"// This file is auto-generated by @hey-api/openapi-ts",
		"",
		"export type SessionListData = {",
		"  body?: never",
		"  path?: never",
		fmt.Sprintf("  query?: { directory?: string; limit?: number } // %d", b.generation),
		"  url: \"/session\"",
		"}",
		"",
		"export type SessionListResponses = {",
		"  200: Array<Session>",
		"}",
	}
}

// joinJSON puts commas after every line but the last.
func joinJSON(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l
		if i < len(lines)-1 {
			out[i] += ","
		}
	}
	return out
}

func pseudoHex(h uint32, n int) string {
	return pseudo(h, n, "0123456789abcdef")
}

func pseudoBase64(h uint32, n int) string {
	return pseudo(h, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
}

func pseudo(h uint32, n int, alphabet string) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		h = h*1664525 + 1013904223
		sb.WriteByte(alphabet[(h>>24)%uint32(len(alphabet))])
	}
	return sb.String()
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
