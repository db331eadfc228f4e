package session

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/verdigris-dev/verdigris/internal/cli"
)

// Render writes a record in the current format: YAML front matter, then
// Goals, Activity Log, Key Decisions and Session Classification.
func Render(r *Record) ([]byte, error) {
	fm := frontMatter{
		Type: "session", ID: r.ID, Title: r.Title, Status: r.Status, Agent: r.Agent,
		Created: r.Created, Ended: r.Ended, Git: r.Git,
	}
	var yml strings.Builder
	enc := yaml.NewEncoder(&yml)
	enc.SetIndent(2)
	if err := enc.Encode(&fm); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString("---\n")
	b.WriteString(yml.String())
	b.WriteString("---\n\n## Goals\n")
	for _, g := range r.Goals {
		mark := " "
		if g.Done {
			mark = "x"
		}
		fmt.Fprintf(&b, "- [%s] %s\n", mark, oneLine(g.Text))
	}
	b.WriteString("\n## Activity Log\n")
	for _, e := range r.Activity {
		fmt.Fprintf(&b, "### %s - %s\n", e.Time, oneLine(e.Heading))
		if t := strings.TrimSpace(e.Text); t != "" {
			b.WriteString(escapeHeadings(cli.PrintableText(t)) + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString("## Key Decisions\n")
	if len(r.Decisions) == 0 {
		b.WriteString("_None recorded._\n")
	}
	for _, d := range r.Decisions {
		fmt.Fprintf(&b, "- %s\n", oneLine(d))
	}
	if c := r.Classification; c != nil {
		b.WriteString("\n## Session Classification\n")
		fmt.Fprintf(&b, "- Work Type: %s\n", c.WorkType)
		fmt.Fprintf(&b, "- Commits: %d\n", c.Commits)
		fmt.Fprintf(&b, "- Files Changed: %d\n", c.Files)
		fmt.Fprintf(&b, "- Lines: +%d -%d\n", c.Added, c.Deleted)
		fmt.Fprintf(&b, "- Commit Types: %s\n", c.TypesString())
		fmt.Fprintf(&b, "- Tag Range: %s\n", c.TagRange)
	}
	return []byte(b.String()), nil
}

// oneLine writes a line of the record's body with its control characters
// as Go escapes, as the front matter has them as YAML's: a title, goal or
// decision is the user's or a marker commit's text, and `cat` or a pager
// of the committed record would run its escapes.
func oneLine(s string) string { return cli.Printable(strings.Join(strings.Fields(s), " ")) }

// escapeHeadings keeps a note's own "## " or "### " lines from ending its
// entry or section when the record is read back.
func escapeHeadings(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "#") {
			lines[i] = `\` + l
		}
	}
	return strings.Join(lines, "\n")
}
