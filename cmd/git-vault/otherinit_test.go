package main

import (
	"os"
	"sync"

	"filippo.io/age"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/verdigris-dev/verdigris/internal/filelock"
)

// otherInits are the locks otherinit holds, by identity file.
var otherInits sync.Map

func init() {
	// otherinit start [-made] FILE: act as another 'git vault init' midway
	// through creating the identity FILE: its lock (FILE.lock) held, and
	// with -made the file made with no key in it yet.
	// otherinit finish FILE: write its key (public key in FILE.pub) and
	// let the lock go.
	vaultCommands["otherinit"] = func(ts *testscript.TestScript, neg bool, args []string) {
		switch {
		case len(args) >= 2 && args[0] == "start":
			file := ts.MkAbs(args[len(args)-1])
			l, err := filelock.TryLock(file + ".lock")
			ts.Check(err)
			otherInits.Store(file, l)
			if args[1] == "-made" {
				f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				ts.Check(err)
				f.Close()
			}
		case len(args) == 2 && args[0] == "finish":
			file := ts.MkAbs(args[1])
			l, ok := otherInits.LoadAndDelete(file)
			if !ok {
				ts.Fatalf("otherinit finish %s: not started", args[1])
			}
			id, err := age.GenerateX25519Identity()
			ts.Check(err)
			f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE, 0o600)
			ts.Check(err)
			_, err = f.WriteString(id.String() + "\n")
			ts.Check(err)
			ts.Check(f.Close())
			ts.Check(os.WriteFile(file+".pub", []byte(id.Recipient().String()+"\n"), 0o644))
			ts.Check(l.(*filelock.Lock).Unlock())
		default:
			ts.Fatalf("usage: otherinit start [-made] FILE | otherinit finish FILE")
		}
	}
}
