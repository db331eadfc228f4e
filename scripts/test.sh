#!/usr/bin/env bash
# Everything the tests need, then every test: what CI runs (.ci/run) and
# what the pre-push hook's checks are made of.
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
# packages instead of once per package.
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
export VERDIGRIS_TEST_BIN=$bin
say "building binaries into $bin"
go build -o "$bin/" ./cmd/...

say "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	printf 'gofmt would change:\n%s\n' "$unformatted" >&2
	exit 1
fi

say "go vet"
go vet ./...

say "go test"
go test -count=1 ./...

say "go test -race (packages with concurrency)"
go test -count=1 -race ./internal/filelock/...
go test -count=1 -race ./internal/vault/...

say "go test -fuzz (short runs)"
fuzz() { go test -run '^$' -fuzz "^$2\$" -fuzztime "${FUZZTIME:-3s}" "$1"; }
fuzz ./internal/vault FuzzParseSecrets
fuzz ./internal/vault FuzzParseKeyFile
fuzz ./internal/vault FuzzParseRecipients
fuzz ./internal/vault FuzzParseIgnore
fuzz ./internal/vault FuzzMasker
fuzz ./internal/ghaction FuzzEnvFileInjection
