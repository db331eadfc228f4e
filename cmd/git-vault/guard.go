package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/verdigris-dev/verdigris/internal/cli"
	"github.com/verdigris-dev/verdigris/internal/gitrepo"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var guardCmd = &cli.Command{
	Name: "guard",
	Usage: `Usage: git vault guard --pre-push REMOTE [URL]   (refs on stdin, from git)
       git vault guard --staged
       git vault guard --range A..B

Look for secrets in what is about to leave: the lines added by the commits
a push sends (--pre-push, what the pre-push hook runs), by the staged
changes (--staged), or by the commits of a range (--range). It finds the
vault's values (also in base64, base64url and hex) and common credentials:
private key blocks, age keys, AWS keys, GitHub, GitLab, Slack, Google,
Stripe, npm and PyPI tokens, and long random values assigned to names like
password or api_key. Findings are printed as path:line with the rule that
matched, never the value. Exit 1 when anything is found, which blocks the
push; 130 when Ctrl-C stopped the scan (143 SIGTERM), which blocks it too.

Vault values are found only with an identity (it decrypts them); without
one, guard says so and checks the credential patterns only. Values shorter
than 8 bytes are not searched for.

False positives go in .verdigris/guard-ignore, one per line:
  fp:FINGERPRINT          one finding, by the fingerprint guard printed
  rule:RULE [GLOB]        a rule, everywhere or in matching paths
  path:GLOB               every pattern rule in matching paths
A vault value is never ignored (one that looks like a credential, such as
a GitHub token kept in the vault, is reported as the vault value, without fp:).

Flags:
      --pre-push        scan the push described on stdin (REMOTE and URL as
                        git passes them)
      --staged          scan the staged changes
      --range A..B      scan the commits in A..B (B all zeros, a deleted
                        branch: none)
      --json            print the findings as JSON
` + identityFlagHelp,
	Flags: func(fs *pflag.FlagSet) {
		fs.Bool("pre-push", false, "")
		fs.Bool("staged", false, "")
		fs.String("range", "", "")
		fs.Bool("json", false, "")
		identityFlag(fs)
	},
	Run: func(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
		err := runGuard(ctx, env, fs, args)
		// Ctrl-C kills the git that reads the commits too: its "signal:
		// killed" and command line are not the cause, nor words for it.
		if err != nil && ctx.Err() != nil {
			return cli.Interruptedf("interrupted: the commits were not all scanned for secrets").WithHint("run it again (from the pre-push hook: push again) to scan them")
		}
		return err
	},
}

func runGuard(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, args []string) error {
	prePush, _ := fs.GetBool("pre-push")
	staged, _ := fs.GetBool("staged")
	rng, _ := fs.GetString("range")
	modes := 0
	for _, on := range []bool{prePush, staged, fs.Changed("range")} {
		if on {
			modes++
		}
	}
	if modes != 1 {
		return cli.Usagef("git vault guard needs exactly one of --pre-push, --staged or --range").WithHint("run 'git vault guard --help' for usage")
	}
	max := 0
	if prePush {
		max = 2
	}
	if err := cli.NArgs("git vault guard", args, 0, max); err != nil {
		return err
	}
	r, err := cli.OpenWorktree(ctx, env)
	if err != nil {
		return err
	}
	var commits []string
	switch {
	case prePush:
		refs, err := vault.ParsePrePush(env.Stdin)
		if err != nil {
			return cli.Usagef("%v", err).WithHint("--pre-push reads the lines git gives a pre-push hook: <local ref> <local sha> <remote ref> <remote sha>")
		}
		remote := ""
		if len(args) > 0 {
			remote = args[0]
		}
		if commits, err = vault.PushCommits(ctx, r, remote, refs); err != nil {
			return err
		}
		if len(commits) == 0 {
			return nil
		}
	case staged:
	default:
		if commits, err = rangeCommits(ctx, env, r, rng); err != nil {
			return err
		}
	}

	ignore, err := loadIgnore(r)
	if err != nil {
		return cli.Failf("%v", err).WithHint("fix the line; see 'git vault guard --help' for the syntax")
	}
	secrets := guardSecrets(ctx, env, fs, r)
	defer vault.WipeSecrets(secrets)
	var skipped []string
	findings, err := vault.Guard(ctx, r, commits, vault.GuardOptions{Secrets: secrets, Ignore: ignore, Skipped: &skipped})
	if err != nil {
		return err
	}
	if len(skipped) > 0 {
		fmt.Fprintf(env.Stderr, "git-vault: guard: not searching for %s (shorter than %d bytes)\n", strings.Join(skipped, ", "), vault.MinGuardLen)
	}
	vault.SortFindings(findings)
	if asJSON, _ := fs.GetBool("json"); asJSON {
		if err := cli.WriteJSON(env.Stdout, map[string]any{"findings": findings}); err != nil {
			return err
		}
	} else {
		for _, f := range findings {
			fmt.Fprintln(env.Stdout, formatFinding(f))
		}
	}
	if len(findings) == 0 {
		return nil
	}
	what := "the staged changes"
	if commits != nil {
		what = "the " + cli.Count(len(commits), "commit") + " scanned"
		if prePush {
			what = "the " + cli.Count(len(commits), "commit") + " being pushed; push refused"
		}
	}
	return cli.Failf("%s found in %s", cli.Count(len(findings), "secret"), what).
		WithHint("%s", guardHint(findings, commits == nil))
}

// rangeCommits lists the commits of --range A..B, oldest first; none is
// an empty list, not nil (the staged changes). Its ends are read as
// --pre-push reads a pushed ref's: an all-zero B is a deleted branch,
// which sends nothing; an all-zero A (a new branch's remote side) names
// no commit, and which commits the remote lacks cannot be told without
// the remote, so it is refused, as a name that names nothing is. Git's
// own words ("Invalid revision range", "ambiguous argument … unknown
// revision") were the error, and a failure (exit 1) for a bad argument.
func rangeCommits(ctx context.Context, env *cli.Env, r *gitrepo.Repo, rng string) ([]string, error) {
	if !strings.Contains(rng, "..") {
		return nil, cli.Usagef("--range wants A..B, got %q", rng).WithHint("e.g. --range origin/main..HEAD")
	}
	if end := r.UnresolvedRangeEnd(ctx, rng); end != "" {
		return nil, cli.Usagef("--range %q is not a valid range: %q names nothing here", rng, end).
			WithHint("give two revisions this repository has, e.g. --range origin/main..HEAD (git fetch first)")
	}
	a, b, op := gitrepo.RangeEnds(rng)
	if op == ".." && gitrepo.IsZeroID(b) {
		fmt.Fprintf(env.Stderr, "git-vault: guard: --range ends at the all-zero id (a deleted branch): no commits to scan\n")
		return []string{}, nil
	}
	for _, end := range []string{a, b} {
		if gitrepo.IsZeroID(end) {
			return nil, cli.Usagef("--range %q is not a valid range: %s, the all-zero id, names no commit", rng, end).
				WithHint("git gives it to a pre-push hook for a branch the remote does not have yet: give the commit the branch starts from, e.g. --range origin/main..HEAD, or scan a push with --pre-push, as the hook does")
		}
	}
	for _, end := range []string{a, b} {
		if r.ObjectMissing(ctx, end) {
			return nil, cli.Failf("--range %q: commit %s is not in this repository", rng, cli.Printable(end)).
				WithHint("fetch it (git fetch), or give a commit this clone has; a shallow clone lacks the older ones (actions/checkout: fetch-depth: 0)")
		}
	}
	commits, err := r.RevList(ctx, "--reverse", "--end-of-options", a+op+b)
	if err != nil {
		return nil, cli.Failf("--range %q: its commits could not be listed: %v", rng, err).WithHint("check that both ends of the range are commits this repository has")
	}
	if commits == nil {
		commits = []string{}
	}
	return commits, nil
}

// guardHint says what to do about the findings: staged secrets have not
// left the machine (nothing to rewrite or rotate), committed ones may
// have; and only a pattern finding can be a false positive, since a vault
// value has no fingerprint and guard-ignore never applies to it.
func guardHint(findings []vault.Finding, staged bool) string {
	hint := "remove them from history (git commit --amend, git rebase -i) and rotate them"
	if staged {
		hint = "take them out of the staged changes (edit the files and git add them again, or git restore --staged PATH)"
	}
	for _, f := range findings {
		if f.Fingerprint != "" {
			return hint + "; for a false positive, add its fp: line to " + vault.GuardIgnoreFile
		}
	}
	return hint
}

func formatFinding(f vault.Finding) string {
	s := fmt.Sprintf("%s:%d: %s: %s", f.Path, f.Line, f.Rule, f.Description)
	if f.Commit != "" {
		s += " [commit " + f.Commit[:min(len(f.Commit), 12)] + "]"
	} else {
		s += " [staged]"
	}
	if f.Fingerprint != "" {
		s += " fp:" + f.Fingerprint
	}
	return s
}

func loadIgnore(r *gitrepo.Repo) (*vault.IgnoreList, error) {
	data, err := os.ReadFile(filepath.Join(r.Root, vault.GuardIgnoreFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return vault.ParseIgnore(data)
}

// guardSecrets decrypts the vault's values to search for, or says why it
// cannot and returns none: guard still checks the credential patterns.
func guardSecrets(ctx context.Context, env *cli.Env, fs *pflag.FlagSet, r *gitrepo.Repo) []vault.Secret {
	if !vault.Pending(r.Root, r.GitDir) {
		return nil
	}
	note := func(err error) {
		e := cli.AsError(err)
		fmt.Fprintf(env.Stderr, "git-vault: guard: %s; checking credential patterns only, not vault values\n", e.Msg)
	}
	v, err := vault.Open(ctx, r.Root, r.GitDir)
	if err != nil {
		note(userError(err))
		return nil
	}
	kh, err := keyholder(ctx, env, fs)
	if err != nil {
		note(err)
		return nil
	}
	defer kh.Close()
	// Every line that counts, both of a secret a merge doubled: one value
	// that cannot be decrypted or chosen must not stop the search for all
	// the others.
	var secrets []vault.Secret
	for _, e := range v.Lines() {
		val, err := kh.Decrypt(v, e)
		if err != nil {
			cli.Warnf(env.Stderr, "git-vault", "guard: %s; the value of %s is not checked", cli.AsError(userError(err)).Msg, e.Name)
			continue
		}
		secrets = append(secrets, vault.Secret{Name: e.Name, Env: e.Env, Value: val})
	}
	return secrets
}
