package main

import (
	"bytes"
	"context"
	"io"

	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"filippo.io/age"
	"filippo.io/age/armor"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/crypto/ssh"

	"github.com/verdigris-dev/verdigris/internal/clitest"
	"github.com/verdigris-dev/verdigris/internal/vault"
)

func TestScripts(t *testing.T) {
	p := clitest.Params(t, "testdata", setupVault)
	cmds := map[string]func(*testscript.TestScript, bool, []string){}
	for k, v := range p.Cmds {
		cmds[k] = v
	}
	for k, v := range vaultCommands {
		cmds[k] = v
	}
	p.Cmds = cmds
	// [root]: permission bits do not stop root, so a script about a
	// repository this user may not write skips there.
	p.Condition = func(cond string) (bool, error) {
		if cond == "root" {
			return os.Getuid() == 0, nil
		}
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	testscript.Run(t, p)
}

// setupVault gives each script a short private runtime directory (unix
// socket paths are limited to 108 bytes) and stops any agent it started.
func setupVault(e *testscript.Env) error {
	run, err := os.MkdirTemp("", "vr")
	if err != nil {
		return err
	}
	e.Setenv("XDG_RUNTIME_DIR", run)
	e.Defer(func() {
		getenv := func(k string) string {
			if k == "XDG_RUNTIME_DIR" {
				return run
			}
			return ""
		}
		// A script that stopped its agent (SIGSTOP) and failed before
		// resuming it would hold the cleanup for the whole deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if st, err := vault.AgentStatusAt(ctx, vault.AgentSocket(getenv)); err == nil {
			syscall.Kill(st.PID, syscall.SIGTERM)
			time.Sleep(50 * time.Millisecond)
		}
		os.RemoveAll(run)
	})
	return nil
}

var vaultCommands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// interrupt BEFORE NAME...: turn the write that last changed the
	// vault (in the repository at the current directory) into what a
	// kill between its renames leaves, as the write journals it. BEFORE
	// is a directory with the vault files from before the write (a file
	// it lacks did not exist). Every changed file is a step of the
	// journal, in the order writes rename them; the files NAME... were
	// not renamed yet: their new content goes back to a temp file
	// .NAME.tmp-killed and their old content (or none) back in place.
	"interrupt": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) < 1 {
			ts.Fatalf("usage: interrupt BEFORE NAME...")
		}
		dir := ts.MkAbs(".verdigris/vault")
		type step struct { // as atomicfile.Step writes it
			Temp   string `json:"temp"`
			Target string `json:"target"`
			SHA256 string `json:"sha256"`
		}
		var steps []step
		killed := 0
		for _, n := range []string{vault.SecretsName, vault.KeyFileName, vault.RecipientsFile, ".gitattributes"} {
			old, oerr := os.ReadFile(filepath.Join(ts.MkAbs(args[0]), n))
			cur, err := os.ReadFile(filepath.Join(dir, n))
			ts.Check(err)
			if oerr == nil && bytes.Equal(old, cur) {
				continue
			}
			sum := sha256.Sum256(cur)
			s := step{Temp: filepath.Join(dir, "."+n+".tmp-renamed"), Target: filepath.Join(dir, n), SHA256: hex.EncodeToString(sum[:])}
			if slices.Contains(args[1:], n) {
				s.Temp = filepath.Join(dir, "."+n+".tmp-killed")
				ts.Check(os.Rename(s.Target, s.Temp))
				if oerr == nil {
					ts.Check(os.WriteFile(s.Target, old, 0o644))
				}
				killed++
			}
			steps = append(steps, s)
		}
		if killed != len(args)-1 {
			ts.Fatalf("the write did not change all of %v", args[1:])
		}
		data, err := json.Marshal(steps)
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(".git/verdigris/vault.journal"), data, 0o600))
	},
	// agekey FILE: a new age identity in FILE (0600) and its public key
	// in FILE.pub.
	"agekey": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 1 {
			ts.Fatalf("usage: agekey FILE")
		}
		id, err := vault.GenerateIdentity(ts.MkAbs(args[0]), time.Now())
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[0])+".pub", []byte(id.Recipient.Key+"\n"), 0o644))
	},
	// sshkey ed25519|rsa FILE [PASSPHRASE]: an OpenSSH key in FILE
	// (0600), encrypted with PASSPHRASE as ssh-keygen -N does when one is
	// given, and its public key line in FILE.pub.
	"sshkey": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 && len(args) != 3 {
			ts.Fatalf("usage: sshkey ed25519|rsa FILE [PASSPHRASE]")
		}
		var priv any
		switch args[0] {
		case "ed25519":
			_, k, err := ed25519.GenerateKey(rand.Reader)
			ts.Check(err)
			priv = k
		case "rsa":
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			ts.Check(err)
			priv = k
		default:
			ts.Fatalf("unknown key type %s", args[0])
		}
		block, err := ssh.MarshalPrivateKey(priv, "test key")
		if len(args) == 3 {
			block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "test key", []byte(args[2]))
		}
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), pem.EncodeToMemory(block), 0o600))
		signer, err := ssh.NewSignerFromKey(priv)
		ts.Check(err)
		pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " test@" + args[0] + "\n"
		ts.Check(os.WriteFile(ts.MkAbs(args[1])+".pub", []byte(pub), 0o644))
	},
	// agekeypass FILE PASSPHRASE: a new age identity in FILE, encrypted
	// with the passphrase as age -p does; its public key in FILE.pub.
	"agekeypass": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: agekeypass FILE PASSPHRASE")
		}
		id, err := age.GenerateX25519Identity()
		ts.Check(err)
		r, err := age.NewScryptRecipient(args[1])
		ts.Check(err)
		r.SetWorkFactor(10)
		var buf bytes.Buffer
		aw := armor.NewWriter(&buf)
		w, err := age.Encrypt(aw, r)
		ts.Check(err)
		io.WriteString(w, id.String()+"\n")
		ts.Check(w.Close())
		ts.Check(aw.Close())
		ts.Check(os.WriteFile(ts.MkAbs(args[0]), buf.Bytes(), 0o600))
		ts.Check(os.WriteFile(ts.MkAbs(args[0])+".pub", []byte(id.Recipient().String()+"\n"), 0o644))
	},
	// sealas NAME ENV VALUE: store VALUE as secret NAME exported as ENV,
	// sealed with the identity in $XDG_CONFIG_HOME, without the name
	// checks of set: what another recipient's tool could write.
	"sealas": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 3 {
			ts.Fatalf("usage: sealas NAME ENV VALUE")
		}
		data, err := os.ReadFile(filepath.Join(ts.Getenv("XDG_CONFIG_HOME"), "verdigris", "identity.txt"))
		ts.Check(err)
		id, err := vault.ParseIdentity(data)
		ts.Check(err)
		kh := vault.NewLocalKeys(id)
		defer kh.Close()
		root := ts.MkAbs(".")
		ts.Check(vault.Update(context.Background(), root, filepath.Join(root, ".git"), func(v *vault.Vault) error {
			e, err := kh.Encrypt(v, args[0], args[1], []byte(args[2]))
			if err != nil {
				return err
			}
			v.Secrets.Put(e)
			return nil
		}))
	},
	// tamper FILE NAME: change one character of secret NAME's ciphertext.
	"tamper": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 2 {
			ts.Fatalf("usage: tamper FILE NAME")
		}
		editSecrets(ts, args[0], func(lines []string) {
			for i, l := range lines {
				if strings.HasPrefix(l, args[1]+" = ") {
					j := strings.LastIndex(l, `"}`) - 5
					c := byte('A')
					if l[j] == 'A' {
						c = 'B'
					}
					lines[i] = l[:j] + string(c) + l[j+1:]
					return
				}
			}
			ts.Fatalf("no secret %s", args[1])
		})
	},
	// swapvalues FILE A B: exchange the encrypted values of two secrets.
	"swapvalues": func(ts *testscript.TestScript, neg bool, args []string) {
		if len(args) != 3 {
			ts.Fatalf("usage: swapvalues FILE A B")
		}
		valRE := regexp.MustCompile(`value = "[^"]*"`)
		editSecrets(ts, args[0], func(lines []string) {
			ia, ib := -1, -1
			for i, l := range lines {
				if strings.HasPrefix(l, args[1]+" = ") {
					ia = i
				}
				if strings.HasPrefix(l, args[2]+" = ") {
					ib = i
				}
			}
			if ia < 0 || ib < 0 {
				ts.Fatalf("secrets not found")
			}
			va, vb := valRE.FindString(lines[ia]), valRE.FindString(lines[ib])
			lines[ia] = valRE.ReplaceAllLiteralString(lines[ia], vb)
			lines[ib] = valRE.ReplaceAllLiteralString(lines[ib], va)
		})
	},
}

func editSecrets(ts *testscript.TestScript, file string, edit func([]string)) {
	path := ts.MkAbs(file)
	data, err := os.ReadFile(path)
	ts.Check(err)
	lines := strings.Split(string(data), "\n")
	edit(lines)
	ts.Check(os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644))
}

// TestUsageFits80Columns: 'help' and every command's --help fit a
// terminal of 80 columns, which wraps a wider line mid-word.
func TestUsageFits80Columns(t *testing.T) {
	clitest.UsageFits(t, program())
}
