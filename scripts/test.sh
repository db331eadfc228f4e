#!/usr/bin/env bash
# Everything the tests need, then every test: what CI runs (.ci/run) and
# what the pre-push hook's checks are made of.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'test: %s\n' "$*" >&2; }

say "$(go version)"
go mod download

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

say "ONNX Runtime embedder (fetches the runtime library once; its tests must not skip)"
VERDIGRIS_ONNXRUNTIME=$(./scripts/fetch-onnxruntime.sh) VERDIGRIS_REQUIRE_ONNXRUNTIME=1 \
	go test -count=1 ./internal/scry/embed/onnx/... ./cmd/git-scry/ -run 'TokenTable|MiniLM|Foreign|TestModelScripts'
