#!/usr/bin/env bash
# Build and install every verdigris binary, set up the current repository
# (hooks, and each feature's own setup step), and finish with a doctor run.
#
#   PREFIX=/usr/local ./scripts/install.sh     # binaries into $PREFIX/bin
#
# Works on a fresh machine with Go and git, and a fresh $HOME; gcc (cgo for
# ONNX Runtime) and npm (to fetch it) are used when present.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)

say() { printf 'install: %s\n' "$*" >&2; }

# Unset (env -i, a service's environment) it ended in bash's "HOME:
# unbound variable"; empty, it put the binaries in /.local/bin.
home=${HOME:-}
if [ -z "${PREFIX:-}" ] && [ -z "$home" ]; then
	say "error: HOME is not set: the binaries go to \$HOME/.local/bin"
	say "hint: set HOME, or choose the folder: PREFIX=/path/to/prefix $0 (binaries in PREFIX/bin)"
	exit 1
fi
prefix=${PREFIX:-$home/.local}
# A relative PREFIX is where the user ran the install, made absolute: go
# builds from the source tree, so the binaries went under the tree while
# the install ran (and looked for) them under the working directory, and
# the PATH line for the rc file named a relative folder.
case $prefix in /*) ;; *) prefix=$PWD/$prefix ;; esac
bindir=$prefix/bin

# Ctrl-C stops the install. Without the trap bash stops only when the
# command it waits for was killed by the signal; git scry index handles
# it (keeps what it wrote, exits 1) and its setup step goes on, as a
# failed step does, so the install ran on to doctor and exited 0.
trap 'say "error: interrupted"; say "hint: run $0 again: it picks up where this run stopped"; exit 130' INT

# What the install needs, said as such: without them it ended in bash's
# 'go: command not found', or said 'not inside a git repository'.
gover=$(sed -n 's/^go //p' "$src/go.mod" 2>/dev/null || true)
if ! command -v go >/dev/null 2>&1; then
	say "error: go is not on PATH"
	say "hint: install Go${gover:+ $gover or newer} (https://go.dev/dl/), or add the directory that holds it to PATH (/usr/local/go/bin), then run $0 again"
	exit 1
fi
# go keeps its module and build caches under HOME unless told where:
# without HOME (PREFIX given) every build failed in go's words, "module
# cache not found", under a hint about go's version. Asked outside the
# tree, so that no go.mod makes go fetch a newer toolchain to answer.
if gocaches=$(cd / && go env GOMODCACHE GOCACHE 2>/dev/null); then
	{
		read -r modcache
		read -r buildcache
	} <<<"$gocaches" || true
	if [ -z "$modcache" ] || [ -z "$buildcache" ] || [ "$buildcache" = off ]; then
		why=
		[ -n "$home" ] || why=": HOME is not set"
		say "error: go has no module cache or build cache to use$why"
		say "hint: set HOME, or tell go where to keep them: GOMODCACHE=/path/to/mod GOCACHE=/path/to/cache PREFIX=${PREFIX:-/path/to/prefix} $0"
		exit 1
	fi
fi
if ! command -v git >/dev/null 2>&1; then
	say "error: git is not on PATH"
	say "hint: install git, or add the directory that holds it to PATH, then run $0 again"
	exit 1
fi

if ! mkdir -p "$bindir" 2>/dev/null || [ ! -w "$bindir" ]; then
	say "error: cannot write the binaries to $bindir"
	# The default, ~/.local, was the hint's folder: with it unwritable
	# (a read-only HOME) the hint said to run the same install again.
	if [ -n "$home" ] && [ "$prefix" != "$home/.local" ]; then
		say "hint: run $0 without PREFIX (binaries in ~/.local/bin), or choose a directory you can write: PREFIX=/path/to/prefix $0"
	else
		say "hint: choose a directory you can write: PREFIX=/path/to/prefix $0 (binaries in PREFIX/bin)"
	fi
	exit 1
fi

commit=$(git -C "$src" rev-parse HEAD 2>/dev/null || true)
ldflags="-s -w -X github.com/verdigris-dev/verdigris/internal/version.Commit=${commit}"

# Every binary present under cmd/, static where it can be. git-scry needs
# cgo for ONNX Runtime; without a C compiler it is built without it (the
# lexical and built-in semantic search still work).
#
# Built into a folder beside the binaries and moved into place once all
# are built: go build -o writes over the installed binary in place when
# its temporary folder is on another file system (a tmpfs /tmp), so a
# Ctrl-C left a truncated binary for the hooks to run, and one between
# two builds a mix of old and new binaries. A rename is atomic.
scry_onnx=
stage=$(mktemp -d "$bindir/.install.XXXXXX")
trap 'rm -rf "$stage"' EXIT
built=()
for dir in "$src"/cmd/*/; do
	name=$(basename "$dir")
	[ -f "$dir/main.go" ] || continue
	cgo=0 tags=noonnx
	if [ "$name" = git-scry ]; then
		# CC is a command line, as go reads it (CC="ccache gcc"): its
		# first word is the program to find.
		read -r cc_prog _ <<<"${CC:-gcc}" || true
		if command -v "${cc_prog:-gcc}" >/dev/null 2>&1; then
			cgo=1 tags=
		else
			scry_onnx="no C compiler (${CC:-gcc}) on PATH"
		fi
	fi
	say "building $name"
	# A C compiler that is there and does not work (macOS's gcc without
	# the Command Line Tools, gcc without the libc headers) failed the
	# whole install, though git scry works without cgo.
	if [ "$cgo" = 1 ] && ! (cd "$src" && CGO_ENABLED=1 go build -trimpath -ldflags "$ldflags" -o "$stage/$name" "./cmd/$name"); then
		scry_onnx="the C compiler (${CC:-gcc}) failed, above"
		say "building $name again without ONNX Runtime: $scry_onnx"
		cgo=0 tags=noonnx
	fi
	if [ "$cgo" = 0 ] && ! (cd "$src" && CGO_ENABLED=0 go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$stage/$name" "./cmd/$name"); then
		say "error: building $name failed (go says why above)"
		# go fetches a newer toolchain itself only with the network:
		# offline (a sandbox, a proxy-less CI) it has to be installed.
		say "hint: fix that and run $0 again; this tree needs Go${gover:+ $gover} (go.mod), which go fetches itself when GOTOOLCHAIN is unset or auto and the network is there, or install it from https://go.dev/dl/"
		exit 1
	fi
	built+=("$name")
done
for name in "${built[@]}"; do
	mv -f "$stage/$name" "$bindir/$name"
done

# Manual pages: git turns 'git session --help' into 'git help session',
# which opens git-session(1), and man finds PREFIX/share/man from
# PREFIX/bin on PATH. Each binary writes its page from its usage text.
# Without them that form said "No manual entry for git-session".
mandir=$prefix/share/man/man1
if mkdir -p "$mandir" 2>/dev/null && [ -w "$mandir" ]; then
	for name in "${built[@]}"; do
		page=$mandir/.$name.1.$$
		if "$bindir/$name" help --man >"$page" 2>/dev/null && [ -s "$page" ]; then
			mv -f "$page" "$mandir/$name.1"
		else
			rm -f "$page"
			say "warning: could not write the manual page of $name; '${name/-/ } -h' shows its usage"
		fi
	done
else
	say "warning: cannot write manual pages to $mandir: 'git session --help' and the others find none ('git session -h' shows the usage)"
fi

# Off PATH, git finds none of the commands and the pre-push hook refuses
# pushes that need them. The steps and doctor get it here; the notice is
# the last thing said, not one line above the index's and doctor's output.
onpath=yes
case ":$PATH:" in
*":$bindir:"*) ;;
*)
	onpath=
	export PATH="$bindir:$PATH"
	;;
esac

# The repository install.sh was run from gets the hooks. A hooks install
# that fails (a team's tracked hook without verdigris's line, a shim
# edited by hand, core.hooksPath=/dev/null) has said why; the setup steps
# and doctor still run, and the install ends saying so.
hooks=ok
if git rev-parse --git-dir >/dev/null 2>&1; then
	say "installing hooks into $(git rev-parse --show-toplevel 2>/dev/null || git rev-parse --absolute-git-dir)"
	"$bindir/verdigris" install || hooks=failed
else
	say "not inside a git repository: no hooks installed (run 'verdigris install' in one)"
fi

# Each feature's own setup step, when its binary exists. A step is named
# by its file without the numeric prefix that orders it (40-onnxruntime is
# onnxruntime), and prints its own "install: setup: NAME: ..." line only
# when it does something or says why it does not: a line printed here for
# every step named steps that had nothing to do (vault, in a repository
# without one) as though they had run.
for step in "$src"/scripts/setup.d/*.sh; do
	[ -f "$step" ] || continue
	name=$(basename "$step" .sh)
	name=${name#"${name%%[!0-9]*}"}
	name=${name#-}
	# A step that fails has said why, or not (a step that crashed: vault's
	# "HOME: unbound variable" stopped the install here, under set -e,
	# before doctor).
	STEP="$name" BINDIR="$bindir" SRC="$src" SCRY_NO_ONNX="$scry_onnx" bash "$step" ||
		say "setup: $name: failed (exit $?); doctor, below, says what is missing"
done

rc=0
"$bindir/verdigris" doctor || rc=$?

if [ "$hooks" = failed ]; then
	say "error: the hooks are not all installed ('verdigris install' said why, above)"
	say "hint: do what its hint says, then run 'verdigris install' in this repository"
	[ "$rc" -ne 0 ] || rc=1
fi

if [ -z "$onpath" ]; then
	# The line is pasted into a shell and then read from an rc file, so
	# the folder is quoted for both: a ' in PREFIX ended the echo's
	# quotes early, and the pasted line waited for the rest of a quote.
	# Inside "...", sh takes \ " $ ` literally only escaped; fish, \ " $.
	folder=$bindir under=
	if [ -n "$home" ]; then
		case $bindir in "$home"/*) folder=${bindir#"$home"} under='$HOME' ;; esac
	fi
	sh=${folder//\\/\\\\}
	sh=${sh//\"/\\\"}
	sh=${sh//\$/\\\$}
	sh=${sh//\`/\\\`}
	fish=${folder//\\/\\\\}
	fish=${fish//\"/\\\"}
	fish=${fish//\$/\\\$}
	line="export PATH=\"$under$sh:\$PATH\""
	line="'${line//\'/\'\\\'\'}'"
	case ${SHELL##*/} in
	# Quoted: a folder with a space is one argument ($HOME expands).
	fish) add="fish_add_path \"$under$fish\"" ;;
	zsh) add="echo $line >>~/.zshrc" ;;
	bash) add="echo $line >>~/.bashrc" ;;
	*) add="echo $line >>~/.profile" ;;
	esac
	say "$bindir is not on your PATH: until it is, 'git session', 'git scry' and the others are not found, and the pre-push hook refuses pushes that need them"
	say "hint: add it, then open a new shell: $add"
fi
exit "$rc"
