#!/usr/bin/env bash
# The release half of the root action.yml: install the released binaries of
# a vX.Y.Z ref (or the version input) instead of building them.
#
#   action-release.sh resolve   decide: release or source build; outputs
#                               mode, version, os, arch, archive, url, dir,
#                               cache-key
#   action-release.sh install   download (unless the cache restored it) the
#                               archive and SHA256SUMS into dir, verify the
#                               archive against SHA256SUMS (a mismatch fails
#                               the step), unpack it and add it to PATH
#
# Environment: VERSION, BASE_URL, ACTION_REF, ACTION_REPOSITORY, ACTION_PATH
# (resolve); VERSION, ARCHIVE, URL, DIR (install); the runner's RUNNER_OS,
# RUNNER_ARCH, RUNNER_TEMP, RUNNER_TOOL_CACHE, GITHUB_SERVER_URL,
# GITHUB_OUTPUT and GITHUB_PATH.
set -euo pipefail

# The message is workflow-command encoded: an input's line break in it
# would start a command of its own (::warning::, ::add-mask::, …).
fail() {
	local m=${1//%/%25}
	m=${m//$'\r'/%0D}
	m=${m//$'\n'/%0A}
	printf '::error::%s\n' "$m"
	exit 1
}

output() { printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"; }

resolve() {
	local version=${VERSION:-} ref=${ACTION_REF:-} repo=${ACTION_REPOSITORY:-}
	# Composite actions do not always get github.action_ref and
	# action_repository (actions/runner#2473); the checkout path of a
	# remote action, .../_actions/OWNER/REPO/REF, says the same.
	case ${ACTION_PATH:-} in
	*/_actions/*/*/*)
		local rest=${ACTION_PATH#*/_actions/}
		rest=${rest%/}
		[ -n "$ref" ] || ref=${rest##*/}
		[ -n "$repo" ] || repo=${rest%/*}
		;;
	esac
	if [ -z "$version" ] && [[ $ref =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
		version=$ref
	fi
	if [ -z "$version" ]; then
		echo "ref ${ref:-(local)} is not a release tag: building from source"
		output mode source
		return
	fi
	version=${version#v}
	[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
		fail "version '$version' is not X.Y.Z; give a release version, or leave it empty to build this ref from source"

	local os arch
	case ${RUNNER_OS:-} in
	Linux) os=linux ;;
	macOS) os=darwin ;;
	*) fail "no release archive for runner OS '${RUNNER_OS:-}'; use the action at a branch ref to build from source" ;;
	esac
	case ${RUNNER_ARCH:-} in
	X64) arch=amd64 ;;
	ARM64) arch=arm64 ;;
	*) fail "no release archive for runner architecture '${RUNNER_ARCH:-}'; use the action at a branch ref to build from source" ;;
	esac

	local base=${BASE_URL:-}
	# Checked before anything prints or downloads it: curl and wget fetch
	# a URL without a scheme over plain HTTP, where the archive and
	# SHA256SUMS can be swapped alike, and a line break would end the
	# outputs' line and the log's.
	case $base in
	'') base=${GITHUB_SERVER_URL:-https://github.com}/${repo:-verdigris-dev/verdigris}/releases/download ;;
	*[[:space:][:cntrl:]]*) fail "base-url '$base' is not one URL: it holds a space or a line break" ;;
	https://?* | http://?* | file://?*) ;;
	*://*) fail "base-url '$base' is not an https:// URL; give https:// (http:// or file:// for a test server or a local mirror)" ;;
	*) fail "base-url '$base' has no scheme, so curl would fetch it over plain HTTP; write it in full: https://$base" ;;
	esac
	local archive="verdigris_${version}_${os}_${arch}.tar.gz"
	local dir="${RUNNER_TOOL_CACHE:-$RUNNER_TEMP}/verdigris/$version/${os}_${arch}"
	echo "installing verdigris $version ($os/$arch) from ${base%/}/v$version/"
	output mode release
	output version "$version"
	output os "$os"
	output arch "$arch"
	output archive "$archive"
	output url "${base%/}/v$version"
	output dir "$dir"
	output cache-key "verdigris-release-$version-$os-$arch"
}

download() {
	if command -v curl >/dev/null 2>&1; then
		curl --fail --silent --show-error --location --retry 3 --retry-delay 1 --output "$2" "$1"
	else
		wget --quiet --tries=3 --output-document="$2" "$1"
	fi
}

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

install() {
	: "${VERSION:?}" "${ARCHIVE:?}" "${URL:?}" "${DIR:?}"
	mkdir -p "$DIR"
	local f
	for f in SHA256SUMS "$ARCHIVE"; do
		if [ -s "$DIR/$f" ]; then
			echo "$f: from the cache"
			continue
		fi
		download "$URL/$f" "$DIR/$f.part" || {
			rm -f "$DIR/$f.part"
			fail "could not download $URL/$f"
		}
		mv "$DIR/$f.part" "$DIR/$f"
	done
	local want got
	want=$(awk -v n="$ARCHIVE" '$2 == n || $2 == "*" n { print $1; exit }' "$DIR/SHA256SUMS")
	if [ -z "$want" ]; then
		rm -f "$DIR/SHA256SUMS" "$DIR/$ARCHIVE"
		fail "SHA256SUMS of v$VERSION lists no $ARCHIVE"
	fi
	got=$(sha256 "$DIR/$ARCHIVE")
	if [ "$got" != "$want" ]; then
		# Never keep, cache or unpack what failed verification.
		rm -f "$DIR/SHA256SUMS" "$DIR/$ARCHIVE"
		fail "checksum mismatch for $ARCHIVE: SHA256SUMS says $want, the download is $got; refusing to install it"
	fi
	echo "$ARCHIVE: sha256 $got matches SHA256SUMS"
	local bin="$DIR/bin"
	rm -rf "$bin"
	mkdir -p "$bin"
	tar -xzf "$DIR/$ARCHIVE" -C "$bin"
	[ -x "$bin/verdigris" ] || fail "$ARCHIVE has no verdigris binary"
	echo "$bin" >>"$GITHUB_PATH"
	output bin-dir "$bin"
	PATH="$bin:$PATH" "$bin/verdigris" version
}

case ${1:-} in
resolve) resolve ;;
install) install ;;
*)
	echo "usage: action-release.sh resolve|install" >&2
	exit 2
	;;
esac
