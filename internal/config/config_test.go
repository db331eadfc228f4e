package config

import (
	"strings"
	"testing"
)

const sample = `# pins
[tools]
go = "1.26.8"
node = "20.20.2"

[tools.mytool]
version = "1.2.3"
probe = "mytool --version"

[checks.fmt]
run = 'test -z "$(gofmt -l .)"'

[checks.test]
run = "go test ./..."
after = ["fmt"]

[checks.serial]
run = "true"
parallel = false

[sets]
pre-push = ["fmt", "test"]
ci = ["fmt", "test", "serial"]

[release]
version-files = ["VERSION"]

[session]
dir = "notes/sessions"
`

func TestParse(t *testing.T) {
	f, err := Parse("toolchain.toml", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tools) != 3 || f.Tools[0].Name != "go" || f.Tools[1].Name != "node" || f.Tools[2].Probe != "mytool --version" {
		t.Fatalf("tools = %+v", f.Tools)
	}
	if f.Tools[0].Line != 3 || f.Tools[2].Line != 6 {
		t.Errorf("tool lines = %d, %d; want 3, 6", f.Tools[0].Line, f.Tools[2].Line)
	}
	if got := f.Checks["test"].After; len(got) != 1 || got[0] != "fmt" {
		t.Errorf("after = %v", got)
	}
	if f.Checks["serial"].Parallel || !f.Checks["fmt"].Parallel {
		t.Errorf("parallel flags wrong")
	}
	if strings.Join(f.CheckNames(), ",") != "fmt,test,serial" {
		t.Errorf("check order = %v", f.CheckNames())
	}
	if f.Session.Dir != "notes/sessions" || f.Release.Changelog != DefaultChangelog || f.Release.VersionFiles[0] != "VERSION" {
		t.Errorf("release/session = %+v %+v", f.Release, f.Session)
	}
}

// A toolchain.toml saved by a Windows editor starts with a byte order
// mark, which was read as part of the first key ("invalid character at
// start of key: U+00EF").
func TestParseWithByteOrderMark(t *testing.T) {
	f, err := Parse("toolchain.toml", append([]byte("\uFEFF"), sample...))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tools) != 3 || f.Tools[0].Name != "go" || f.Tools[0].Line != 3 {
		t.Fatalf("tools = %+v", f.Tools)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"syntax", "[tools]\ngo = \n", "toolchain.toml:2:"},
		{"tool type", "[tools]\ngo = 1.26\n", "toolchain.toml:2: tools.go: must be a version string"},
		{"unknown section", "[tool]\ngo = \"1\"\n", "toolchain.toml:1: tool: unknown section"},
		{"unknown check key", "[checks.a]\nrun = \"x\"\nneeds = [\"b\"]\n", "toolchain.toml:3: checks.a.needs: unknown key"},
		{"unknown after", "[checks.a]\nrun = \"x\"\nafter = [\"b\"]\n", "toolchain.toml:3: checks.a.after: unknown check \"b\""},
		{"unknown set member", "[checks.a]\nrun = \"x\"\n[sets]\nci = [\"a\", \"zz\"]\n", "toolchain.toml:4: sets.ci: unknown check \"zz\""},
		// A check listed twice ran once, silently: a set edited in
		// a hurry (a check pasted twice, one meant in its place).
		{"set member twice", "[checks.a]\nrun = \"x\"\n[sets]\nci = [\"a\", \"a\"]\n", "toolchain.toml:4: sets.ci: lists check \"a\" twice"},
		{"cycle", "[checks.a]\nrun = \"x\"\nafter = [\"b\"]\n[checks.b]\nrun = \"y\"\nafter = [\"a\"]\n", "cycle"},
		{"no run", "[checks.a]\nafter = []\n", "toolchain.toml:1: checks.a: has no run command"},
		{"parallel type", "[checks.a]\nrun = \"x\"\nparallel = \"no\"\n", "toolchain.toml:3: checks.a.parallel: must be true or false"},
		{"inline tool", "[tools]\nx = { version = \"1\", probe = 3 }\n", "toolchain.toml:2: tools.x.probe: must be a string"},
		{"session outside", "[session]\ndir = \"../x\"\n", "toolchain.toml:2: session.dir: must be a path inside"},
		// A built-in tool's pin is passed on as written (go-version= for
		// setup actions): these passed and were printed as pins.
		{"not a version", "[tools]\ngo = \"banana\"\n", "toolchain.toml:2: tools.go: \"banana\" is not a release version"},
		{"latest", "[tools]\nnode = \"latest\"\n", "tools.node: \"latest\" is not a release version"},
		{"channel", "[tools]\nrust = \"stable\"\n", "tools.rust: \"stable\" is not a release version"},
		// A version is printed as a name=value line (git toolchain env)
		// and a step output: a newline in it made another line, and was
		// only refused when it was empty.
		{"version newline", "[tools.mytool]\nversion = \"1.2.3\\nother-version=9\"\nprobe = \"mytool -v\"\n", "toolchain.toml:2: tools.mytool.version: \"1.2.3\\nother-version=9\" has a control character (a version is one line of printable text)"},
		{"version escape", "[tools]\nmytool = { version = \"\\u001b[31m1.0\", probe = \"mytool -v\" }\n", "toolchain.toml:2: tools.mytool.version: \"\\x1b[31m1.0\" has a control character"},
		{"pin newline", "[tools]\ngo = \"\"\"\n1.26.8\n\"\"\"\n", "toolchain.toml:2: tools.go: \"1.26.8\\n\" has a control character"},
		// git toolchain env prints the version as it is: a right-to-left
		// override in it reversed the rest of the line on a terminal.
		{"version bidi override", "[tools.mytool]\nversion = \"1.2.3\\u202e\"\nprobe = \"mytool -v\"\n", "toolchain.toml:2: tools.mytool.version: \"1.2.3\\u202e\" has a bidirectional override"},
		// An explicitly empty probe read as no probe: the built-in one,
		// or none at all for a tool without one.
		{"empty probe", "[tools.mytool]\nversion = \"1\"\nprobe = \"\"\n", "toolchain.toml:3: tools.mytool.probe: is empty: give a command that prints the version"},
		{"blank probe", "[tools.go]\nversion = \"1.26.8\"\nprobe = \"  \"\n", "toolchain.toml:3: tools.go.probe: is empty"},
		// An empty dir was read as the repository root: git session wrote
		// its records there, among the repository's own files.
		{"empty session dir", "[session]\ndir = \"\"\n", "toolchain.toml:2: session.dir: is empty, which is the repository root: omit the key for the default, " + DefaultSessionDir},
		{"blank session dir", "[session]\ndir = \" \"\n", "toolchain.toml:2: session.dir: is empty"},
		{"root session dir", "[session]\ndir = \"./\"\n", "toolchain.toml:2: session.dir: \"./\" is the repository root: omit the key for the default, " + DefaultSessionDir},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("toolchain.toml", []byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want it to contain %q", err, tc.want)
			}
		})
	}
}

// [session] dir refused any path starting with "..", so a directory
// named "..notes" or "..." inside the repository could not be used. Only
// a ".." element leaves the repository; git session reads a backslash as
// a slash (a Windows-written toolchain.toml), so `..\x` leaves it too.
func TestSessionDirInsideRepository(t *testing.T) {
	for _, dir := range []string{"..notes", "...", "a/..b", "notes/../sessions", "notes/..."} {
		f, err := Parse("toolchain.toml", []byte("[session]\ndir = '"+dir+"'\n"))
		if err != nil {
			t.Errorf("dir %q: %v", dir, err)
			continue
		}
		if f.Session.Dir != dir {
			t.Errorf("dir %q read as %q", dir, f.Session.Dir)
		}
	}
	for _, dir := range []string{"..", "../x", "./..", "a/../../x", `..\x`, `a\..\..\x`, "/abs", `\abs`} {
		_, err := Parse("toolchain.toml", []byte("[session]\ndir = '"+dir+"'\n"))
		if err == nil || !strings.Contains(err.Error(), "toolchain.toml:2: session.dir: must be a path inside the repository") {
			t.Errorf("dir %q: err = %v; want it refused", dir, err)
		}
	}
}

// A key defined twice is named in full, as every other error names it:
// the parser's "toolchain.toml:3: go: key go is already defined" left out
// the table.
func TestDuplicateKeyNamedInFull(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"tool", "[tools]\ngo = \"1.26.8\"\ngo = \"1.26.9\"\n", "toolchain.toml:3: tools.go: already defined on line 2"},
		{"check key", "[checks.test]\nrun = \"a\"\n\nrun = \"b\"\n", "toolchain.toml:4: checks.test.run: already defined on line 2"},
		{"set", "[sets]\nci = []\npre-push = []\nci = []\n", "toolchain.toml:4: sets.ci: already defined on line 2"},
		{"dotted", "[tools]\nt.version = \"1\"\nt.version = \"2\"\n", "toolchain.toml:3: tools.t.version: already defined on line 2"},
		{"table", "[checks.a]\nrun = \"x\"\n[checks.a]\nrun = \"y\"\n", "toolchain.toml:3: checks.a: already defined on line 1"},
		{"section", "[tools]\ngo = \"1.26.8\"\n[tools]\nnode = \"20\"\n", "toolchain.toml:3: tools: already defined on line 1"},
		{"top level", "x = 1\nx = 2\n", "toolchain.toml:2: x: already defined on line 1"},
		// Quoted as the file writes it: checks.go.vet.run is key run of
		// table vet of check go.
		{"quoted", "[checks.\"go.vet\"]\nrun = \"a\"\nrun = \"b\"\n", "toolchain.toml:3: checks.\"go.vet\".run: already defined on line 2"},
		{"quoted table", "[sets]\n\"pre push\" = []\n\"pre push\" = []\n", "toolchain.toml:3: sets.\"pre push\": already defined on line 2"},
		// The parser names the inline table, not the key inside it.
		{"inline", "[tools]\nt = { version = \"1\", version = \"2\" }\n", "toolchain.toml:2: tools.t: key version is already defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("toolchain.toml", []byte(tc.doc))
			if err == nil || err.Error() != tc.want {
				t.Fatalf("err = %v; want %q", err, tc.want)
			}
		})
	}
}

func TestBuiltinPinsThatAreVersions(t *testing.T) {
	for _, v := range []string{"1.26.8", "go1.26.8", "v2.1.6", "1.23rc1", "3.13.0b2", "20", "nightly-2025-01-31"} {
		if _, err := Parse("toolchain.toml", []byte("[tools]\ngo = \""+v+"\"\n")); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	// A probe's output is searched for a version with a digit in it, so
	// a probed tool's pin of "banana" (or "latest") never matched it.
	if _, err := Parse("toolchain.toml", []byte("[tools.mytool]\nversion = \"banana\"\nprobe = \"echo banana\"\n")); err == nil {
		t.Errorf("custom tool pinned to banana: accepted")
	}
	for _, v := range []string{"1.9.5", "v1.9.5", "r25b", "17.0.2+8", "2024.01", "5"} {
		if _, err := Parse("toolchain.toml", []byte("[tools.mytool]\nversion = \""+v+"\"\nprobe = \"mytool -v\"\n")); err != nil {
			t.Errorf("custom tool %s: %v", v, err)
		}
	}
}

// A built-in tool under another name (asdf's golang and nodejs, an
// executable's name) was a custom tool that no probe could find.
func TestBuiltinToolAlias(t *testing.T) {
	for name, want := range map[string]string{"golang": "go", "nodejs": "node", "Go": "go", "python3": "python", "rustc": "rust", "Golangci-Lint": "golangci-lint"} {
		_, err := Parse("toolchain.toml", []byte("[tools]\n"+name+" = \"1.2.3\"\n"))
		if err == nil || !strings.Contains(err.Error(), "pin is "+want+" = \"1.2.3\"") {
			t.Errorf("%s: err = %v; want the pin named %s", name, err, want)
		}
	}
}

// A section in another number or case was "unknown section" with no
// suggestion; the error's hint names the section meant, written as the
// entry would be.
func TestUnknownSectionSaysWhichWasMeant(t *testing.T) {
	wantHints(t, map[string]string{
		"[check.fmt]\nrun = \"true\"\n":       "did you mean [checks.fmt]?",
		"[tool.\"a b\"]\nversion = \"1.0\"\n": `did you mean [tools."a b"]?`,
		"[tool]\ngo = \"1.26.8\"\n":           "did you mean [tools]?",
		"[set]\nci = []\n":                    "did you mean [sets]?",
		"[Sessions]\ndir = \"x\"\n":           "did you mean [session]?",
		"[releases]\nbranch = \"main\"\n":     "did you mean [release]?",
		"[checks.a.b]\nrun = \"true\"\n":      `a check named a.b is written [checks."a.b"]; [checks.a.b] is key b of check a`,
		"[tools.a.b]\nversion = \"1.0\"\n":    `a tool named a.b is written [tools."a.b"]; [tools.a.b] is key b of tool a`,
		"[deploy]\nx = 1\n":                   "",
	})
}

// wantHints parses each file, which must fail, and checks the hint.
func wantHints(t *testing.T, cases map[string]string) {
	t.Helper()
	for in, want := range cases {
		_, err := Parse("toolchain.toml", []byte(in))
		ce, ok := err.(*Error)
		if !ok {
			t.Fatalf("%q: %v, want an *Error", in, err)
		}
		if ce.Hint != want {
			t.Errorf("%q: hint %q, want %q", in, ce.Hint, want)
		}
	}
}

// A mistyped key of a check, tool, [release] or [session], and a set or
// after naming a mistyped check, had only the hint to fix the line: the
// hint says which was meant, by cli.Nearest, as a mistyped section's does.
func TestUnknownKeyOrCheckSaysWhichWasMeant(t *testing.T) {
	wantHints(t, map[string]string{
		"[checks.fmt]\nrnu = \"go vet ./...\"\n":                                        "did you mean run?",
		"[checks.fmt]\nrun = \"true\"\nafer = [\"fmt\"]\n":                              "did you mean after?",
		"[checks.fmt]\nrun = \"true\"\nparalel = false\n":                               "did you mean parallel?",
		"[tools.x]\nverison = \"1.0\"\nprobe = \"echo 1.0\"\n":                          "did you mean version?",
		"[tools.x]\nversion = \"1.0\"\nprob = \"echo 1.0\"\n":                           "did you mean probe?",
		"[release]\nbrnach = \"main\"\n":                                                "did you mean branch?",
		"[release]\nversion-file = [\"go.mod\"]\n":                                      "did you mean version-files?",
		"[session]\ndirs = \"notes\"\n":                                                 "did you mean dir?",
		"[checks.fmt]\nrun = \"true\"\n[sets]\nci = [\"fmtt\"]\n":                       "did you mean fmt?",
		"[checks.fmt]\nrun = \"true\"\n[checks.t]\nrun = \"true\"\nafter = [\"Fmt\"]\n": "did you mean fmt?",
		// No guess: too short to be sure of (cli.Nearest), or near none.
		"[checks.fmt]\nrn = \"true\"\n":                           "",
		"[checks.fmt]\nrun = \"true\"\n[sets]\nci = [\"lint\"]\n": "",
	})
}

// A tool pinned without a probe under a name a letter off a built-in
// one (or off one of its other names) is guessed as that tool; the
// built-in names themselves, and names near none, are not.
func TestNearBuiltin(t *testing.T) {
	for name, want := range map[string]string{
		"ndoe": "node", "pyhton": "python", "golangci_lint": "golangci-lint",
		"nodjs": "node", "Node": "node", "rsut": "rust",
		"node": "", "terraform": "", "go": "", "gx": "",
	} {
		if got := NearBuiltin(name); got != want {
			t.Errorf("NearBuiltin(%q) = %q, want %q", name, got, want)
		}
	}
}

// A version written as a TOML number and a list written as one string
// had only the hint to fix the line; the hint writes the line as meant,
// and says why a version is a string (1.10 as a number is 1.1).
func TestWrongTypeSaysHowToWriteIt(t *testing.T) {
	wantHints(t, map[string]string{
		"[tools]\ngo = 1.26\n":                                                    `write go = "1.26" (a version is a string: 1.26 as a number is 1.26 but 1.10 would be 1.1)`,
		"[tools]\ngo = 1.10 # old\n":                                              `write go = "1.10" (a version is a string: 1.10 as a number is 1.1)`,
		"[tools]\nnode = 22\n":                                                    `write node = "22" (a version is a string: 22 as a number is 22 but 1.10 would be 1.1)`,
		"[tools]\ngo = { version = 1.26 }\n":                                      `write version = "1.26" (a version is a string: 1.26 as a number is 1.26 but 1.10 would be 1.1)`,
		"[tools.x]\nversion = 1.2\nprobe = \"x -v\"\n":                            `write version = "1.2" (a version is a string: 1.2 as a number is 1.2 but 1.10 would be 1.1)`,
		"[checks.a]\nrun = \"true\"\n[checks.b]\nrun = \"true\"\nafter = \"a\"\n": `write after = ["a"]`,
		"[checks.a]\nrun = \"true\"\n[sets]\nci = \"a\"\n":                        `write ci = ["a"]`,
		"[tools]\n\"a.b\" = 1.2\n":                                                `write "a.b" = "1.2" (a version is a string: 1.2 as a number is 1.2 but 1.10 would be 1.1)`,
		"[release]\nversion-files = \"go.mod\"\n":                                 `write version-files = ["go.mod"]`,
	})
}
