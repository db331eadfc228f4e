#!/usr/bin/env bash
# Commit memory: index the repository install.sh runs in, so 'git scry'
# answers at once and the post-commit hook (which only updates an index
# that exists) keeps it current. A failure here never fails the install.
set -uo pipefail
scry=$BINDIR/git-scry
[ -x "$scry" ] || exit 0
git rev-parse --git-dir >/dev/null 2>&1 || exit 0
if ! git rev-parse --verify --quiet HEAD >/dev/null; then
	printf 'setup: no commits yet: git scry will index from the first commit on\n' >&2
	exit 0
fi
# Interrupting is safe: the next 'git scry index' (or commit) resumes.
"$scry" index ||
	printf 'setup: indexing failed (see above); run git scry index to retry\n' >&2
exit 0
