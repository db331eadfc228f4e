#!/usr/bin/env bash
# Everything the tests need, then the checks of toolchain.toml's ci set
# (pins, gofmt, vet, lint-ci, actionlint, tests, race): the set CI runs
# through actions/toolchain and the pre-push hook runs too.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'test: %s\n' "$*" >&2; }

say "$(go version)"
go mod download

# The testscript suites drive the real binaries; build them once for all
# packages instead of once per package. They are also the git-toolchain
# the checks run with.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
export VERDIGRIS_TEST_BIN=$bin
export PATH="$bin:$PATH"
say "building binaries into $bin"
go build -o "$bin/" ./cmd/...

say "git toolchain run ci"
"$bin/git-toolchain" run ci

# Fuzzing is not part of the ci set (the pre-push hook runs that set too):
# a short run of the session record reader here, where CI runs it.
say "go test -fuzz (session record reader, 10s)"
go test -run XXX -fuzz FuzzParse -fuzztime 10s ./internal/session
