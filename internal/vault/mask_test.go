package vault

import (
	"bytes"
	"strings"
	"testing"
	"testing/quick"
)

func TestMaskerAcrossWriteBoundaries(t *testing.T) {
	secret := "s3cr3t-value"
	pem := "-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\n-----END KEY-----"
	input := "a " + secret + " b " + secret + secret + "\n" + pem + "\nline AAAABBBBCCCCDDDD alone\nsafe s3cr3t tail s3cr3t-valu"
	want := "a *** b ******\n***\nline *** alone\nsafe s3cr3t tail s3cr3t-valu"
	maskedInEveryChunking(t, MaskPatterns([][]byte{[]byte(secret), []byte(pem)}), input, want)
}

// maskedInEveryChunking checks that every split of input into chunks of
// every size is masked as want.
func maskedInEveryChunking(t *testing.T, pats [][]byte, input, want string) {
	t.Helper()
	for size := 1; size <= len(input); size++ {
		var out bytes.Buffer
		m := NewMasker(&out, pats)
		for i := 0; i < len(input); i += size {
			m.Write([]byte(input[i:min(i+size, len(input))]))
		}
		m.Close()
		if out.String() != want {
			t.Fatalf("chunk size %d:\n got %q\nwant %q", size, out.String(), want)
		}
	}
}

func TestMaskerNeverLeaksProperty(t *testing.T) {
	secret := []byte("Zq9-secret-Zq9")
	f := func(prefix, suffix []byte, cut uint8) bool {
		in := append(append(append([]byte{}, prefix...), secret...), suffix...)
		var out bytes.Buffer
		m := NewMasker(&out, MaskPatterns([][]byte{secret}))
		c := int(cut) % (len(in) + 1)
		m.Write(in[:c])
		m.Write(in[c:])
		m.Close()
		return !bytes.Contains(out.Bytes(), secret) && strings.Contains(out.String(), "***")
	}
	if err := quick.Check(f, nil); err != nil {
		t.Fatal(err)
	}
}

// A value inside a longer one: when the longer one arrived in two writes
// ("outer-inner-secret-lo", then "ng"), the shorter was masked within it
// and the rest of the longer one printed ("outer-***-long").
func TestMaskerLongerValueAroundAShorterOne(t *testing.T) {
	inner, outer := "inner-secret", "outer-inner-secret-long"
	input := "x " + outer + " y " + inner + " z outer-inner-secret-short"
	want := "x *** y *** z outer-***-short"
	maskedInEveryChunking(t, MaskPatterns([][]byte{[]byte(inner), []byte(outer)}), input, want)
}

// Two values that overlap in the output (one's end is the other's start,
// or a value that overlaps itself): the first was masked and the rest of
// the second printed ("***SECRETB-tail" showed most of "1234SECRETB-tail").
// Every byte any value covers is masked, as the Actions runner's masker
// does; values only touching stay two masks.
func TestMaskerOverlappingValues(t *testing.T) {
	a, b, c := "user-aaaa1234", "1234SECRETB-tail", "abab-abab"
	input := "x " + a[:9] + b + " y " + c + "-abab z " + a + b + " " + b + a
	want := "x *** y *** z ****** ******"
	maskedInEveryChunking(t, MaskPatterns([][]byte{[]byte(a), []byte(b), []byte(c)}), input, want)
}

// A line of a multi-line value was masked with the whitespace around it,
// so a child printing the line trimmed or re-indented (a YAML value's
// indented line, a pasted value's trailing blank) showed it: each line's
// trimmed form is masked too, as the runner masks its secrets' lines.
func TestMaskerLineOfAValuePrintedTrimmed(t *testing.T) {
	yaml := "db:\n    password: hunter2-long\n  token: t0k3n-value \t\n \t\n"
	padded := "Padded-Secret-1 \n"
	input := "a password: hunter2-long|\n- token: t0k3n-value.\nPadded-Secret-1\n" + yaml + "|db:\n"
	want := "a ***|\n- ***.\n***\n***|db:\n"
	maskedInEveryChunking(t, MaskPatterns([][]byte{[]byte(yaml), []byte(padded)}), input, want)
}
