//go:build !linux

package vault

// ProtectProcess does nothing here: macOS writes no core files unless
// asked (ulimit -c, /cores), and a resource limit would also be inherited
// by the commands 'git vault run' starts.
func ProtectProcess() error { return nil }
