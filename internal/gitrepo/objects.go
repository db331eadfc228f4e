package gitrepo

// ObjectReader reads refs and objects inside the process, without
// starting git: what a hook on the `git commit` latency path needs (the
// commit just made, a tag, a file in a commit). Package gitrepo/inprocess
// provides one (go-git) and registers it when it is imported; a program
// that does not import it never links go-git and asks git for everything.
// git-scry is such a program: it streams whole histories through git,
// and go-git's start-up cost (its dependencies' initialisation, a binary
// a third larger) would be a tenth of every search.
//
// A reader answers ok=false when it cannot be sure (a revision syntax it
// does not know, an object it cannot read: a SHA-256 repository, a
// promisor pack), and git is asked instead.
type ObjectReader interface {
	// ResolveCommit returns the full hash of the commit rev names.
	ResolveCommit(rev string) (hash string, ok bool)
	// Commit reads the commit rev names (as ResolveCommit), reading the
	// object once.
	Commit(rev string) (c *Commit, ok bool)
	// FileAt reads path (slash-separated) in the commit with this full
	// hash (anything else: not ok); found is false when the commit has no
	// such file.
	FileAt(hash, path string) (data []byte, found, ok bool)
	// Tags lists the tags whose names start with prefix, peeled to
	// commits; tags of other objects are left out.
	Tags(prefix string) (tags []Tag, ok bool)
	// LookupTag reads one tag; found is false when there is none (or it
	// does not lead to a commit).
	LookupTag(name string) (tag Tag, found, ok bool)
}

// openObjects opens the registered in-process reader of a repository;
// nil when none is registered.
var openObjects func(r *Repo) (ObjectReader, error)

// RegisterObjectReader makes open the way every Repo reads refs and
// objects in-process. Package gitrepo/inprocess calls it from its init.
func RegisterObjectReader(open func(r *Repo) (ObjectReader, error)) {
	openObjects = open
}

// objects returns the repository's in-process reader, opened once; nil
// when there is none (not registered, or it cannot open this repository).
func (r *Repo) objects() ObjectReader {
	r.objOnce.Do(func() {
		if openObjects == nil {
			return
		}
		if o, err := openObjects(r); err == nil {
			r.obj = o
		}
	})
	return r.obj
}
