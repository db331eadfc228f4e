package vault

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/pathglob"
)

// Finding is one secret guard found. It never holds the secret itself.
type Finding struct {
	Commit      string `json:"commit,omitempty"` // "" for staged changes
	Path        string `json:"path"`
	Line        int    `json:"line"`
	Rule        string `json:"rule"`
	Description string `json:"description"`
	// Fingerprint identifies a pattern finding for .verdigris/guard-ignore;
	// vault values have none, they cannot be ignored.
	Fingerprint string `json:"fingerprint,omitempty"`
	Secret      string `json:"secret,omitempty"` // the vault secret's name
}

// GuardIgnoreFile lists false positives, relative to the worktree root.
const GuardIgnoreFile = ".verdigris/guard-ignore"

// IgnoreList is a parsed guard-ignore file.
type IgnoreList struct {
	fingerprints map[string]bool
	rules        []ignoreRule
}

type ignoreRule struct {
	rule string         // "" for any pattern rule
	path *regexp.Regexp // nil for any path
}

// ParseIgnore parses a guard-ignore file:
//
//	# comment
//	fp:3a5f0c9e12ab          one finding, by the fingerprint guard printed
//	rule:generic-secret      a rule everywhere
//	rule:generic-secret GLOB a rule in matching paths
//	path:GLOB                every pattern rule in matching paths
//
// GLOB matches a repository-relative path; * and ? stop at '/', ** does not
// (internal/pathglob).
func ParseIgnore(data []byte) (*IgnoreList, error) {
	il := &IgnoreList{fingerprints: map[string]bool{}}
	known := map[string]bool{}
	for _, r := range guardRules {
		known[r.ID] = true
	}
	for n, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		kind, arg, _ := strings.Cut(f[0], ":")
		switch {
		case kind == "fp" && len(f) == 1 && len(arg) == 12 && isLowerHex(arg):
			il.fingerprints[arg] = true
		case kind == "rule" && known[arg] && len(f) <= 2:
			ir := ignoreRule{rule: arg}
			if len(f) == 2 {
				re, err := pathglob.Regexp(f[1])
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %v", GuardIgnoreFile, n+1, err)
				}
				ir.path = re
			}
			il.rules = append(il.rules, ir)
		case kind == "path" && arg != "" && len(f) == 1:
			re, err := pathglob.Regexp(arg)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", GuardIgnoreFile, n+1, err)
			}
			il.rules = append(il.rules, ignoreRule{path: re})
		case kind == "rule" && !known[arg]:
			return nil, fmt.Errorf("%s:%d: unknown rule %q", GuardIgnoreFile, n+1, arg)
		default:
			return nil, fmt.Errorf("%s:%d: expected fp:FINGERPRINT, rule:RULE [GLOB] or path:GLOB", GuardIgnoreFile, n+1)
		}
	}
	return il, nil
}

func (il *IgnoreList) ignores(f *Finding) bool {
	if il == nil || f.Secret != "" {
		return false
	}
	if il.fingerprints[f.Fingerprint] {
		return true
	}
	for _, r := range il.rules {
		if (r.rule == "" || r.rule == f.Rule) && (r.path == nil || r.path.MatchString(f.Path)) {
			return true
		}
	}
	return false
}

func fingerprint(rule, path string, secret []byte) string {
	h := sha256.New()
	h.Write([]byte(rule + "\x00" + path + "\x00"))
	h.Write(secret)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// GuardOptions configure a scan.
type GuardOptions struct {
	Secrets []Secret    // decrypted vault values; none without an identity
	Ignore  *IgnoreList // may be nil
	Skipped *[]string   // receives the names of values too short to search
}

// Guard scans the lines commits add (the index's staged changes when
// commits is nil) for vault values and credential patterns.
func Guard(ctx context.Context, r *gitrepo.Repo, commits []string, opts GuardOptions) ([]Finding, error) {
	ix, skipped := newValueIndex(opts.Secrets)
	defer ix.wipe()
	if opts.Skipped != nil {
		*opts.Skipped = skipped
	}
	var out []Finding
	seen := map[string]bool{}
	var lower []byte
	report := func(f Finding) {
		if opts.Ignore.ignores(&f) {
			return
		}
		k := fmt.Sprintf("%s\x00%s\x00%d\x00%s\x00%s", f.Commit, f.Path, f.Line, f.Rule, f.Secret)
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	var run wrappedRun
	defer run.reset()
	err := r.EachAddedLine(ctx, commits, func(al *gitrepo.AddedLine) {
		if strings.HasPrefix(al.Path, Dir+"/") {
			return // the vault's own ciphertext
		}
		ix.find(al.Text, func(n valueNeedle) {
			desc := "value of vault secret " + n.name
			if n.form != "raw" {
				desc += " (" + n.form + ")"
			}
			report(Finding{Commit: al.Commit, Path: al.Path, Line: al.Line, Rule: "vault-value", Description: desc, Secret: n.name})
		})
		run.add(ix, al.Commit, al.Path, al.Line, al.Text, func(n valueNeedle, line int) {
			desc := "value of vault secret " + n.name + " (" + n.form + ", across lines)"
			report(Finding{Commit: al.Commit, Path: al.Path, Line: line, Rule: "vault-value", Description: desc, Secret: n.name})
		})
		lower = append(lower[:0], al.Text...)
		for i, c := range lower {
			if c >= 'A' && c <= 'Z' {
				lower[i] = c + 'a' - 'A'
			}
		}
		matchRules(al.Text, lower, func(rule *guardRule, secret []byte, at int) {
			// A credential that is (or holds, or is part of) a vault
			// value is that value, found above: as a pattern finding too
			// it was counted twice, and its fingerprint offered
			// guard-ignore for a real secret.
			if ix.overlaps(al.Text, at, at+len(secret)) {
				return
			}
			report(Finding{Commit: al.Commit, Path: al.Path, Line: al.Line, Rule: rule.ID, Description: rule.Description, Fingerprint: fingerprint(rule.ID, al.Path, secret)})
		})
	})
	clear(lower)
	return out, err
}

// PushRef is one line of a pre-push hook's stdin.
type PushRef struct {
	LocalRef, LocalSHA, RemoteRef, RemoteSHA string
}

// ParsePrePush reads the refs git hands a pre-push hook.
func ParsePrePush(r io.Reader) ([]PushRef, error) {
	var refs []PushRef
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("unexpected pre-push input line %q", sc.Text())
		}
		refs = append(refs, PushRef{f[0], f[1], f[2], f[3]})
	}
	return refs, sc.Err()
}

// PushCommits lists the commits a push to remote (the name or URL git
// gives a pre-push hook) would send: for each updated ref, those not
// already on the remote's side (remote..local when git knows the remote
// commit, else those on none of that remote's tracking refs). Deleted refs
// send nothing. Only that remote's tracking refs count: a commit another
// remote has (a private origin, or one named origin/mirror when pushing
// to origin) is still new to this one (a public mirror), and a push to a
// URL counts none. Without a remote, every remote's tracking refs count.
func PushCommits(ctx context.Context, r *gitrepo.Repo, remote string, refs []PushRef) ([]string, error) {
	known := []string{"--remotes"}
	if remote != "" {
		var err error
		if known, err = r.TrackingRefArgs(ctx, remote); err != nil {
			return nil, err
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, ref := range refs {
		if gitrepo.IsZeroID(ref.LocalSHA) {
			continue
		}
		args := append([]string{"--reverse", ref.LocalSHA, "--not"}, known...)
		if !gitrepo.IsZeroID(ref.RemoteSHA) && r.HasObject(ctx, ref.RemoteSHA) {
			args = []string{"--reverse", ref.LocalSHA, "^" + ref.RemoteSHA}
		}
		cs, err := r.RevList(ctx, args...)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// SortFindings orders findings by path, line and rule.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Rule < b.Rule
	})
}
