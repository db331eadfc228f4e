package vault

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// The agent speaks one JSON request and one JSON response per connection
// on a unix socket. Its operations mirror Keyholder: the private key and the
// data keys never leave it, and no operation returns more than one value.

type wireEntry struct {
	Name       string `json:"name"`
	Env        string `json:"env"`
	Generation int    `json:"generation"`
	Sealed     []byte `json:"sealed"`
}

func toWire(e Entry) wireEntry { return wireEntry(e) }

func fromWire(w wireEntry) Entry { return Entry(w) }

type agentRequest struct {
	Op         string      `json:"op"`
	Identity   []byte      `json:"identity,omitempty"` // unlock only
	TTL        string      `json:"ttl,omitempty"`
	Recipients []byte      `json:"recipients,omitempty"` // the recipients file
	Key        []byte      `json:"key,omitempty"`        // the key file
	Entries    []wireEntry `json:"entries,omitempty"`
	Name       string      `json:"name,omitempty"`
	Env        string      `json:"env,omitempty"`
	Value      []byte      `json:"value,omitempty"`
	NewRecips  []byte      `json:"new_recipients,omitempty"`
	Rotate     bool        `json:"rotate,omitempty"`
}

type agentResponse struct {
	Error   string       `json:"error,omitempty"`
	Hint    string       `json:"hint,omitempty"`
	Value   []byte       `json:"value,omitempty"`
	Key     []byte       `json:"key,omitempty"`
	Entries []wireEntry  `json:"entries,omitempty"`
	Status  *AgentStatus `json:"status,omitempty"`
	// NotRecipient: the error is ErrNotRecipient, which the client
	// answers with its identity's public key (NotRecipientError).
	NotRecipient bool `json:"not_recipient,omitempty"`
}

// AgentStatus is what `git vault agent status` shows. It holds no secret.
type AgentStatus struct {
	PID       int       `json:"pid"`
	Socket    string    `json:"socket"`
	Locked    bool      `json:"locked"`
	Recipient string    `json:"recipient,omitempty"` // the held identity's public key
	Expires   time.Time `json:"expires,omitempty"`
	Vaults    []string  `json:"vaults"` // ids of vaults whose data keys are cached
}

const maxAgentMessage = 16 << 20

// AgentSocketDir is the private directory holding the agent's socket:
// $XDG_RUNTIME_DIR/verdigris, else $TMPDIR/verdigris-<uid>, else
// /tmp/verdigris-<uid>. Relative values are ignored: the agent runs from
// "/", so a relative path would name another directory for it than for
// the command that started it, and no command could reach it.
func AgentSocketDir(getenv func(string) string) string {
	if d := getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "verdigris")
	}
	tmp := getenv("TMPDIR")
	if tmp == "" || !filepath.IsAbs(tmp) {
		tmp = "/tmp"
	}
	return filepath.Join(tmp, "verdigris-"+strconv.Itoa(os.Getuid()))
}

// AgentSocket is the agent's socket path.
func AgentSocket(getenv func(string) string) string {
	return filepath.Join(AgentSocketDir(getenv), "agent.sock")
}

// ensurePrivateDir creates dir 0700 or checks that an existing one is a
// real directory owned by us that nobody else can enter: a socket in a
// directory another user controls could be swapped for theirs.
func ensurePrivateDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return checkPrivateDir(dir)
}

func checkPrivateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	// The agent's socket would be reachable through a directory someone
	// else controls: say what to do rather than use it.
	unsafe := func(why string) error {
		return &ReadError{Msg: fmt.Sprintf("the agent's directory %s %s", dir, why),
			Hint: "remove it (a new agent creates it private), or set XDG_RUNTIME_DIR to a private directory"}
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok {
		return unsafe("is not a directory (a symbolic link or a file)")
	}
	if int(st.Uid) != os.Getuid() {
		return unsafe("belongs to another user")
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return unsafe(fmt.Sprintf("is accessible by other users (mode %04o)", fi.Mode().Perm()))
	}
	return nil
}

func writeMessage(c net.Conn, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	defer clear(b)
	b = append(b, '\n')
	_, err = c.Write(b)
	return err
}

func readMessage(c net.Conn, v any) error {
	r := bufio.NewReaderSize(c, 64*1024)
	var buf []byte
	defer func() { clear(buf) }()
	for {
		chunk, err := r.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxAgentMessage {
			return errors.New("agent message too large")
		}
		if err == nil {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return err
		}
	}
	return json.Unmarshal(buf, v)
}
