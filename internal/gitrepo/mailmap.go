package gitrepo

import (
	"context"
	"strings"
)

// Ident is a commit's author or committer: a name and an email.
type Ident struct{ Name, Email string }

// MailMap returns each ident as the repository's mailmap maps it (the
// worktree's .mailmap, mailmap.file, mailmap.blob, HEAD:.mailmap in a
// bare repository), which is what git log shows and what its --author
// matches. git check-mailmap reads them all as git log does, in one
// process. An ident git could not take on a line of its own (a name
// holding '<', '>' or a line break, only written by hand) is returned
// as it is.
func (r *Repo) MailMap(ctx context.Context, idents []Ident) ([]Ident, error) {
	out := make([]Ident, len(idents))
	copy(out, idents)
	var in strings.Builder
	var asked []int
	for i, id := range idents {
		if strings.ContainsAny(id.Name, "<>\n\r") || strings.ContainsAny(id.Email, "<>\n\r") {
			continue
		}
		asked = append(asked, i)
		in.WriteString(id.Name + " <" + id.Email + ">\n")
	}
	if len(asked) == 0 {
		return out, nil
	}
	res, err := r.GitInput(ctx, strings.NewReader(in.String()), "check-mailmap", "--stdin")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(res, "\n")
	for k, i := range asked {
		if k >= len(lines) {
			break
		}
		if id, ok := parseContact(lines[k]); ok {
			out[i] = id
		}
	}
	return out, nil
}

// parseContact reads a line of git check-mailmap's output: "Name
// <email>", or "<email>" for an ident without a name.
func parseContact(l string) (Ident, bool) {
	open := strings.LastIndexByte(l, '<')
	if open < 0 || !strings.HasSuffix(l, ">") {
		return Ident{}, false
	}
	return Ident{Name: strings.TrimSpace(l[:open]), Email: l[open+1 : len(l)-1]}, true
}
