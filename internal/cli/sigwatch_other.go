//go:build !linux

package cli

import (
	"os"
	"syscall"
)

// raiseToSelf sends sig to this process.
func raiseToSelf(sig syscall.Signal) error { return syscall.Kill(os.Getpid(), sig) }
