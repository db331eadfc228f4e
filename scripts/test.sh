#!/usr/bin/env bash
# Everything the tests need, then the checks of toolchain.toml's ci set
# (pins, gofmt, vet, lint-ci, actionlint, tests, race): the set CI runs
# through actions/toolchain and the pre-push hook runs too.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'test: %s\n' "$*" >&2; }

say "$(go version)"
go mod download

# The vault's tests use Debian's age tools for second identities where they
# can be installed; without them those cases skip with a message.
if ! command -v age >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	say "installing Debian age (vault interop tests)"
	(apt-get install -y -qq age >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq age >/dev/null 2>&1; }) ||
		say "could not install age; its interop tests will skip"
fi

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

say "go test -race ./internal/vault (the agent serves connections concurrently)"
go test -count=1 -race ./internal/vault/...

say "go test -fuzz (short runs)"
fuzz() { go test -run '^$' -fuzz "^$2\$" -fuzztime "${FUZZTIME:-3s}" "$1"; }
fuzz ./internal/vault FuzzParseSecrets
fuzz ./internal/vault FuzzParseKeyFile
fuzz ./internal/vault FuzzParseRecipients
fuzz ./internal/vault FuzzParseIgnore
fuzz ./internal/vault FuzzMasker
fuzz ./internal/ghaction FuzzEnvFileInjection
