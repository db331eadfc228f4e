#!/usr/bin/env bash
# Commit memory: index the repository install.sh runs in, so 'git scry'
# answers at once and the post-commit hook (which only updates an index
# that exists) keeps it current. A failure here never fails the install.
set -uo pipefail
say() { printf 'install: setup: %s: %s\n' "${STEP:-scry}" "$*" >&2; }
scry=$BINDIR/git-scry
[ -x "$scry" ] || exit 0
git rev-parse --git-dir >/dev/null 2>&1 || exit 0
if ! git rev-parse --verify --quiet HEAD >/dev/null; then
	say "no commits yet: git scry will index from the first commit on"
	exit 0
fi
say "indexing the commits for git scry"
# Interrupting is safe: the next 'git scry index' (or commit) resumes.
"$scry" index ||
	say "indexing failed (see above); run git scry index to retry"
exit 0
