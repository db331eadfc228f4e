package vault

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startAgent runs ServeAgent in-process with a private runtime dir.
func startAgent(t *testing.T, id *Identity, ttl time.Duration) (sock string, getenv func(string) string, done chan error) {
	t.Helper()
	run, err := os.MkdirTemp("", "va")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(run) })
	getenv = func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return run
		}
		return ""
	}
	text, err := id.Export()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done = make(chan error, 1)
	go func() { done <- ServeAgent(ctx, getenv, text, ttl) }()
	t.Cleanup(func() { cancel(); <-done })
	sock = AgentSocket(getenv)
	for i := 0; i < 200; i++ {
		if _, err := AgentStatusAt(context.Background(), sock); err == nil {
			return sock, getenv, done
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("agent did not start")
	return
}

func TestAgentSocketIsPrivate(t *testing.T) {
	sock, _, _ := startAgent(t, newTestIdentity(t), time.Minute)
	fi, err := os.Stat(sock)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("socket mode = %v, %v", fi.Mode(), err)
	}
	di, err := os.Stat(filepath.Dir(sock))
	if err != nil || di.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode = %v, %v", di.Mode(), err)
	}
}

func TestAgentRefusesSharedDirectory(t *testing.T) {
	run := t.TempDir()
	os.Mkdir(filepath.Join(run, "verdigris"), 0o755)
	os.Chmod(filepath.Join(run, "verdigris"), 0o755)
	getenv := func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return run
		}
		return ""
	}
	text, _ := newTestIdentity(t).Export()
	err := ServeAgent(context.Background(), getenv, text, time.Minute)
	if err == nil {
		t.Fatal("agent served from a directory others can enter")
	}
	if _, err := AgentStatusAt(context.Background(), AgentSocket(getenv)); err == nil {
		t.Fatal("client talked to a socket in a directory others can enter")
	}
}

// TestAgentChecksPeerUID connects as another user (root only) after
// opening up the socket's permissions: the uid check alone must refuse.
func TestAgentChecksPeerUID(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to connect as another uid")
	}
	sock, _, _ := startAgent(t, newTestIdentity(t), time.Minute)
	os.Chmod(filepath.Dir(filepath.Dir(sock)), 0o755)
	os.Chmod(filepath.Dir(sock), 0o755)
	os.Chmod(sock, 0o666)
	cmd := exec.Command("sh", "-c", `exec python3 -c 'import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
try:
  s.sendall(b"{\"op\":\"status\"}\n"); print(repr(s.recv(4096)))
except OSError: print("refused")' "$0"`, sock)
	if _, err := exec.LookPath("python3"); err != nil {
		cmd = exec.Command("sh", "-c", `printf '{"op":"status"}\n' | timeout 5 nc -U "$0"; echo "rc=$?"`, sock)
		if _, err := exec.LookPath("nc"); err != nil {
			t.Skip("needs python3 or nc to connect as another user")
		}
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("client as uid 65534: %v\n%s", err, out)
	}
	if got := string(out); got != "b''\n" && got != "refused\n" && got != "rc=0\n" {
		t.Fatalf("the agent answered another user: %q", got)
	}
	// Our own uid still gets answers.
	os.Chmod(filepath.Dir(sock), 0o700)
	if _, err := AgentStatusAt(context.Background(), sock); err != nil {
		t.Fatal(err)
	}
}

func TestAgentExpiresAndWipes(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "x", "value-x-123")
	sock, _, done := startAgent(t, kh.Identity(), 300*time.Millisecond)
	ac, err := DialAgent(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := get(t, root, ac, "x"); err != nil || string(got) != "value-x-123" {
		t.Fatalf("through agent: %q %v", got, err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		done <- nil // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("agent outlived its TTL")
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Fatalf("socket left after expiry: %v", err)
	}
	if _, err := get(t, root, ac, "x"); err == nil {
		t.Fatal("expired agent still decrypts")
	}
}

func TestAgentLockAndPerVaultKeys(t *testing.T) {
	id := newTestIdentity(t)
	kh := NewLocalKeys(id)
	dir := t.TempDir()
	var roots []string
	for _, n := range []string{"a", "b"} {
		root := filepath.Join(dir, n)
		if _, err := Create(context.Background(), root, root+".git", kh, id.Recipient); err != nil {
			t.Fatal(err)
		}
		mustSet(t, root, root+".git", kh, "same-name", "value-from-"+n)
		roots = append(roots, root)
	}
	sock, _, _ := startAgent(t, id, time.Minute)
	ac, err := DialAgent(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	for i, root := range roots {
		got, err := get(t, root, ac, "same-name")
		if err != nil || string(got) != "value-from-"+[]string{"a", "b"}[i] {
			t.Fatalf("vault %d: %q %v", i, got, err)
		}
	}
	st, _ := AgentStatusAt(context.Background(), sock)
	if len(st.Vaults) != 2 || st.Vaults[0] == st.Vaults[1] {
		t.Fatalf("cached vaults = %v, want two ids", st.Vaults)
	}
	// One entry per decrypt: a request for several is refused.
	v, _ := Load(roots[0])
	req := ac.vaultRequest("decrypt", v)
	req.Entries = []wireEntry{toWire(v.Secrets.Entries[0]), toWire(v.Secrets.Entries[0])}
	if _, err := agentCall(context.Background(), sock, req); err == nil {
		t.Fatal("agent decrypted several entries in one call")
	}
	if err := AgentLock(context.Background(), sock); err != nil {
		t.Fatal(err)
	}
	st, _ = AgentStatusAt(context.Background(), sock)
	if !st.Locked || st.Recipient != "" || len(st.Vaults) != 0 {
		t.Fatalf("after lock: %+v", st)
	}
	if _, err := get(t, roots[0], ac, "same-name"); err == nil {
		t.Fatal("locked agent still decrypts")
	}
}

func TestLocalKeysCloseZeroesMemory(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "x", "value-x-123")
	var held [][]byte
	for _, k := range kh.keys {
		held = append(held, k)
	}
	secret := kh.id.secret
	if len(held) != 1 || len(secret) != 32 {
		t.Fatalf("held %d keys, secret %d bytes", len(held), len(secret))
	}
	kh.Close()
	for _, b := range append(held, secret) {
		for _, c := range b {
			if c != 0 {
				t.Fatal("key material survived Close")
			}
		}
	}
}

func TestAgentHasNoTCP(t *testing.T) {
	startAgent(t, newTestIdentity(t), time.Minute)
	// Every socket this process holds is a unix socket.
	inodes := socketInodes(t, os.Getpid())
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for ino := range inodes {
			if containsField(string(data), ino) {
				t.Fatalf("the agent's process holds an inet socket (inode %s in %s)", ino, f)
			}
		}
	}
	if _, err := net.Dial("tcp", "127.0.0.1:1"); err == nil {
		t.Log("unexpected listener on port 1")
	}
}

func socketInodes(t *testing.T, pid int) map[string]bool {
	fds, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/fd/*")
	out := map[string]bool{}
	for _, fd := range fds {
		l, err := os.Readlink(fd)
		if err == nil && len(l) > 8 && l[:8] == "socket:[" {
			out[l[8:len(l)-1]] = true
		}
	}
	return out
}

func containsField(table, ino string) bool {
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) > 9 && f[9] == ino {
			return true
		}
	}
	return false
}

// A relative TMPDIR (or XDG_RUNTIME_DIR) is ignored: the agent runs from
// "/", so `TMPDIR=. git vault agent start` left an agent holding the
// identity at /verdigris-UID/agent.sock, where no command looked for it.
func TestAgentSocketDirIsAbsolute(t *testing.T) {
	uid := strconv.Itoa(os.Getuid())
	for env, want := range map[[2]string]string{
		{"/run/user/7", ""}:     "/run/user/7/verdigris",
		{"run", "/var/tmp"}:     "/var/tmp/verdigris-" + uid,
		{"", "."}:               "/tmp/verdigris-" + uid,
		{"", ""}:                "/tmp/verdigris-" + uid,
		{"relative/run", "tmp"}: "/tmp/verdigris-" + uid,
	} {
		got := AgentSocketDir(func(k string) string {
			return map[string]string{"XDG_RUNTIME_DIR": env[0], "TMPDIR": env[1]}[k]
		})
		if got != want {
			t.Errorf("XDG_RUNTIME_DIR=%q TMPDIR=%q: %s, want %s", env[0], env[1], got, want)
		}
	}
}

// A laptop suspended past the TTL: Go's timers follow the monotonic
// clock, which stops while the machine sleeps, so the expiry timer of an
// agent started with --ttl 1h before a night's sleep had not fired next
// morning and the agent still decrypted (ssh-agent counts the time asleep).
// The expiry is also read off the wall clock on every request. Here the
// wall clock is past the expiry while the timer has not fired, as after
// such a sleep.
func TestAgentExpiresAfterSleepingPastTTL(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "x", "value-x-123")
	v, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	text := mustExport(t, kh.Identity())
	id, err := ParseIdentity(append([]byte(nil), text...))
	if err != nil {
		t.Fatal(err)
	}
	s := &agentServer{stop: make(chan struct{})}
	s.unlock(id, time.Hour)
	decrypt := &agentRequest{Op: "decrypt", Recipients: v.recipientsRaw, Key: v.keyRaw, Entries: []wireEntry{toWire(v.Secrets.Entries[0])}}
	if resp := s.do(decrypt); string(resp.Value) != "value-x-123" {
		t.Fatalf("before expiry: %+v", resp)
	}
	s.mu.Lock()
	s.expires = time.Now().Add(-time.Second).Round(0)
	s.mu.Unlock()
	if resp := s.do(decrypt); resp.Value != nil || resp.Error == "" {
		t.Fatal("an agent past its TTL by the wall clock still decrypted")
	}
	if st := s.do(&agentRequest{Op: "status"}).Status; !st.Locked || st.Recipient != "" {
		t.Fatalf("status past the TTL: %+v", st)
	}
	// 'agent start' unlocks it again, for a new TTL.
	if resp := s.do(&agentRequest{Op: "unlock", Identity: text, TTL: "1h"}); resp.Error != "" || resp.Status.Locked {
		t.Fatalf("unlock past the TTL: %+v", resp)
	}
	if resp := s.do(decrypt); string(resp.Value) != "value-x-123" {
		t.Fatalf("after unlocking again: %+v", resp)
	}
	// Between requests, the periodic check ends an agent past its TTL.
	s.mu.Lock()
	s.expires = time.Now().Add(-time.Second).Round(0)
	s.mu.Unlock()
	s.expireIfDue(true)
	select {
	case <-s.stop:
	default:
		t.Fatal("an agent past its TTL by the wall clock kept running")
	}
	if st := s.status(); !st.Locked {
		t.Fatal("an ended agent kept its keys")
	}
	s.timer.Stop()
}

func mustExport(t *testing.T, id *Identity) []byte {
	t.Helper()
	b, err := id.Export()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// An identity that is not a recipient is named by its public key, held
// here or by the agent: the key is what to ask a recipient to add. The
// agent's answer was a bare "this identity is not a recipient of the
// vault", without the key or a hint.
func TestNotRecipientNamesTheKey(t *testing.T) {
	owner, bob := newTestIdentity(t), newTestIdentity(t)
	root := filepath.Join(t.TempDir(), "repo")
	if _, err := Create(context.Background(), root, root+".git", NewLocalKeys(owner), owner.Recipient); err != nil {
		t.Fatal(err)
	}
	mustSet(t, root, root+".git", NewLocalKeys(owner), "token", "value")
	sock, _, _ := startAgent(t, bob, time.Minute)
	ac, err := DialAgent(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	for name, kh := range map[string]Keyholder{"local": NewLocalKeys(bob), "agent": ac} {
		_, err := get(t, root, kh, "token")
		var nr *NotRecipientError
		if !errors.Is(err, ErrNotRecipient) || !errors.As(err, &nr) {
			t.Fatalf("%s: %v, want a NotRecipientError", name, err)
		}
		if nr.Recipient == nil || nr.Recipient.Key != bob.Recipient.Key {
			t.Errorf("%s: names %v, want %s", name, nr.Recipient, bob.Recipient.Key)
		}
	}
}

// hungAgent listens where an agent would and never answers, as an agent
// stopped (SIGSTOP) or hung does.
func hungAgent(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "vh") // 0700, as the agent's directory
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "agent.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	})
	return sock
}

// A request to an agent that did not answer could not be cancelled: Ctrl-C
// waited for the 60 s deadline. Cancelling the command's context ends it
// at once, with the context's error, both DialAgent's status request and a
// dialled client's decrypt.
func TestAgentRequestEndsWhenCancelled(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "x", "value-x-123")
	sock, _, _ := startAgent(t, kh.Identity(), time.Minute)
	hung := hungAgent(t)
	// Well before the deadline, and loose enough for a loaded machine.
	const bound = 20 * time.Second

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if _, err := DialAgent(ctx, hung); !errors.Is(err, context.Canceled) {
		t.Fatalf("DialAgent of a hung agent, cancelled: %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > bound {
		t.Fatalf("DialAgent ended %v after it started, cancelled after 100ms", d)
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	ac, err := DialAgent(ctx, sock)
	if err != nil {
		t.Fatal(err)
	}
	ac.sock = hung // the agent stops answering after the status
	time.AfterFunc(100*time.Millisecond, cancel)
	start = time.Now()
	val, err := get(t, root, ac, "x")
	if !errors.Is(err, context.Canceled) || val != nil {
		t.Fatalf("decrypt by a hung agent, cancelled: %q, %v, want context.Canceled", val, err)
	}
	if d := time.Since(start); d > bound {
		t.Fatalf("decrypt ended %v after it started, cancelled after 100ms", d)
	}

	// A cancelled context: nothing is asked.
	if _, err := AgentStatusAt(ctx, sock); !errors.Is(err, context.Canceled) {
		t.Fatalf("status with a cancelled context: %v", err)
	}
}

// A client that hangs up mid-request (interrupted) leaves the agent
// answering the next ones.
func TestAgentSurvivesClientHangingUp(t *testing.T) {
	root, gitDir, kh := testVault(t)
	mustSet(t, root, gitDir, kh, "x", "value-x-123")
	sock, _, done := startAgent(t, kh.Identity(), time.Minute)
	v, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	req := (&AgentClient{}).vaultRequest("decrypt", v)
	req.Entries = []wireEntry{toWire(v.Secrets.Entries[0])}
	for _, half := range []bool{true, false} {
		c, err := net.Dial("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		if half { // gone before the request was whole
			c.Write([]byte(`{"op":"decrypt","entries":[`))
		} else if err := writeMessage(c, req); err != nil { // gone before the answer
			t.Fatal(err)
		}
		c.Close()
	}
	ac, err := DialAgent(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := get(t, root, ac, "x"); err != nil || string(got) != "value-x-123" {
		t.Fatalf("after clients hung up: %q %v", got, err)
	}
	select {
	case err := <-done:
		t.Fatalf("the agent ended: %v", err)
	default:
	}
}
