#!/usr/bin/env bash
# ONNX Runtime for git scry's ONNX embedder, when npm can fetch it. Without
# it git scry still searches (lexical and built-in semantic); this step
# never fails the install.
set -uo pipefail

if ! command -v npm >/dev/null 2>&1; then
	printf 'setup: npm not found: skipping ONNX Runtime (git scry uses its built-in embedder; run scripts/fetch-onnxruntime.sh once npm is installed)\n' >&2
	exit 0
fi
if [ -n "${BINDIR:-}" ]; then
	# Next to the binaries: $PREFIX/lib/verdigris for $PREFIX/bin.
	export PREFIX=${PREFIX:-$(dirname "$BINDIR")}
fi
bash "${SRC:-$(dirname "$0")/../..}/scripts/fetch-onnxruntime.sh" >/dev/null ||
	printf 'setup: ONNX Runtime not installed (see above); git scry uses its built-in embedder\n' >&2
exit 0
