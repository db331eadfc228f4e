package release

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// majorSuffixRE is a module path's major version suffix: /v2, /v3, …
var majorSuffixRE = regexp.MustCompile(`/v([1-9][0-9]*)$`)

// checkGoModule refuses a release whose tag Go would refuse as a version
// of the module at the repository root: from v2 on, the module path ends
// in /vMAJOR (example.com/m/v2), and a path with such a suffix takes only
// tags of that major version. The tag was made anyway, and go get
// answered "module path must match major version".
func checkGoModule(root string, v Version) error {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		// Only a go.mod that is not there makes no Go module: one that
		// cannot be read (a directory, a link to nothing) was taken for
		// none, and the check below skipped without a word.
		if _, lerr := os.Lstat(filepath.Join(root, "go.mod")); errors.Is(lerr, fs.ErrNotExist) {
			return nil // the tags are the project's own
		}
		return cannotRead(root, "go.mod", "go.mod",
			"make go.mod a file you can read (a Go module's release is checked against its module path), or remove it if this is no Go module", err)
	}
	mod := modulePath(data)
	if mod == "" || strings.HasPrefix(mod, "gopkg.in/") {
		return nil // gopkg.in names the major version its own way (.v2)
	}
	pathMajor := 0
	if m := majorSuffixRE.FindStringSubmatch(mod); m != nil {
		pathMajor, _ = strconv.Atoi(m[1])
	}
	switch {
	case v.Major >= 2 && pathMajor != v.Major:
		want := strings.TrimSuffix(mod, fmt.Sprintf("/v%d", pathMajor)) + fmt.Sprintf("/v%d", v.Major)
		if pathMajor < 2 {
			want = mod + fmt.Sprintf("/v%d", v.Major)
		}
		return refuse(fmt.Sprintf("change the module path to %s in go.mod (and the imports of its packages), commit, then release; or release a %s version explicitly", want, majorName(pathMajor)),
			"go.mod's module path %s does not end in /v%d: Go refuses the tag %s as a version of it", mod, v.Major, v.Tag())
	case v.Major < 2 && pathMajor >= 2:
		return refuse(fmt.Sprintf("release a v%d version (git release %d.0.0), or change the module path in go.mod", pathMajor, pathMajor),
			"go.mod's module path %s takes v%d tags: Go refuses the tag %s as a version of it", mod, pathMajor, v.Tag())
	}
	return nil
}

func majorName(pathMajor int) string {
	if pathMajor < 2 {
		return "v0 or v1"
	}
	return fmt.Sprintf("v%d", pathMajor)
}

// modulePath is the path of go.mod's module directive ("" when it has
// none), quoted or not.
func modulePath(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "module" {
			if p, err := strconv.Unquote(f[1]); err == nil {
				return p
			}
			return f[1]
		}
	}
	return ""
}
