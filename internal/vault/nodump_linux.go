package vault

import "golang.org/x/sys/unix"

// ProtectProcess keeps this process's memory (the identity, data keys,
// decrypted values) out of core dumps and out of reach of other
// processes of the same user, as ssh-agent and gpg do: a non-dumpable
// process writes no core file (GOTRACEBACK=crash and a fatal signal
// would otherwise put the agent's identity in ./core or
// systemd-coredump's store, where it outlives the agent's TTL), and
// /proc/PID/mem, environ and ptrace need CAP_SYS_PTRACE. The flag is
// reset by execve, so the command 'git vault run' starts, and the git it
// runs, are dumpable and traceable as usual.
func ProtectProcess() error {
	return unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
}
