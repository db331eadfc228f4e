package actiontest

import (
	"io"
	"sort"
	"strings"
	"sync"
)

// Annotation is an ::error::, ::warning:: or ::notice:: workflow command.
type Annotation struct {
	Level   string            // "error", "warning", "notice"
	Props   map[string]string // file, line, col, title, …
	Message string            // masked like the log
}

// logger turns the output of steps into the runner's log: workflow
// commands are executed (masks, annotations, groups) rather than shown,
// and every line is masked with the values registered so far. As on the
// runner, a value printed before it was masked stays visible.
type logger struct {
	mu          sync.Mutex
	masks       []string
	raw         strings.Builder
	log         strings.Builder
	annotations []Annotation
	stopToken   string
	mirror      io.Writer
}

// write records one step's output line (without its newline) and returns
// the line as the log shows it ("" and false when nothing is shown).
func (l *logger) write(line string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.raw.WriteString(line + "\n")
	shown, ok := l.process(line)
	if ok {
		shown = l.mask(shown)
		l.log.WriteString(shown + "\n")
		if l.mirror != nil {
			io.WriteString(l.mirror, shown+"\n")
		}
	}
	return shown, ok
}

func (l *logger) process(line string) (string, bool) {
	trimmed := strings.TrimLeft(line, " \t")
	if !strings.HasPrefix(trimmed, "::") {
		return line, true
	}
	end := strings.Index(trimmed[2:], "::")
	if end < 0 {
		return line, true
	}
	head, data := trimmed[2:2+end], trimmed[2+end+2:]
	name, propText, _ := strings.Cut(head, " ")
	if l.stopToken != "" {
		if name == l.stopToken && propText == "" {
			l.stopToken = ""
			return "", false
		}
		return line, true
	}
	props := map[string]string{}
	for _, p := range strings.Split(propText, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
			props[k] = unescapeProperty(v)
		}
	}
	data = unescapeData(data)
	switch name {
	case "add-mask":
		if strings.TrimSpace(data) != "" {
			l.masks = append(l.masks, data)
		}
		return "", false
	case "stop-commands":
		l.stopToken = data
		return "", false
	case "group":
		return "##[group]" + data, true
	case "endgroup":
		return "##[endgroup]", true
	case "error", "warning", "notice":
		masked := l.mask(data)
		mp := map[string]string{}
		for k, v := range props {
			mp[k] = l.mask(v)
		}
		l.annotations = append(l.annotations, Annotation{Level: name, Props: mp, Message: masked})
		return "##[" + name + "]" + data, true
	case "debug", "echo", "save-state", "set-output":
		// Debug lines are hidden unless step debugging is on; save-state
		// and set-output are retired commands the runner ignores.
		return "", false
	}
	return line, true
}

func unescapeData(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(s)
}

func unescapeProperty(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

// mask replaces every occurrence of a registered value with ***, merging
// overlapping matches as the runner's secret masker does.
func (l *logger) mask(s string) string {
	if len(l.masks) == 0 {
		return s
	}
	type span struct{ from, to int }
	var spans []span
	for _, m := range l.masks {
		for off := 0; ; {
			i := strings.Index(s[off:], m)
			if i < 0 {
				break
			}
			spans = append(spans, span{off + i, off + i + len(m)})
			off += i + 1
		}
	}
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var b strings.Builder
	pos := 0
	cur := spans[0]
	flush := func() {
		b.WriteString(s[pos:cur.from])
		b.WriteString("***")
		pos = cur.to
	}
	for _, sp := range spans[1:] {
		if sp.from <= cur.to {
			if sp.to > cur.to {
				cur.to = sp.to
			}
			continue
		}
		flush()
		cur = sp
	}
	flush()
	b.WriteString(s[pos:])
	return b.String()
}
