// Package actiontest runs GitHub Actions composite actions in tests the way
// the runner does, so an action.yml is tested end to end with real
// binaries instead of being read and trusted.
//
// Load parses an action.yml (keeping line numbers); CheckInputs reports
// every ${{ inputs.X }} that names an undeclared input, and
// CheckRunInterpolation every input pasted into a run: script instead of
// passed through env:. Find lists the action.yml files of a tree, for a
// test that checks them all.
//
// Run executes the action's steps in order, as the runner does:
//
//   - each step gets fresh GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH,
//     GITHUB_STEP_SUMMARY and GITHUB_STATE files, GITHUB_ACTIONS=true,
//     CI=true, GITHUB_WORKSPACE, GITHUB_ACTION_PATH and RUNNER_* variables;
//     a composite action gets no INPUT_* variables, so inputs reach a
//     script only through the step's env:;
//   - run: scripts are written to a file under RUNNER_TEMP and executed by
//     "bash --noprofile --norc -eo pipefail {0}" (or sh -e, python, or a
//     custom "cmd {0}" shell) in the workspace or the step's
//     working-directory, stdout and stderr merged into the log;
//   - env:, with:, working-directory:, run: and the action's outputs are
//     interpolated with the inputs, github (action_path, workspace and
//     Options.Github), runner, env, steps.<id>.outputs/outcome/conclusion
//     contexts; if: conditions support the operators, the status functions
//     (success, failure, always, cancelled) and contains, startsWith,
//     endsWith, format, join, toJSON and fromJSON;
//   - after each step its file commands are applied with the runner's
//     parsing rules (NAME=value and NAME<<DELIMITER heredocs; a malformed
//     file fails the step): outputs become steps.<id>.outputs, GITHUB_ENV
//     variables and GITHUB_PATH directories reach later steps, summaries
//     are appended;
//   - workflow commands in the output are executed: ::add-mask:: masks a
//     value in every later line (not earlier ones, as on the runner, so
//     Result.Leaks finds a secret printed before it was masked),
//     ::error::/::warning::/::notice:: become Annotations, groups and
//     ::stop-commands:: work;
//   - a failing step skips the later steps whose if: does not allow it;
//     continue-on-error is honoured;
//   - uses: ./path runs a local composite action from the workspace;
//     uses: of a remote action calls the stand-in given in Options.Uses
//     (the emulator downloads nothing).
//
// Masks match literal values only; the runner also masks some encodings
// of each value, so a test passing here is, if anything, stricter.
package actiontest
