package cli

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// FileReason says in plain words why a call on a file failed: Go's error
// names the call and the absolute path ("open /home/…/out: not a
// directory"), not the fault. Callers add what they know of the path
// itself (which part of it is a file, where a link points). EPERM keeps
// the system's words, "operation not permitted": it is no matter of the
// file's mode bits.
func FileReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "it does not exist"
	case errors.Is(err, syscall.EISDIR):
		return "it is a directory"
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of its path is not a directory"
	case errors.Is(err, syscall.EACCES):
		return "permission denied"
	case errors.Is(err, syscall.EROFS):
		return "it is on a read-only file system"
	case errors.Is(err, syscall.ENOSPC):
		return "no space is left on its device"
	case errors.Is(err, syscall.EDQUOT):
		return "the disk quota is exceeded"
	case errors.Is(err, syscall.EFBIG):
		return "the file is larger than this system allows"
	case errors.Is(err, syscall.EIO):
		return "its device reported an input/output error"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// PathReason is FileReason for a call on path, which it looks at: a
// symbolic link to nothing is said to be one, with its target. Go's
// "no such file or directory" read as if the link itself were missing.
func PathReason(path string, err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		if target, lerr := os.Readlink(path); lerr == nil {
			return "it is a symbolic link to " + target + ", which does not exist"
		}
	}
	return FileReason(err)
}
