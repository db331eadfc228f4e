#!/usr/bin/env bash
# Build the release archives of verdigris, reproducibly:
#
#   scripts/release-build.sh VERSION OUTDIR
#
# VERSION (X.Y.Z or vX.Y.Z) must be the version internal/version/version.go
# holds at HEAD, which `git release` bumps. OUTDIR gets one archive per
# target, verdigris_<X.Y.Z>_<os>_<arch>.tar.gz, and SHA256SUMS. Each
# archive holds the binaries, README.md, CHANGELOG.md and each binary's
# manual page as share/man/man1/NAME.1.
#
# Every binary is built for linux/amd64, linux/arm64, darwin/amd64 and
# darwin/arm64 with CGO_ENABLED=0 (static; git-scry without ONNX Runtime,
# through the noonnx build tag). The linux/amd64 archive gets the cgo
# git-scry with ONNX Runtime instead, when a C compiler is present and the
# build machine is linux/amd64 (see docs/architecture.md, Releases).
#
# Two runs from the same commit with the same Go (and, for the cgo
# git-scry, the same C toolchain) give the same bytes: -trimpath, an empty
# build id, no VCS stamp (the commit goes in through -ldflags), and
# archives with sorted entries, owner 0:0, every mtime set to the tagged
# commit's time (SOURCE_DATE_EPOCH) and gzip headers without a timestamp.
#
# Environment:
#   VERDIGRIS_RELEASE_TARGETS   space-separated os/arch list (default: all four)
#   VERDIGRIS_RELEASE_CGO_SCRY  1 build the cgo git-scry (fail without a C
#                               compiler), 0 never, auto (default) when possible
#   SOURCE_DATE_EPOCH           archive mtimes (default: HEAD's commit time)
set -euo pipefail

say() { printf 'release-build: %s\n' "$*" >&2; }
# die MESSAGE [HINT [EXIT]]: the error and hint lines every verdigris
# command gives; exit 1, or 2 for bad usage.
die() {
	printf 'release-build: error: %s\n' "$1" >&2
	[ -z "${2:-}" ] || printf 'release-build: hint: %s\n' "$2" >&2
	exit "${3:-1}"
}

src=$(cd "$(dirname "$0")/.." && pwd)
source_version=$(sed -n 's/^const Version = "\(.*\)"$/\1/p' "$src/internal/version/version.go")
if [ $# -ne 2 ]; then
	given="$# arguments"
	[ $# -ne 1 ] || given="1 argument"
	die "expected VERSION and OUTDIR, got $given" \
		"run scripts/release-build.sh VERSION OUTDIR, VERSION being the one internal/version/version.go holds ($source_version)" 2
fi
version=${1#v}
out=$2
cd "$src"

# git release cuts X.Y.Z only (no leading zeros): a hint to run it with
# 1.2 sent the user to a refusal.
num='(0|[1-9][0-9]*)'
if ! [[ $version =~ ^$num\.$num\.$num$ ]]; then
	die "VERSION $1 is not X.Y.Z (or vX.Y.Z)" \
		"give the release's whole version, such as $source_version (what internal/version/version.go holds)" 2
fi
if [ "$version" != "$source_version" ]; then
	# git release cannot cut a version below the current one: an older
	# release is built from its tag.
	newer=$(printf '%s\n%s\n' "$version" "$source_version" | sort -t. -k1,1n -k2,2n -k3,3n | tail -n 1)
	if [ "$newer" = "$version" ]; then
		die "asked for $version, but internal/version/version.go holds $source_version" \
			"build the tagged commit of that release, or cut it first: git release $version"
	fi
	die "asked for $version, but internal/version/version.go holds $source_version" \
		"build the tagged commit of that release (git switch --detach v$version), then run this again"
fi

commit=$(git rev-parse HEAD)
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct HEAD)}
targets=${VERDIGRIS_RELEASE_TARGETS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64}
cgo_scry=${VERDIGRIS_RELEASE_CGO_SCRY:-auto}
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	say "warning: the working tree has uncommitted changes; the binaries will not match commit ${commit:0:12}"
fi

# User settings must not leak into the bytes.
unset GOFLAGS GOEXPERIMENT GOAMD64 GOARM64 CGO_CFLAGS CGO_LDFLAGS
export GOTOOLCHAIN=local
ldflags="-s -w -buildid= -X github.com/verdigris-dev/verdigris/internal/version.Commit=$commit"
build=(go build -trimpath -buildvcs=false -ldflags "$ldflags")

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${build[@]}" -o "$work/release-pack" ./scripts/release-pack
rm -f "$out"/verdigris_*.tar.gz "$out/SHA256SUMS"

host=$(go env GOHOSTOS)/$(go env GOHOSTARCH)

# Manual pages: git turns 'git session --help' into 'git help session',
# which opens git-session(1), and without the page said "No manual entry"
# to whoever installed from an archive. A page is its binary's usage
# (BINARY help --man, as install.sh writes them), the same on every
# target: binaries built for this machine write them once, as a
# cross-compiled one cannot run here.
say "writing the manual pages"
GOOS=${host%/*} GOARCH=${host#*/} CGO_ENABLED=0 "${build[@]}" -tags noonnx -o "$work/host/" ./cmd/...
mkdir -p "$work/man/share/man/man1"
for bin in "$work/host"/*; do
	name=${bin##*/}
	page=$work/man/share/man/man1/$name.1
	if ! "$bin" help --man >"$page" || ! [ -s "$page" ]; then
		die "$name help --man wrote no manual page" "run: go run ./cmd/$name help --man"
	fi
done
for target in $targets; do
	os=${target%/*}
	arch=${target#*/}
	stage=$work/$os-$arch
	mkdir -p "$stage"
	say "building $target"
	GOOS=$os GOARCH=$arch CGO_ENABLED=0 "${build[@]}" -tags noonnx -o "$stage/" ./cmd/...
	if [ "$target" = linux/amd64 ] && [ -d cmd/git-scry ] && [ "$cgo_scry" != 0 ]; then
		if [ "$host" = linux/amd64 ] && command -v "${CC:-gcc}" >/dev/null 2>&1; then
			say "building $target git-scry with ONNX Runtime (cgo)"
			GOOS=linux GOARCH=amd64 CGO_ENABLED=1 "${build[@]}" -o "$stage/git-scry" ./cmd/git-scry
		elif [ "$cgo_scry" = 1 ]; then
			die "the cgo git-scry needs a linux/amd64 machine with a C compiler (${CC:-gcc})" \
				"run on linux/amd64 with gcc, or set VERDIGRIS_RELEASE_CGO_SCRY=0"
		else
			say "warning: no C compiler or not linux/amd64: linux/amd64 git-scry is built without ONNX Runtime"
		fi
	fi
	cp README.md CHANGELOG.md "$stage/"
	cp -R "$work/man/share" "$stage/"
	"$work/release-pack" archive -epoch "$epoch" -o "$out/verdigris_${version}_${os}_${arch}.tar.gz" "$stage"
done
"$work/release-pack" sums "$out"
say "wrote $(wc -l <"$out/SHA256SUMS" | tr -d ' ') archives and SHA256SUMS to $out"
