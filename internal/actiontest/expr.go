package actiontest

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The expression language of GitHub Actions (${{ … }}), enough of it to run
// composite actions: literals, context paths (a.b, a['b'], a.*), the
// operators ! && || == != < <= > >= and ( ), and the functions success,
// failure, always, cancelled, contains, startsWith, endsWith, format, join,
// toJSON and fromJSON. Values are nil, bool, float64, string, map[string]any
// and []any, compared with the runner's loose rules (strings case-insensitive,
// mixed types coerced to numbers).

// Status is what the status functions see: whether an earlier step failed.
type exprStatus struct {
	failed    bool
	cancelled bool
}

type evaluator struct {
	ctx    map[string]any
	status exprStatus
}

// ExprError is an expression the emulator cannot parse or evaluate.
type ExprError struct {
	Expr string
	Msg  string
}

func (e *ExprError) Error() string { return fmt.Sprintf("expression %q: %s", e.Expr, e.Msg) }

// interpolate replaces every ${{ expr }} in s with the expression's string
// value.
func (ev *evaluator) interpolate(s string) (string, error) {
	var b strings.Builder
	for {
		i := strings.Index(s, "${{")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		end := exprEnd(s[i+3:])
		if end < 0 {
			return "", &ExprError{Expr: s[i:], Msg: "no closing }}"}
		}
		src := s[i+3 : i+3+end]
		v, err := ev.eval(src)
		if err != nil {
			return "", err
		}
		b.WriteString(toString(v))
		s = s[i+3+end+2:]
	}
}

// exprEnd finds the "}}" closing an expression, skipping string literals.
func exprEnd(s string) int {
	inStr := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			if c == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++
					continue
				}
				inStr = false
			}
			continue
		}
		if c == '\'' {
			inStr = true
			continue
		}
		if c == '}' && i+1 < len(s) && s[i+1] == '}' {
			return i
		}
	}
	return -1
}

// condition evaluates an if: value. Without a status function the runner
// implies success() && (…).
func (ev *evaluator) condition(src string) (bool, error) {
	src = strings.TrimSpace(src)
	if src == "" {
		return !ev.status.failed && !ev.status.cancelled, nil
	}
	if strings.HasPrefix(src, "${{") && strings.HasSuffix(src, "}}") && exprEnd(src[3:]) == len(src)-5 {
		src = strings.TrimSpace(src[3 : len(src)-2])
	}
	toks, err := lex(src)
	if err != nil {
		return false, &ExprError{Expr: src, Msg: err.Error()}
	}
	hasStatus := false
	for i, t := range toks {
		if t.kind == tokIdent && i+1 < len(toks) && toks[i+1].kind == tokPunct && toks[i+1].text == "(" {
			switch strings.ToLower(t.text) {
			case "success", "failure", "always", "cancelled":
				hasStatus = true
			}
		}
	}
	v, err := ev.eval(src)
	if err != nil {
		return false, err
	}
	if !hasStatus && (ev.status.failed || ev.status.cancelled) {
		return false, nil
	}
	return truthy(v), nil
}

func (ev *evaluator) eval(src string) (any, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, &ExprError{Expr: src, Msg: err.Error()}
	}
	p := &parser{toks: toks, ev: ev}
	v, err := p.or()
	if err == nil && p.pos < len(p.toks) {
		err = fmt.Errorf("unexpected %q", p.toks[p.pos].text)
	}
	if err != nil {
		return nil, &ExprError{Expr: strings.TrimSpace(src), Msg: err.Error()}
	}
	return v, nil
}

type tokKind int

const (
	tokIdent tokKind = iota
	tokString
	tokNumber
	tokPunct
)

type token struct {
	kind tokKind
	text string
	num  float64
}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated string")
			}
			toks = append(toks, token{kind: tokString, text: b.String()})
			i = j + 1
		case c >= '0' && c <= '9' || c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && (isIdentChar(s[j]) || s[j] == '.') {
				j++
			}
			n, err := strconv.ParseFloat(s[i:j], 64)
			if err != nil {
				if v, perr := strconv.ParseInt(s[i:j], 0, 64); perr == nil {
					n, err = float64(v), nil
				}
			}
			if err != nil {
				return nil, fmt.Errorf("bad number %q", s[i:j])
			}
			toks = append(toks, token{kind: tokNumber, text: s[i:j], num: n})
			i = j
		case isIdentChar(c):
			j := i
			for j < len(s) && (isIdentChar(s[j]) || s[j] == '-') {
				j++
			}
			toks = append(toks, token{kind: tokIdent, text: s[i:j]})
			i = j
		default:
			for _, op := range []string{"&&", "||", "==", "!=", "<=", ">="} {
				if strings.HasPrefix(s[i:], op) {
					toks = append(toks, token{kind: tokPunct, text: op})
					i += 2
					goto next
				}
			}
			if strings.ContainsRune("!<>()[].,*", rune(c)) {
				toks = append(toks, token{kind: tokPunct, text: string(c)})
				i++
				continue
			}
			return nil, fmt.Errorf("unexpected character %q", c)
		next:
		}
	}
	return toks, nil
}

func isIdentChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

type parser struct {
	toks []token
	pos  int
	ev   *evaluator
}

func (p *parser) peek(text string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == tokPunct && p.toks[p.pos].text == text
}

func (p *parser) expect(text string) error {
	if !p.peek(text) {
		if p.pos < len(p.toks) {
			return fmt.Errorf("expected %q, found %q", text, p.toks[p.pos].text)
		}
		return fmt.Errorf("expected %q at end", text)
	}
	p.pos++
	return nil
}

func (p *parser) or() (any, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.peek("||") {
		p.pos++
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		// Like the runner: the first truthy operand, else the last.
		if !truthy(l) {
			l = r
		}
	}
	return l, nil
}

func (p *parser) and() (any, error) {
	l, err := p.equality()
	if err != nil {
		return nil, err
	}
	for p.peek("&&") {
		p.pos++
		r, err := p.equality()
		if err != nil {
			return nil, err
		}
		if truthy(l) {
			l = r
		}
	}
	return l, nil
}

func (p *parser) equality() (any, error) {
	l, err := p.comparison()
	if err != nil {
		return nil, err
	}
	for p.peek("==") || p.peek("!=") {
		op := p.toks[p.pos].text
		p.pos++
		r, err := p.comparison()
		if err != nil {
			return nil, err
		}
		eq := looseEqual(l, r)
		l = eq == (op == "==")
	}
	return l, nil
}

func (p *parser) comparison() (any, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.peek("<") || p.peek("<=") || p.peek(">") || p.peek(">=") {
		op := p.toks[p.pos].text
		p.pos++
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		c, ok := looseCompare(l, r)
		if !ok {
			l = false
			continue
		}
		switch op {
		case "<":
			l = c < 0
		case "<=":
			l = c <= 0
		case ">":
			l = c > 0
		case ">=":
			l = c >= 0
		}
	}
	return l, nil
}

func (p *parser) unary() (any, error) {
	if p.peek("!") {
		p.pos++
		v, err := p.unary()
		if err != nil {
			return nil, err
		}
		return !truthy(v), nil
	}
	return p.postfix()
}

func (p *parser) postfix() (any, error) {
	v, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.peek("."):
			p.pos++
			if p.peek("*") {
				p.pos++
				v = filterAll(v)
				continue
			}
			if p.pos >= len(p.toks) || p.toks[p.pos].kind != tokIdent {
				return nil, fmt.Errorf("expected a property name after '.'")
			}
			v = index(v, p.toks[p.pos].text)
			p.pos++
		case p.peek("["):
			p.pos++
			if p.peek("*") {
				p.pos++
				v = filterAll(v)
			} else {
				k, err := p.or()
				if err != nil {
					return nil, err
				}
				v = index(v, k)
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
		default:
			return v, nil
		}
	}
}

func (p *parser) primary() (any, error) {
	if p.pos >= len(p.toks) {
		return nil, fmt.Errorf("unexpected end of expression")
	}
	t := p.toks[p.pos]
	p.pos++
	switch t.kind {
	case tokString:
		return t.text, nil
	case tokNumber:
		return t.num, nil
	case tokPunct:
		if t.text == "(" {
			v, err := p.or()
			if err != nil {
				return nil, err
			}
			return v, p.expect(")")
		}
		return nil, fmt.Errorf("unexpected %q", t.text)
	}
	switch strings.ToLower(t.text) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	case "nan":
		return math.NaN(), nil
	case "infinity":
		return math.Inf(1), nil
	}
	if p.peek("(") {
		p.pos++
		var args []any
		for !p.peek(")") {
			a, err := p.or()
			if err != nil {
				return nil, err
			}
			args = append(args, a)
			if !p.peek(",") {
				break
			}
			p.pos++
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return p.ev.call(t.text, args)
	}
	v, ok := lookup(p.ev.ctx, t.text)
	if !ok {
		return nil, fmt.Errorf("unknown context %q", t.text)
	}
	return v, nil
}

func (ev *evaluator) call(name string, args []any) (any, error) {
	want := func(n int) error {
		if len(args) != n {
			return fmt.Errorf("%s() takes %d arguments, got %d", name, n, len(args))
		}
		return nil
	}
	switch strings.ToLower(name) {
	case "success":
		return !ev.status.failed && !ev.status.cancelled, want(0)
	case "failure":
		return ev.status.failed, want(0)
	case "always":
		return true, want(0)
	case "cancelled":
		return ev.status.cancelled, want(0)
	case "contains":
		if err := want(2); err != nil {
			return nil, err
		}
		if arr, ok := args[0].([]any); ok {
			for _, e := range arr {
				if looseEqual(e, args[1]) {
					return true, nil
				}
			}
			return false, nil
		}
		return strings.Contains(strings.ToLower(toString(args[0])), strings.ToLower(toString(args[1]))), nil
	case "startswith":
		if err := want(2); err != nil {
			return nil, err
		}
		return strings.HasPrefix(strings.ToLower(toString(args[0])), strings.ToLower(toString(args[1]))), nil
	case "endswith":
		if err := want(2); err != nil {
			return nil, err
		}
		return strings.HasSuffix(strings.ToLower(toString(args[0])), strings.ToLower(toString(args[1]))), nil
	case "format":
		if len(args) < 1 {
			return nil, fmt.Errorf("format() needs a format string")
		}
		return formatString(toString(args[0]), args[1:])
	case "join":
		if len(args) < 1 || len(args) > 2 {
			return nil, fmt.Errorf("join() takes 1 or 2 arguments")
		}
		sep := ","
		if len(args) == 2 {
			sep = toString(args[1])
		}
		arr, ok := args[0].([]any)
		if !ok {
			return toString(args[0]), nil
		}
		parts := make([]string, len(arr))
		for i, e := range arr {
			parts[i] = toString(e)
		}
		return strings.Join(parts, sep), nil
	case "tojson":
		if err := want(1); err != nil {
			return nil, err
		}
		b, err := json.MarshalIndent(args[0], "", "  ")
		return string(b), err
	case "fromjson":
		if err := want(1); err != nil {
			return nil, err
		}
		var v any
		if err := json.Unmarshal([]byte(toString(args[0])), &v); err != nil {
			return nil, fmt.Errorf("fromJSON: %v", err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("function %s() is not supported by the emulator", name)
}

func formatString(f string, args []any) (string, error) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '{' && i+1 < len(f) && f[i+1] == '{':
			b.WriteByte('{')
			i++
		case c == '}' && i+1 < len(f) && f[i+1] == '}':
			b.WriteByte('}')
			i++
		case c == '{':
			j := strings.IndexByte(f[i:], '}')
			if j < 0 {
				return "", fmt.Errorf("format: unclosed {")
			}
			n, err := strconv.Atoi(f[i+1 : i+j])
			if err != nil || n < 0 || n >= len(args) {
				return "", fmt.Errorf("format: bad argument index %q", f[i+1:i+j])
			}
			b.WriteString(toString(args[n]))
			i += j
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// lookup finds a property case-insensitively, as the runner does.
func lookup[V any](m map[string]V, key string) (V, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

func index(v any, key any) any {
	switch c := v.(type) {
	case map[string]any:
		r, _ := lookup(c, toString(key))
		return r
	case map[string]string:
		r, ok := lookup(c, toString(key))
		if !ok {
			return nil
		}
		return r
	case []any:
		f, ok := key.(float64)
		if !ok || f < 0 || int(f) >= len(c) {
			return nil
		}
		return c[int(f)]
	}
	return nil
}

func filterAll(v any) any {
	switch c := v.(type) {
	case []any:
		return c
	case map[string]any:
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]any, len(keys))
		for i, k := range keys {
			out[i] = c[k]
		}
		return out
	}
	return []any{}
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case float64:
		return x != 0 && !math.IsNaN(x)
	case string:
		return x != ""
	}
	return true
}

func toString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return x
	}
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func toNumber(v any) float64 {
	switch x := v.(type) {
	case nil:
		return 0
	case bool:
		if x {
			return 1
		}
		return 0
	case float64:
		return x
	case string:
		s := strings.TrimSpace(x)
		if s == "" {
			return 0
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			return float64(i)
		}
		return math.NaN()
	}
	return math.NaN()
}

func looseEqual(a, b any) bool {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return strings.EqualFold(x, y)
		}
	case nil:
		if b == nil {
			return true
		}
	case bool:
		if y, ok := b.(bool); ok {
			return x == y
		}
	case float64:
		if y, ok := b.(float64); ok {
			return x == y
		}
	case map[string]any, []any:
		// Objects and arrays are equal only to themselves.
		return fmt.Sprintf("%p", a) == fmt.Sprintf("%p", b)
	}
	if isObject(a) || isObject(b) {
		return false
	}
	return toNumber(a) == toNumber(b)
}

func isObject(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func looseCompare(a, b any) (int, bool) {
	if x, ok := a.(string); ok {
		if y, ok := b.(string); ok {
			return strings.Compare(strings.ToLower(x), strings.ToLower(y)), true
		}
	}
	x, y := toNumber(a), toNumber(b)
	if math.IsNaN(x) || math.IsNaN(y) {
		return 0, false
	}
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}
