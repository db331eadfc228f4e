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
# One compilation serves the binaries, vet, the tests and the release
# reproducibility test: all use the release build's compiler settings
# (static, -trimpath, no ONNX Runtime), so a cold CI run compiles the tree
# once, not once per tool. The exceptions need cgo and say so: the race
# check, and git-scry with ONNX Runtime and its tests below.
export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:+$GOFLAGS }-trimpath -tags=noonnx"
say "building binaries into $bin"
go build -o "$bin/" ./cmd/...
# The release archives' git-scry has no ONNX Runtime: the model scripts
# run against it once (seconds), as the rest of the tests run against
# the cgo build below; what a user of the archives sees of a registered
# model had gone untested.
say "model scripts with the release build's git-scry (no ONNX Runtime)"
go test -count=1 -run TestModelScripts ./cmd/git-scry/
CGO_ENABLED=1 GOFLAGS=-trimpath go build -o "$bin/git-scry" ./cmd/git-scry

say "git toolchain run ci"
"$bin/git-toolchain" run ci

# Fuzzing (./scripts/fuzz.sh, toolchain.toml's fuzz set) runs in the
# scheduled fuzz workflow, not here: its instrumented builds cost minutes
# on a cold machine, and the seed corpora run with the tests above.

say "ONNX Runtime embedder (fetches the runtime library once; its tests must not skip)"
export CGO_ENABLED=1 GOFLAGS="${GOFLAGS/-tags=noonnx/}"
go vet ./internal/scry/embed/onnx/...
VERDIGRIS_ONNXRUNTIME=$(./scripts/fetch-onnxruntime.sh) VERDIGRIS_REQUIRE_ONNXRUNTIME=1 \
	go test -count=1 ./internal/scry/embed/onnx/... ./cmd/git-scry/ -run 'TokenTable|MiniLM|SortedByLength|Foreign|Float16|AgreesWithRuntime|TestModelScripts'
