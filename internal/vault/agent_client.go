package vault

import (
	"context"
	"errors"
	"net"
	"os"
	"time"
)

// ErrNoAgent: no agent answers on the socket.
var ErrNoAgent = errors.New("no agent is running")

// AgentClient is a Keyholder whose identity lives in the agent. Its
// requests end when ctx, the command's, is cancelled: Keyholder's methods
// take none, as LocalKeys never waits on anything.
type AgentClient struct {
	ctx    context.Context
	sock   string
	status *AgentStatus
	recip  *Recipient
}

// agentCall sends one request and reads the response. Cancelling ctx
// (Ctrl-C) ends the exchange at once with ctx's error, where an agent
// that does not answer (stopped, hung) kept the command waiting for the
// whole deadline.
func agentCall(ctx context.Context, sock string, req *agentRequest) (*agentResponse, error) {
	if err := checkPrivateDir(dirOf(sock)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNoAgent
		}
		return nil, err
	}
	d := net.Dialer{Timeout: 2 * time.Second}
	c, err := d.DialContext(ctx, "unix", sock)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, ErrNoAgent
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	// A deadline in the past wakes the blocked write or read; readMessage
	// clears what it had read of the answer.
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := writeMessage(c, req); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	var resp agentResponse
	if err := readMessage(c, &resp); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errors.New("the agent closed the connection without an answer")
	}
	if resp.NotRecipient {
		return nil, ErrNotRecipient
	}
	if resp.Error != "" {
		return nil, &ReadError{Msg: resp.Error, Hint: resp.Hint}
	}
	return &resp, nil
}

func dirOf(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return "."
}

// AgentStatusAt asks the agent at sock for its status.
func AgentStatusAt(ctx context.Context, sock string) (*AgentStatus, error) {
	resp, err := agentCall(ctx, sock, &agentRequest{Op: "status"})
	if err != nil {
		return nil, err
	}
	return resp.Status, nil
}

// AgentUnlock hands the agent a (decrypted) identity to hold for ttl.
func AgentUnlock(ctx context.Context, sock string, identity []byte, ttl time.Duration) (*AgentStatus, error) {
	resp, err := agentCall(ctx, sock, &agentRequest{Op: "unlock", Identity: identity, TTL: ttl.String()})
	if err != nil {
		return nil, err
	}
	return resp.Status, nil
}

// AgentLock makes the agent forget its identity and data keys.
func AgentLock(ctx context.Context, sock string) error {
	_, err := agentCall(ctx, sock, &agentRequest{Op: "lock"})
	return err
}

// AgentStop wipes and ends the agent.
func AgentStop(ctx context.Context, sock string) error {
	_, err := agentCall(ctx, sock, &agentRequest{Op: "stop"})
	return err
}

// DialAgent connects to a running, unlocked agent; the client's requests
// end when ctx is cancelled.
func DialAgent(ctx context.Context, sock string) (*AgentClient, error) {
	st, err := AgentStatusAt(ctx, sock)
	if err != nil {
		return nil, err
	}
	if st.Locked {
		return nil, &ReadError{Msg: "the agent is locked", Hint: "unlock it with 'git vault agent start'"}
	}
	r, err := ParseRecipient(st.Recipient)
	if err != nil {
		return nil, err
	}
	return &AgentClient{ctx: ctx, sock: sock, status: st, recip: r}, nil
}

func (a *AgentClient) Recipient() *Recipient { return a.recip }

func (a *AgentClient) vaultRequest(op string, v *Vault) *agentRequest {
	return &agentRequest{Op: op, Recipients: v.recipientsRaw, Key: v.keyRaw}
}

// vaultCall sends a request about a vault; an identity that is not its
// recipient is named by the key the agent holds, as LocalKeys names it.
func (a *AgentClient) vaultCall(req *agentRequest) (*agentResponse, error) {
	resp, err := agentCall(a.ctx, a.sock, req)
	if errors.Is(err, ErrNotRecipient) {
		return nil, &NotRecipientError{Recipient: a.recip}
	}
	return resp, err
}

func (a *AgentClient) Decrypt(v *Vault, e Entry) ([]byte, error) {
	req := a.vaultRequest("decrypt", v)
	req.Entries = []wireEntry{toWire(e)}
	resp, err := a.vaultCall(req)
	if err != nil {
		return nil, err
	}
	return resp.Value, nil
}

func (a *AgentClient) Encrypt(v *Vault, name, env string, value []byte) (Entry, error) {
	req := a.vaultRequest("encrypt", v)
	req.Name, req.Env, req.Value = name, env, value
	resp, err := a.vaultCall(req)
	if err != nil {
		return Entry{}, err
	}
	if len(resp.Entries) != 1 {
		return Entry{}, errors.New("the agent answered without an entry")
	}
	return fromWire(resp.Entries[0]), nil
}

func (a *AgentClient) Rekey(v *Vault, recips []*Recipient, rotate bool) (*KeyFile, []Entry, error) {
	req := a.vaultRequest("rekey", v)
	req.NewRecips = FormatRecipients(recips)
	req.Rotate = rotate
	for _, e := range v.Secrets.Entries {
		req.Entries = append(req.Entries, toWire(e))
	}
	resp, err := a.vaultCall(req)
	if err != nil {
		return nil, nil, err
	}
	kf, err := ParseKeyFile(resp.Key)
	if err != nil {
		return nil, nil, err
	}
	es := make([]Entry, 0, len(resp.Entries))
	for _, w := range resp.Entries {
		es = append(es, fromWire(w))
	}
	return kf, es, nil
}

func (a *AgentClient) Create(recips []*Recipient) (*KeyFile, error) {
	resp, err := agentCall(a.ctx, a.sock, &agentRequest{Op: "create", NewRecips: FormatRecipients(recips)})
	if err != nil {
		return nil, err
	}
	return ParseKeyFile(resp.Key)
}

func (a *AgentClient) Close() {}
