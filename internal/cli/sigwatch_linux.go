package cli

import (
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// raiseToSelf sends sig to this thread, so that the kernel delivers it,
// and whatever was pending for the process, before tgkill returns.
func raiseToSelf(sig syscall.Signal) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
}
