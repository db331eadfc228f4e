package actions_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/verdigris-dev/verdigris/internal/actiontest"
	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

var vaultValues = map[string]string{
	"db-password": "Sup3r-S3cret-db-Passw0rd",
	"tls-key":     "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+LQmlQ\nYx2eqzDV+xeG8kx/sQFV18S5JhzGeIJNA72wSeukEPojtqUyX2J0CciPBh7eqclQ\n-----END PRIVATE KEY-----\n",
	// Crafted to end a heredoc early with a guessed delimiter and define
	// other variables, and to smuggle workflow commands.
	"crafted":   "x\nghadelimiter_00000000000000000000000000000000\nINJECTED=1\nEOF\nPATH=/tmp/evil\n::set-env name=EVIL::1\n100% done",
	"api-token": "tok-0123456789abcdef",
}

// vaultRepo makes a repository with a vault holding vaultValues, readable
// by a CI identity whose key text it returns.
func vaultRepo(t *testing.T) (repo, ciKey string) {
	t.Helper()
	return vaultRepoWith(t, vaultValues)
}

// vaultRepoWith is vaultRepo with the vault holding values.
func vaultRepoWith(t *testing.T, values map[string]string) (repo, ciKey string) {
	t.Helper()
	bin := clitest.Binaries(t)
	dir := t.TempDir()
	repo = filepath.Join(dir, "repo")
	ci, err := vault.GenerateIdentity(filepath.Join(dir, "ci.txt"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Join(dir, "config"), "XDG_RUNTIME_DIR="+dir,
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", vault.IdentityEnv+"=")
	run := func(stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(bin, "git-vault"), args...)
		cmd.Dir, cmd.Env, cmd.Stdin = repo, env, strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git vault %v: %v\n%s", args, err, out)
		}
	}
	os.MkdirAll(repo, 0o755)
	git(t, repo, "init", "-q")
	run("", "init")
	run("", "recipients", "add", ci.Recipient.Key, "ci")
	for name, v := range values {
		run(v, "set", name, "--stdin")
	}
	key, err := os.ReadFile(filepath.Join(dir, "ci.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return repo, string(key)
}

func vaultAction(t *testing.T) *actiontest.Action {
	a, err := actiontest.Load(filepath.Join(clitest.ModuleRoot(), "actions", "vault", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestVaultActionMasksEveryLineAndExportsIntact(t *testing.T) {
	repo, key := vaultRepo(t)
	res, err := actiontest.Run(context.Background(), vaultAction(t), actiontest.Options{
		Workspace:  repo,
		ProcessEnv: withBinaries(t),
		Inputs:     map[string]string{"identity": key, "secrets": "db-password, tls-key\ncrafted"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed {
		t.Fatalf("action failed:\n%s", res.Log)
	}
	// Exported intact, multi-line too; nothing injected; api-token was not
	// asked for.
	want := map[string]string{"DB_PASSWORD": vaultValues["db-password"], "TLS_KEY": vaultValues["tls-key"], "CRAFTED": vaultValues["crafted"]}
	for k, v := range want {
		if res.Env[k] != v {
			t.Errorf("exported %s = %q, want %q", k, res.Env[k], v)
		}
	}
	for k := range res.Env {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected variable exported: %s", k)
		}
	}
	// Every value, and every line of every value, is masked; nothing was
	// printed before its mask.
	masks := map[string]bool{}
	for _, m := range res.Masks {
		masks[m] = true
	}
	for _, name := range []string{"db-password", "tls-key", "crafted"} {
		for _, line := range strings.Split(vaultValues[name], "\n") {
			if strings.TrimSpace(line) != "" && !masks[line] {
				t.Errorf("line %q of %s is not masked", line, name)
			}
		}
	}
	if leaks := res.Leaks(); len(leaks) > 0 {
		t.Errorf("values visible in the log: %q", leaks)
	}
	for _, v := range vaultValues {
		for _, line := range strings.Split(v, "\n") {
			if len(line) > 6 && (strings.Contains(res.Log, line) || strings.Contains(res.Summary, line) || strings.Contains(res.Outputs["names"], line)) {
				t.Errorf("a value line is visible unmasked: %q", line)
			}
		}
	}
	// The identity is never in the log or a script.
	keyLine := ""
	for _, l := range strings.Split(key, "\n") {
		if strings.HasPrefix(l, "AGE-SECRET-KEY-1") {
			keyLine = l
		}
	}
	if strings.Contains(res.Raw, keyLine) || strings.Contains(vaultActionText(t), keyLine) {
		t.Error("the identity reached the log or the action's text")
	}
	// Names only in the summary and the output.
	if got := res.Outputs["names"]; got != "crafted,db-password,tls-key" {
		t.Errorf("names output = %q", got)
	}
	for _, name := range []string{"`db-password`", "`DB_PASSWORD`", "`tls-key`", "`crafted`"} {
		if !strings.Contains(res.Summary, name) {
			t.Errorf("summary lacks %s:\n%s", name, res.Summary)
		}
	}
	if strings.Contains(res.Summary, "api-token") {
		t.Errorf("summary lists a secret that was not asked for")
	}
}

func vaultActionText(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(clitest.ModuleRoot(), "actions", "vault", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A value's CRs reach later steps as they were stored: the Linux and
// macOS runners (the only ones the action runs on) cut a GITHUB_ENV
// value out of the file's text, a CR that ends it included.
func TestVaultActionExportsCarriageReturnsIntact(t *testing.T) {
	values := map[string]string{"crlf-lines": "line-one\r\nline-two\r\n", "ends-in-cr": "value-with-cr\r"}
	repo, key := vaultRepoWith(t, values)
	res, err := actiontest.Run(context.Background(), vaultAction(t), actiontest.Options{
		Workspace:  repo,
		ProcessEnv: withBinaries(t),
		Inputs:     map[string]string{"identity": key},
	})
	if err != nil || res.Failed {
		t.Fatalf("%v\n%s", err, res.Log)
	}
	for name, v := range values {
		if env := vault.EnvName(name); res.Env[env] != v {
			t.Errorf("exported %s = %q, want %q", env, res.Env[env], v)
		}
	}
}

func TestVaultActionPrefixAndMaskOnly(t *testing.T) {
	repo, key := vaultRepo(t)
	res, err := actiontest.Run(context.Background(), vaultAction(t), actiontest.Options{
		Workspace:  repo,
		ProcessEnv: withBinaries(t),
		Inputs:     map[string]string{"identity": key, "prefix": "APP_"},
	})
	if err != nil || res.Failed {
		t.Fatalf("%v\n%s", err, res.Log)
	}
	var got []string
	for k := range res.Env {
		got = append(got, k)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != "APP_API_TOKEN,APP_CRAFTED,APP_DB_PASSWORD,APP_TLS_KEY" || res.Env["APP_API_TOKEN"] != vaultValues["api-token"] {
		t.Errorf("exported %v", got)
	}

	res, err = actiontest.Run(context.Background(), vaultAction(t), actiontest.Options{
		Workspace:  repo,
		ProcessEnv: withBinaries(t),
		Inputs:     map[string]string{"identity": key, "export-env": "false"},
	})
	if err != nil || res.Failed {
		t.Fatalf("%v\n%s", err, res.Log)
	}
	if len(res.Env) != 0 {
		t.Errorf("export-env false exported %v", res.Env)
	}
	if len(res.Masks) < len(vaultValues) || len(res.Leaks()) > 0 {
		t.Errorf("masks = %d, leaks = %v", len(res.Masks), res.Leaks())
	}
}

func TestVaultActionFailsFastWithAnnotations(t *testing.T) {
	repo, key := vaultRepo(t)
	other, err := vault.GenerateIdentity(filepath.Join(t.TempDir(), "other.txt"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	otherKey, _ := other.Export()
	empty := t.TempDir()
	git(t, empty, "init", "-q")
	for _, c := range []struct {
		name      string
		workspace string
		inputs    map[string]string
		env       map[string]string
		want      string
	}{
		{"no identity", repo, map[string]string{"identity": ""}, nil, "the identity input is empty"},
		{"not a recipient", repo, map[string]string{"identity": string(otherKey)}, nil, "your identity is not a recipient of this vault"},
		{"unknown name", repo, map[string]string{"identity": key, "secrets": "db-password,nope"}, nil, "no secret named nope"},
		{"no vault", empty, map[string]string{"identity": key}, nil, "this repository has no vault"},
		{"bad export-env", repo, map[string]string{"identity": key, "export-env": "yes"}, nil, "export-env must be true or false"},
		{"reserved prefix", repo, map[string]string{"identity": key, "prefix": "GITHUB_"}, nil, "is reserved"},
		// The workflow gives the identity input, never VERDIGRIS_IDENTITY,
		// which the errors named: a public key pasted into the secret.
		{"public key", repo, map[string]string{"identity": other.Recipient.Key}, nil, "the identity input: not an age identity or SSH private key (give it the text of an age identity"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := actiontest.Run(context.Background(), vaultAction(t), actiontest.Options{
				Workspace: c.workspace, ProcessEnv: withBinaries(t), Inputs: c.inputs, Env: c.env,
			})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Failed {
				t.Fatalf("action passed:\n%s", res.Log)
			}
			found := false
			for _, a := range res.Annotations {
				found = found || (a.Level == "error" && strings.Contains(a.Message, c.want))
			}
			if !found {
				t.Errorf("no error annotation with %q: %+v\n%s", c.want, res.Annotations, res.Log)
			}
			if len(res.Env) != 0 {
				t.Errorf("a failed run exported %v", res.Env)
			}
			for _, v := range vaultValues {
				if strings.Contains(res.Log, v) {
					t.Error("a value is in the log")
				}
			}
		})
	}
}

func TestVaultActionWithoutBinaryOrGo(t *testing.T) {
	repo, key := vaultRepo(t)
	env := actiontest.HostEnv()
	env["PATH"] = "/usr/bin:/bin"
	if _, err := exec.LookPath("/usr/bin/go"); err == nil {
		t.Skip("go is in /usr/bin: the action would build git-vault")
	}
	res, err := actiontest.Run(context.Background(), vaultAction(t), actiontest.Options{Workspace: repo, ProcessEnv: env, Inputs: map[string]string{"identity": key}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Failed || len(res.Annotations) == 0 || !strings.Contains(res.Annotations[0].Message, "git-vault is not on PATH") {
		t.Fatalf("annotations = %+v\n%s", res.Annotations, res.Log)
	}
}

// The runner compares masks literally, so a mask that keeps a value's
// surrounding whitespace misses the value printed without it: a pasted
// value's trailing blank, a YAML or JSON value's indented lines, which a
// later step's tool prints trimmed or indented otherwise. Each line is
// masked without its surrounding whitespace, as the runner masks each line
// of its own secrets.
func TestVaultActionMasksValuesPrintedWithoutTheirWhitespace(t *testing.T) {
	values := map[string]string{
		"padded": "  Padded-S3cret-Value \t",
		"config": "database:\n  password: Nested-S3cret-Pass\n  user: svc-deployer-0042\n",
	}
	repo, key := vaultRepoWith(t, values)
	// A workflow's later step, after the vault action: it prints each line
	// of the values as tools do, without the whitespace around it. The
	// action is copied with the script it runs, where its checkout has it.
	copyFile(t, filepath.Join(clitest.ModuleRoot(), "actions", "vault", "action.yml"), filepath.Join(repo, "actions", "vault", "action.yml"))
	copyFile(t, filepath.Join(clitest.ModuleRoot(), filepath.FromSlash(boolScript)), filepath.Join(repo, filepath.FromSlash(boolScript)))
	wrapper, err := actiontest.Parse(filepath.Join(repo, "action.yml"), []byte(`name: wrapper
description: the vault action, then a step that prints the values
inputs:
  identity:
    description: the identity
    required: true
runs:
  using: composite
  steps:
    - uses: ./actions/vault
      with:
        identity: ${{ inputs.identity }}
    - shell: bash
      run: printf '%s\n' "$PADDED" "$CONFIG" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := actiontest.Run(context.Background(), wrapper, actiontest.Options{
		Workspace: repo, ProcessEnv: withBinaries(t), Inputs: map[string]string{"identity": key},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed {
		t.Fatalf("failed:\n%s", res.Log)
	}
	if res.Env["PADDED"] != values["padded"] || res.Env["CONFIG"] != values["config"] {
		t.Errorf("exported %q and %q: the values are exported as they are", res.Env["PADDED"], res.Env["CONFIG"])
	}
	for _, v := range values {
		for _, line := range strings.Split(v, "\n") {
			if line = strings.TrimSpace(line); len(line) > 9 && strings.Contains(res.Log, line) {
				t.Errorf("%q is visible in the log:\n%s", line, res.Log)
			}
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	// With its mode: the action runs the script as a program.
	if err := os.WriteFile(to, data, st.Mode().Perm()); err != nil {
		t.Fatal(err)
	}
}
