package ghaction

import "strconv"

// ErrorAt writes an error annotation attached to a line of a file in the
// repository (the runner shows it on that line in the pull request).
func (a *Action) ErrorAt(file string, line int, format string, args ...any) {
	a.gha.WithFieldsMap(location(file, line)).Errorf(format, args...)
}

// WarningAt writes a warning annotation attached to a line of a file.
func (a *Action) WarningAt(file string, line int, format string, args ...any) {
	a.gha.WithFieldsMap(location(file, line)).Warningf(format, args...)
}

func location(file string, line int) map[string]string {
	m := map[string]string{"file": file}
	if line > 0 {
		m["line"] = strconv.Itoa(line)
	}
	return m
}
