package main

import "github.com/verdigris-dev/verdigris/internal/ghaction"

// githubWriteError reports a runner file that --github could not write.
func githubWriteError(err error) error {
	return ghaction.UserError(err, "--github writes to the files GitHub Actions names in GITHUB_OUTPUT and GITHUB_STEP_SUMMARY; outside a step, run without --github")
}
