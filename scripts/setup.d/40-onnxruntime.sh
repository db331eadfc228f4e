#!/usr/bin/env bash
# ONNX Runtime for git scry's ONNX embedder, when npm can fetch it. Without
# it git scry still searches (lexical and built-in semantic); this step
# never fails the install.
set -uo pipefail
say() { printf 'install: setup: %s: %s\n' "${STEP:-onnxruntime}" "$*" >&2; }

# install.sh built git-scry without cgo: it cannot load the library,
# which npm downloaded all the same (a package of some hundred MB).
if [ -n "${SCRY_NO_ONNX:-}" ]; then
	say "git-scry built without ONNX Runtime ($SCRY_NO_ONNX): not fetched; git scry uses its built-in embedder (install a working C compiler, gcc, and run ./scripts/install.sh again for ONNX models)"
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	say "npm not found: ONNX Runtime skipped (git scry uses its built-in embedder; run scripts/fetch-onnxruntime.sh once npm is installed)"
	exit 0
fi
say "ONNX Runtime for git scry's ONNX embedder"
if [ -n "${BINDIR:-}" ]; then
	# Next to the binaries: $PREFIX/lib/verdigris for $PREFIX/bin.
	export PREFIX=${PREFIX:-$(dirname "$BINDIR")}
fi
bash "${SRC:-$(dirname "$0")/../..}/scripts/fetch-onnxruntime.sh" >/dev/null ||
	say "ONNX Runtime not installed (see above); git scry uses its built-in embedder"
exit 0
