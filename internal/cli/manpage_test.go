package cli

import (
	"strings"
	"testing"
)

// The page shows the usage texts as they are: roff's own characters in
// them (a line that starts with ".", a backslash, "-") escaped, a
// character a terminal may lack given an ASCII stand-in, and the
// commands' usages after the program's.
func TestManPage(t *testing.T) {
	p := &Program{Name: "git x", Binary: "git-x", Usage: "Usage: git x <command>\n\nDo x things: more.\n\n.dotfiles and C:\\path … --flag\n'quoted' `cmd` HEAD~1 HEAD^\n",
		Commands: []*Command{
			{Name: "run", Usage: "Usage: git x run -- CMD\n"},
			{Name: "secret", Usage: "Usage: git x secret\n", Hidden: true},
		}}
	var b strings.Builder
	if err := p.ManPage(&b); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		".TH \"GIT\\-X\" 1 ",
		"\n.if !c\\[u2026] .char \\[u2026] ...\n",
		"\n.nh\n.SH NAME\ngit\\-x \\- Do x things\n",
		"\n\\&.dotfiles and C:\\epath \\[u2026] \\-\\-flag\n",
		"\n\\(aqquoted\\(aq \\(gacmd\\(ga HEAD\\(ti1 HEAD\\(ha\n",
		".SS \"git x run\"\n.nf\nUsage: git x run \\-\\- CMD\n.fi\n",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("no %q in:\n%s", want, page)
		}
	}
	if strings.Contains(page, "secret") {
		t.Errorf("a hidden command is in the page:\n%s", page)
	}
}
