#!/usr/bin/env bash
# Install the ONNX Runtime shared library that git-scry's ONNX embedder
# loads, taken from the npm package onnxruntime-node (npm pack: the package
# tarball only, no install scripts run). The library is checked against a
# pinned sha256 and installed to
#
#   $VERDIGRIS_LIBDIR                    when set, else
#   $PREFIX/lib/verdigris                when PREFIX is set, else
#   ~/.local/lib/verdigris
#
# where git-scry looks for it (VERDIGRIS_ONNXRUNTIME=/path/to/lib overrides
# the search). Running it again is a no-op once the right library is there.
set -euo pipefail

version=1.24.1 # matches github.com/yalue/onnxruntime_go v1.27.0 (C API 1.24)

say() { printf 'fetch-onnxruntime: %s\n' "$*" >&2; }
die() {
	say "error: $1"
	[ -z "${2:-}" ] || say "hint: $2"
	exit 1
}

os=$(uname -s)
arch=$(uname -m)
case "$os/$arch" in
Linux/x86_64 | Linux/amd64)
	member=package/bin/napi-v6/linux/x64/libonnxruntime.so.1
	lib=libonnxruntime.so.1
	sum=53ef1ac028dd1b05554b8da28d9159eb3876f99868193d2aaa6e67f0243c23d4
	;;
Linux/aarch64 | Linux/arm64)
	member=package/bin/napi-v6/linux/arm64/libonnxruntime.so.1
	lib=libonnxruntime.so.1
	sum=7954e8bdedb497f830c6a679e818d98399b7f4d81ade1126c3e0be74d28111ab
	;;
Darwin/arm64)
	member=package/bin/napi-v6/darwin/arm64/libonnxruntime.1.24.1.dylib
	lib=libonnxruntime.dylib
	sum=7ad6507ad64d3b02aebfae6380c024ff188939cd8a7a493ec18028e034c8275c
	;;
*)
	die "onnxruntime-node $version ships no library this script knows for $os/$arch" \
		"git scry works without it (built-in embedder); to use an ONNX model, install ONNX Runtime $version yourself and set VERDIGRIS_ONNXRUNTIME=/path/to/the/library"
	;;
esac

if [ -n "${VERDIGRIS_LIBDIR:-}" ]; then
	dest=$VERDIGRIS_LIBDIR
elif [ -n "${PREFIX:-}" ]; then
	dest=$PREFIX/lib/verdigris
else
	dest=$HOME/.local/lib/verdigris
fi
target=$dest/$lib

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

if [ -f "$target" ] && [ "$(sha256 "$target")" = "$sum" ]; then
	say "ONNX Runtime $version already installed: $target"
	printf '%s\n' "$target"
	exit 0
fi

# A folder it cannot write is said before the download, not in mkdir's
# words after it.
if ! mkdir -p "$dest" 2>/dev/null || [ ! -w "$dest" ]; then
	die "cannot write the library to $dest" \
		"choose a folder you can write: PREFIX=\$HOME/.local $0 installs it to ~/.local/lib/verdigris, where git scry looks; with VERDIGRIS_LIBDIR=DIR, also set VERDIGRIS_ONNXRUNTIME=DIR/$lib for git scry"
fi

command -v npm >/dev/null 2>&1 || die "npm is not installed" \
	"install Node.js and npm, or download ONNX Runtime $version yourself and set VERDIGRIS_ONNXRUNTIME"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "downloading onnxruntime-node@$version with npm pack"
# One retry: a registry hiccup should not cost the install its ONNX
# Runtime. npm retries too, waiting 10 s and then 60 s by default: with
# the registry unreachable the two attempts took 143 s to fail, silent.
# Its waits are bounded here (set them in the environment to choose
# others). A registry that takes the connection and never answers (a
# proxy, a firewall that drops replies) held npm 5 minutes a request,
# silent, the install stalled for 20: npm's fetch timeout is how long it
# waits for an answer and then for the next bytes of one, not for the
# whole download, so 15 s is ample on a slow link. A timeout is not
# tried again here: npm has already waited twice.
export npm_config_fetch_retries=${npm_config_fetch_retries:-1}
export npm_config_fetch_retry_mintimeout=${npm_config_fetch_retry_mintimeout:-1000}
export npm_config_fetch_retry_maxtimeout=${npm_config_fetch_retry_maxtimeout:-5000}
export npm_config_fetch_timeout=${npm_config_fetch_timeout:-15000}
# What to do about npm pack's failure, by npm's error code: npm ping
# helps only when the registry could not be reached.
npm_hint() {
	if grep -qE 'E404|ETARGET|notarget' "$tmp/npm.err"; then
		echo "the npm registry ($(npm config get registry 2>/dev/null || echo 'npm config get registry')) has no onnxruntime-node@$version: use one that does (npm_config_registry=https://registry.npmjs.org/), or set VERDIGRIS_ONNXRUNTIME to a library you installed"
	elif grep -qE 'E401|E403|ENEEDAUTH|EOTP' "$tmp/npm.err"; then
		echo "the npm registry refused the request: check your npm login or token for it (npm whoami)"
	elif grep -qE 'ENOSPC|EACCES|EPERM|EROFS' "$tmp/npm.err"; then
		echo "npm could not write its cache or temporary files: free some space or fix the permissions of $(npm config get cache 2>/dev/null || echo 'its cache (npm config get cache)')"
	elif grep -qiE 'ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|FETCH_ERROR|timeout|proxy|CERT|socket' "$tmp/npm.err"; then
		echo "the npm registry could not be reached: check your network and proxy (npm ping)"
	else
		echo "npm's words above say why; 'npm pack onnxruntime-node@$version' shows them in full"
	fi
}
pack() { (cd "$tmp" && npm pack --loglevel=error --ignore-scripts "onnxruntime-node@$version" >/dev/null 2>"$tmp/npm.err"); }
timedout() { grep -qiE 'timeout|ETIMEDOUT' "$tmp/npm.err"; }
if ! pack && { timedout || ! { sleep 2; pack; }; }; then
	# npm's words, without the JavaScript stack, object dump and blank
	# lines it adds to a network error (indented under "npm error").
	sed -E -e '/^npm (error|ERR!)( {2,}| *\}?$| (syscall|errno) )/d' -e 's/ \{$//' -e 's/^/npm: /' "$tmp/npm.err" >&2
	die "npm pack onnxruntime-node@$version failed" "$(npm_hint)"
fi
tarball=
for f in "$tmp"/onnxruntime-node-*.tgz; do
	if [ -f "$f" ]; then
		tarball=$f
		break
	fi
done
[ -n "$tarball" ] || die "npm pack produced no tarball" "run 'npm pack onnxruntime-node@$version' to see why"
# Which of three went wrong: a damaged download, a package without the
# library, or no room to unpack it.
tar -tzf "$tarball" >"$tmp/list" 2>/dev/null || die "the downloaded package $(basename "$tarball") is damaged (not a gzip tar)" \
	"run the install again; if it fails the same way, 'npm cache verify' drops a damaged copy from npm's cache"
grep -qxF "$member" "$tmp/list" || die "the package has no $member" \
	"onnxruntime-node $version changed its layout; set VERDIGRIS_ONNXRUNTIME to a library you installed"
tar -xzf "$tarball" -C "$tmp" "$member" || die "could not unpack $member into $tmp" \
	"free some space in ${TMPDIR:-/tmp} (or set TMPDIR to a folder with room) and run it again"
got=$(sha256 "$tmp/$member")
[ "$got" = "$sum" ] || die "checksum mismatch for $member: got $got, want $sum" \
	"do not use this library; report it, and retry later"

# Atomic: a concurrent reader sees the old library or the new, never half.
cp "$tmp/$member" "$dest/.$lib.tmp.$$"
chmod 0644 "$dest/.$lib.tmp.$$"
mv -f "$dest/.$lib.tmp.$$" "$target"
say "installed ONNX Runtime $version: $target"
printf '%s\n' "$target"
