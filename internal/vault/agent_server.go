package vault

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// agentServer holds one unlocked identity and, per vault id, the data keys
// it opened, until its TTL ends, `lock` wipes them, or `stop` ends it.
type agentServer struct {
	mu      sync.Mutex
	keys    *LocalKeys // nil while locked
	expires time.Time
	timer   *time.Timer
	sock    string
	ln      *net.UnixListener
	stop    chan struct{}
	once    sync.Once
	conns   sync.WaitGroup // connections being answered
}

// DefaultAgentTTL is how long the agent holds an identity unless told.
const DefaultAgentTTL = time.Hour

// ServeAgent runs the agent in this process until it is stopped or its TTL
// ends: it listens on the socket (a unix socket only, never TCP), mode
// 0600 in a 0700 directory, and answers only processes of its own uid.
// identity is the plaintext identity; it is wiped before ServeAgent returns.
func ServeAgent(ctx context.Context, getenv func(string) string, identity []byte, ttl time.Duration) error {
	defer clear(identity)
	id, err := ParseIdentity(identity)
	if err != nil {
		return err
	}
	dir := AgentSocketDir(getenv)
	if err := ensurePrivateDir(dir); err != nil {
		return err
	}
	sock := AgentSocket(getenv)
	if c, err := net.Dial("unix", sock); err == nil {
		c.Close()
		return errors.New("an agent is already running")
	}
	os.Remove(sock)
	old := syscall.Umask(0o177)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	syscall.Umask(old)
	if err != nil {
		return err
	}
	defer os.Remove(sock)
	defer ln.Close()
	if err := os.Chmod(sock, 0o600); err != nil {
		return err
	}
	s := &agentServer{sock: sock, ln: ln, stop: make(chan struct{})}
	s.unlock(id, ttl)
	defer s.wipe()
	// Answer every accepted connection (the "stop" itself among them)
	// before returning, which ends the process.
	defer s.conns.Wait()

	go func() {
		// The TTL is also checked by the wall clock now and then, so an
		// agent whose machine slept past it wipes its memory soon after
		// waking, not only at the next request (see expireIfDue).
		tick := time.NewTicker(expiryCheckInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
			case <-s.stop:
			case <-tick.C:
				s.expireIfDue(true)
				continue
			}
			ln.Close()
			return
		}
	}()
	for {
		c, err := ln.AcceptUnix()
		if err != nil {
			select {
			case <-s.stop:
				return nil
			case <-ctx.Done():
				return nil
			default:
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			return err
		}
		s.conns.Add(1)
		go func() {
			defer s.conns.Done()
			s.handle(c)
		}()
	}
}

func (s *agentServer) shutdown() { s.once.Do(func() { close(s.stop) }) }

// unlock holds id for ttl; false when the agent is already ending (its
// TTL ended by the wall clock as the request arrived).
func (s *agentServer) unlock(id *Identity, ttl time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.stop:
		id.Wipe()
		return false
	default:
	}
	if s.keys != nil {
		s.keys.Close()
	}
	s.keys = NewLocalKeys(id)
	if ttl <= 0 {
		ttl = DefaultAgentTTL
	}
	// Wall clock only (Round(0) drops the monotonic reading): see
	// expireIfDue.
	s.expires = time.Now().Add(ttl).Round(0)
	if s.timer != nil {
		s.timer.Stop()
	}
	// Expiry wipes the memory and ends the agent.
	s.timer = time.AfterFunc(ttl, func() {
		s.wipe()
		s.shutdown()
	})
	return true
}

// expiryCheckInterval is how often the agent compares the wall clock with
// its expiry between requests.
const expiryCheckInterval = 15 * time.Second

// expireIfDue wipes the agent's memory once its TTL has passed by the
// wall clock, and with end also ends the agent. The timer set at unlock
// follows Go's monotonic clock, which stops while the machine is
// suspended: after a night asleep it has not fired, and only the wall
// clock says the TTL is over (ssh-agent counts the time asleep too). The
// timer still ends the agent when the wall clock is set back. A request
// only wipes, as lock does, so that 'agent start' (status, then unlock)
// finds a locked agent to unlock rather than one going away; the periodic
// check ends it.
func (s *agentServer) expireIfDue(end bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expires.IsZero() || time.Now().Round(0).Before(s.expires) {
		return
	}
	if s.keys != nil {
		s.keys.Close()
		s.keys = nil
	}
	if end {
		s.shutdown()
	}
}

// wipe forgets the identity and every cached data key.
func (s *agentServer) wipe() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys != nil {
		s.keys.Close()
		s.keys = nil
	}
}

func (s *agentServer) status() *AgentStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := &AgentStatus{PID: os.Getpid(), Socket: s.sock, Locked: s.keys == nil, Vaults: []string{}}
	if s.keys != nil {
		st.Recipient = s.keys.Recipient().Key
		st.Expires = s.expires.UTC().Truncate(time.Second)
		st.Vaults = s.keys.CachedVaults()
	}
	return st
}

func (s *agentServer) handle(c *net.UnixConn) {
	defer c.Close()
	uid, err := peerUID(c)
	if err != nil || uid != os.Getuid() {
		return // not ours: say nothing
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	var req agentRequest
	if err := readMessage(c, &req); err != nil {
		return
	}
	defer clear(req.Value)
	defer clear(req.Identity)
	resp := s.do(&req)
	if req.Op == "stop" {
		// Gone before the caller hears back: once `agent stop` returns, no
		// new connection can reach this agent.
		s.wipe()
		s.shutdown()
		s.ln.Close()
		os.Remove(s.sock)
	}
	writeMessage(c, resp)
	if resp.Value != nil {
		clear(resp.Value)
	}
}

func (s *agentServer) do(req *agentRequest) *agentResponse {
	s.expireIfDue(false)
	switch req.Op {
	case "status":
		return &agentResponse{Status: s.status()}
	case "lock":
		s.wipe()
		return &agentResponse{Status: s.status()}
	case "stop":
		return &agentResponse{}
	case "unlock":
		id, err := ParseIdentity(req.Identity)
		if err != nil {
			return errorResponse(err)
		}
		ttl, _ := time.ParseDuration(req.TTL)
		if !s.unlock(id, ttl) {
			return &agentResponse{Error: "the agent's time to live ended as it was unlocked", Hint: "run 'git vault agent start' again"}
		}
		return &agentResponse{Status: s.status()}
	}
	s.mu.Lock()
	keys := s.keys
	s.mu.Unlock()
	if keys == nil {
		return &agentResponse{Error: "the agent is locked", Hint: "unlock it with 'git vault agent start'"}
	}
	if req.Op == "create" {
		recips, err := ParseRecipients(req.NewRecips)
		if err != nil {
			return errorResponse(err)
		}
		kf, err := keys.Create(recips)
		if err != nil {
			return errorResponse(err)
		}
		return &agentResponse{Key: kf.Format()}
	}
	v, err := vaultFromFiles(req.Recipients, req.Key, req.Entries)
	if err != nil {
		return errorResponse(err)
	}
	switch req.Op {
	case "decrypt":
		if len(req.Entries) != 1 {
			return &agentResponse{Error: "decrypt takes exactly one entry"}
		}
		val, err := keys.Decrypt(v, fromWire(req.Entries[0]))
		if err != nil {
			return errorResponse(err)
		}
		return &agentResponse{Value: val}
	case "encrypt":
		e, err := keys.Encrypt(v, req.Name, req.Env, req.Value)
		if err != nil {
			return errorResponse(err)
		}
		return &agentResponse{Entries: []wireEntry{toWire(e)}}
	case "rekey":
		recips, err := ParseRecipients(req.NewRecips)
		if err != nil {
			return errorResponse(err)
		}
		kf, es, err := keys.Rekey(v, recips, req.Rotate)
		if err != nil {
			return errorResponse(err)
		}
		resp := &agentResponse{Key: kf.Format()}
		for _, e := range es {
			resp.Entries = append(resp.Entries, toWire(e))
		}
		return resp
	}
	return &agentResponse{Error: fmt.Sprintf("unknown agent operation %q", req.Op)}
}

func vaultFromFiles(recipients, key []byte, entries []wireEntry) (*Vault, error) {
	v := &Vault{recipientsRaw: recipients, keyRaw: key, Secrets: &SecretsFile{}}
	var err error
	if v.Key, err = ParseKeyFile(key); err != nil {
		return nil, err
	}
	if v.Recipients, err = ParseRecipients(recipients); err != nil {
		return nil, err
	}
	for _, w := range entries {
		v.Secrets.Entries = append(v.Secrets.Entries, fromWire(w))
	}
	return v, nil
}

func errorResponse(err error) *agentResponse {
	if errors.Is(err, ErrNotRecipient) {
		return &agentResponse{Error: ErrNotRecipient.Error(), NotRecipient: true}
	}
	var re *ReadError
	if errors.As(err, &re) {
		return &agentResponse{Error: re.Msg, Hint: re.Hint}
	}
	var ne *NameError
	if errors.As(err, &ne) {
		return &agentResponse{Error: ne.Msg, Hint: ne.Hint}
	}
	return &agentResponse{Error: err.Error()}
}
