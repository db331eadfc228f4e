package gitrepo

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// MailMap answers for every ident, in order, including those git's
// check-mailmap cannot take (kept as they are) and one without a name
// or email, which git prints as "<>".
func TestMailMap(t *testing.T) {
	dir, r := isolatedRepo(t)
	if err := os.WriteFile(filepath.Join(dir, ".mailmap"), []byte("Jane Doe <jane@example.com> <old@corp.example>\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := []Ident{
		{"old nick", "old@corp.example"},
		{"odd <name>", "old@corp.example"},
		{"", ""},
		{"Ken", "ken@example.com"},
	}
	got, err := r.MailMap(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := []Ident{
		{"Jane Doe", "jane@example.com"},
		{"odd <name>", "old@corp.example"},
		{"", ""},
		{"Ken", "ken@example.com"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("MailMap = %q, want %q", got, want)
	}
}
