package toolchain

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Commands in run: scripts that install or select a toolchain.
var (
	goToolchainRunRE   = regexp.MustCompile(`\bGOTOOLCHAIN=["']?([A-Za-z0-9.+_-]+)`)
	rustupDefaultRE    = regexp.MustCompile(`\brustup\s+(default|override\s+set)\s+([A-Za-z0-9._-]+)`)
	rustupInstallRE    = regexp.MustCompile(`\brustup\s+(?:toolchain\s+install|install|update)((?:\s+[^\s;&|#]+)*)`)
	rustupFileRE       = regexp.MustCompile(`\brustup\s+(show|toolchain\s+install|install)\s*(?:$|[;&|#])`)
	rustPlusRE         = regexp.MustCompile(`\b(cargo|rustc|rustdoc|rustup\s+run)\s+\+?([A-Za-z0-9._-]+)`)
	rustupToolchainRE  = regexp.MustCompile(`\bRUSTUP_TOOLCHAIN=["']?([A-Za-z0-9._-]+)`)
	nvmRE              = regexp.MustCompile(`\bnvm\s+(install|use)((?:\s+[^\s;&|#]+)*)`)
	rustupOptionValues = map[string]bool{"--profile": true, "--component": true, "-c": true, "--target": true, "-t": true}
)

// run checks the commands of a run: script, line by line. A line ending
// in a backslash goes on on the next one, as the shell reads it: the
// version of 'rustup toolchain install \' is on a later line, and the
// backslash is no toolchain. A command is reported at its first line.
func (l *linter) run(run *yaml.Node, setsGo bool) {
	cur := &lineCursor{lines: l.lines, line: run.Line - 1}
	var pending string // a command continued so far
	pendingLine := 0
	for _, text := range strings.Split(run.Value, "\n") {
		code := text
		if i := strings.Index(code, "#"); i >= 0 && (i == 0 || code[i-1] == ' ' || code[i-1] == '\t') {
			code = code[:i]
		}
		if strings.TrimSpace(code) == "" {
			if pending != "" {
				l.command(pending, pendingLine, setsGo)
				pending = ""
			}
			continue
		}
		line := cur.find(strings.TrimSpace(code), run.Line)
		if pending == "" {
			pendingLine = line
		}
		if head, ok := strings.CutSuffix(code, `\`); ok {
			pending += head + " "
			continue
		}
		l.command(pending+code, pendingLine, setsGo)
		pending = ""
	}
	if pending != "" {
		l.command(pending, pendingLine, setsGo)
	}
}

// command checks one command of a run: script, reported at line.
func (l *linter) command(code string, line int, setsGo bool) {
	for _, m := range goToolchainRunRE.FindAllStringSubmatch(code, -1) {
		l.goToolchain(value{s: m[1], line: line}, setsGo)
	}
	for _, m := range rustupToolchainRE.FindAllStringSubmatch(code, -1) {
		l.rustToolchain(value{s: m[1], line: line}, "RUSTUP_TOOLCHAIN="+m[1])
	}
	l.rustupCommands(code, line)
	l.nvmCommands(code, line)
}

func (l *linter) rustupCommands(code string, line int) {
	pin, pinned, ok := l.pinned("rust")
	if !ok {
		return
	}
	want := normalize(pin.Version)
	for _, m := range rustupDefaultRE.FindAllStringSubmatch(code, -1) {
		if !Satisfies(pin.Version, m[2]) {
			l.add(line, "rust", fmt.Sprintf("rustup %s %s selects Rust %s, not %s", m[1], m[2], m[2], pinned),
				fmt.Sprintf("use rustup %s %s, or let rust-toolchain.toml select it", m[1], want))
		}
	}
	for _, m := range rustupInstallRE.FindAllStringSubmatch(code, -1) {
		args := m[1]
		cmd := strings.TrimSpace(strings.TrimSuffix(m[0], args))
		var names []string
		fields := strings.Fields(args)
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			if rustupOptionValues[f] {
				i++
				continue
			}
			if !strings.HasPrefix(f, "-") {
				names = append(names, f)
			}
		}
		for _, n := range names {
			if !Satisfies(pin.Version, n) {
				l.add(line, "rust", fmt.Sprintf("%s %s installs Rust %s, not %s", cmd, n, n, pinned),
					fmt.Sprintf("use %s %s", cmd, want))
			}
		}
		if len(names) == 0 && !strings.HasSuffix(cmd, "update") {
			l.rustupFromFile(cmd, line)
		}
	}
	if m := rustupFileRE.FindStringSubmatch(code); m != nil && m[1] == "show" {
		l.rustupFromFile("rustup show", line)
	}
	for _, m := range rustPlusRE.FindAllStringSubmatch(code, -1) {
		plus := strings.HasPrefix(strings.TrimPrefix(m[0], m[1]), " +")
		if strings.HasPrefix(m[1], "rustup") || plus {
			if !Satisfies(pin.Version, m[2]) {
				l.add(line, "rust", fmt.Sprintf("%s %s runs Rust %s, not %s", m[1], plusName(m[1], m[2]), m[2], pinned),
					fmt.Sprintf("use %s %s, or drop the override", m[1], plusName(m[1], want)))
			}
		}
	}
}

func plusName(cmd, name string) string {
	if strings.HasPrefix(cmd, "rustup") {
		return name
	}
	return "+" + name
}

// rustupFromFile checks a rustup command that installs the toolchain the
// rust-toolchain.toml names: clean when the file agrees with the pin.
func (l *linter) rustupFromFile(cmd string, line int) {
	pin, pinned, _ := l.pinned("rust")
	f, err := findRustToolchainFile(l.root)
	switch {
	case err != nil || f == nil || f.Channel == "":
		l.add(line, "rust", fmt.Sprintf("%s reads rust-toolchain.toml, and there is none, so it does not install %s", cmd, pinned),
			fmt.Sprintf("add rust-toolchain.toml with channel = %q", normalize(pin.Version)))
	case !Satisfies(pin.Version, f.Channel):
		l.add(line, "rust", fmt.Sprintf("%s installs Rust %s from %s:%d, not %s", cmd, f.Channel, f.Path, f.Line, pinned),
			fmt.Sprintf("set channel = %q in %s", normalize(pin.Version), f.Path))
	}
}

func (l *linter) nvmCommands(code string, line int) {
	pin, pinned, ok := l.pinned("node")
	if !ok {
		return
	}
	for _, m := range nvmRE.FindAllStringSubmatch(code, -1) {
		var names []string
		for _, f := range strings.Fields(m[2]) {
			switch {
			case f == "--lts" || strings.HasPrefix(f, "--lts="):
				names = append(names, f)
			case !strings.HasPrefix(f, "-"):
				names = append(names, f)
			}
		}
		if len(names) == 0 {
			// Without a version nvm reads .nvmrc.
			v, fline, err := l.fileVersion(".nvmrc", "node")
			switch {
			case err != nil:
				l.add(line, "node", fmt.Sprintf("nvm %s reads .nvmrc, and there is none, so it does not select %s", m[1], pinned),
					fmt.Sprintf("add .nvmrc with %s", normalize(pin.Version)))
			case !Satisfies(pin.Version, v):
				l.add(line, "node", fmt.Sprintf("nvm %s selects Node.js %s from .nvmrc:%d, not %s", m[1], v, fline, pinned),
					fmt.Sprintf("pin %s in .nvmrc", normalize(pin.Version)))
			}
			continue
		}
		for _, n := range names {
			if !Satisfies(pin.Version, n) {
				l.add(line, "node", fmt.Sprintf("nvm %s %s does not select %s", m[1], n, pinned),
					fmt.Sprintf("use nvm %s %s", m[1], normalize(pin.Version)))
			}
		}
	}
}

// lineCursor maps the lines of a block scalar to file lines: it finds
// each successive line's text at or after the previous match.
type lineCursor struct {
	lines []string
	line  int // 0-based index to search from
}

func (c *lineCursor) find(text string, def int) int {
	for i := c.line; i < len(c.lines); i++ {
		if strings.Contains(c.lines[i], text) {
			c.line = i
			return i + 1
		}
	}
	return def
}
