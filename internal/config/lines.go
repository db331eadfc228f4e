package config

import "github.com/pelletier/go-toml/v2/unstable"

// KeyLines maps every key path in a TOML document (tables, keys, keys of
// inline tables), written as KeyPath writes it, to the line it is defined
// on, so validation errors can point at the line as well as the key.
func KeyLines(data []byte) map[string]int {
	lines := map[string]int{}
	eachKey(data, func(p *unstable.Parser, e *unstable.Node, full []string) bool {
		recordKey(p, lines, full, e)
		if e.Kind == unstable.KeyValue {
			recordInline(p, lines, full, e.Value())
		}
		return true
	})
	return lines
}

// NumberTexts maps each key path (KeyPath) whose value is a TOML number
// to that number as written: decoded, 1.10 is the float 1.1, and a hint
// that says how to write it as a string quotes what the user wrote.
func NumberTexts(data []byte) map[string]string {
	texts := map[string]string{}
	var visit func(key []string, v *unstable.Node)
	visit = func(key []string, v *unstable.Node) {
		if v == nil {
			return
		}
		switch v.Kind {
		case unstable.Float, unstable.Integer:
			texts[KeyPath(key...)] = string(v.Data)
		case unstable.InlineTable:
			it := v.Children()
			for it.Next() {
				if kv := it.Node(); kv.Kind == unstable.KeyValue {
					visit(append(append([]string{}, key...), keyParts(kv.Key())...), kv.Value())
				}
			}
		}
	}
	eachKey(data, func(p *unstable.Parser, e *unstable.Node, full []string) bool {
		if e.Kind == unstable.KeyValue {
			visit(full, e.Value())
		}
		return true
	})
	return texts
}

// eachKey calls fn with each table header and key of the document in
// order, and its full dotted key (the table it is under put in front),
// until fn returns false. Keys inside inline tables are the value's.
func eachKey(data []byte, fn func(p *unstable.Parser, e *unstable.Node, full []string) bool) {
	var p unstable.Parser
	p.Reset(data)
	var table []string
	for p.NextExpression() {
		e := p.Expression()
		var full []string
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = keyParts(e.Key())
			full = table
		case unstable.KeyValue:
			full = append(append([]string{}, table...), keyParts(e.Key())...)
		default:
			continue
		}
		if !fn(&p, e, full) {
			return
		}
	}
}

func recordKey(p *unstable.Parser, lines map[string]int, key []string, e *unstable.Node) {
	line := keyLine(p, e)
	// Every prefix of a dotted key is defined here unless seen before.
	for i := 1; i <= len(key); i++ {
		k := KeyPath(key[:i]...)
		if _, ok := lines[k]; !ok || i == len(key) {
			if line > 0 {
				lines[k] = line
			}
		}
	}
}

func recordInline(p *unstable.Parser, lines map[string]int, prefix []string, v *unstable.Node) {
	if v == nil || v.Kind != unstable.InlineTable {
		return
	}
	it := v.Children()
	for it.Next() {
		kv := it.Node()
		if kv.Kind != unstable.KeyValue {
			continue
		}
		full := append(append([]string{}, prefix...), keyParts(kv.Key())...)
		recordKey(p, lines, full, kv)
		recordInline(p, lines, full, kv.Value())
	}
}

func keyParts(it unstable.Iterator) []string {
	var parts []string
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return parts
}

// keyAt returns the full dotted key of the key or table header that
// starts on line (the table it is under put in front), and the line that
// key was first defined on above it (0 if none). The TOML parser names a
// key by its part after the table header, and a duplicate [tools] go was
// reported as "go", unlike every other error.
func keyAt(data []byte, line int) (key []string, first int, ok bool) {
	seen := map[string]int{}
	eachKey(data, func(p *unstable.Parser, e *unstable.Node, full []string) bool {
		at := keyLine(p, e)
		if at == line {
			key, first, ok = full, seen[KeyPath(full...)], true
			return false
		}
		for i := 1; i <= len(full); i++ {
			if k := KeyPath(full[:i]...); seen[k] == 0 {
				seen[k] = at
			}
		}
		return true
	})
	return key, first, ok
}

// keyLine is the line an expression's key starts on.
func keyLine(p *unstable.Parser, e *unstable.Node) int {
	it := e.Key()
	for it.Next() {
		if n := it.Node(); n.Raw.Length > 0 {
			return p.Shape(n.Raw).Start.Line
		}
	}
	return 0
}
