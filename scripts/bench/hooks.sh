#!/usr/bin/env bash
# Median added time of `git commit --allow-empty` from verdigris's
# post-commit shim, against no hooks and against lefthook v1.13.6 running a
# no-op post-commit, measured in the same run with commits interleaved so
# machine noise hits every variant alike; then the same for `git merge
# --ff-only` (one commit ahead each time) and the post-merge shim.
#
#   scripts/bench/hooks.sh [RUNS]        (default 60)
#
# Needs lefthook on PATH for the third variant (go install
# github.com/evilmartians/lefthook@v1.13.6); without it that row is skipped.
set -euo pipefail
# shellcheck source=scripts/bench/bench-env.sh
. "$(dirname "$0")/bench-env.sh"
runs=${1:-60}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bin=$work/bin
(cd "$src" && go build -o "$bin/" ./cmd/...)
export PATH="$bin:$PATH"
isolate_git "$work"

mkrepo() {
	git init -q "$work/$1"
	git -C "$work/$1" commit -q --allow-empty -m root
}

variants=(none verdigris)
mkrepo none
mkrepo verdigris
(cd "$work/verdigris" && verdigris install >/dev/null)
# Use every feature the post-commit shim serves: session markers are
# checked on each commit; the commit index exists, so indexing is started.
if command -v git-scry >/dev/null && (cd "$work/verdigris" && git scry index --quiet >/dev/null 2>&1); then
	:
fi
if command -v lefthook >/dev/null; then
	mkrepo lefthook
	printf 'post-commit:\n  commands:\n    noop:\n      run: "true"\npost-merge:\n  commands:\n    noop:\n      run: "true"\n' >"$work/lefthook/lefthook.yml"
	(cd "$work/lefthook" && lefthook install >/dev/null)
	variants+=(lefthook)
	lefthook_version=$(lefthook version 2>/dev/null || echo '?')
fi

declare -A times
for ((i = 0; i < runs; i++)); do
	for v in "${variants[@]}"; do
		t0=$(date +%s%N)
		git -C "$work/$v" commit -q --allow-empty -m "bench $i" >/dev/null 2>&1
		t1=$(date +%s%N)
		times[$v]+="$(((t1 - t0) / 1000)) "
	done
done

# The commits each merge brings, made by commit-tree (no hook) and left
# unreferenced until merged: every merge gives the index one new commit,
# as every commit above did.
declare -A ahead
for v in "${variants[@]}"; do
	tip=$(git -C "$work/$v" rev-parse HEAD)
	tree=$(git -C "$work/$v" rev-parse 'HEAD^{tree}')
	for ((i = 0; i < runs; i++)); do
		tip=$(git -C "$work/$v" commit-tree -p "$tip" -m "upstream $i" "$tree")
		ahead[$v,$i]=$tip
	done
done
# Let the commits' detached indexers finish first.
sleep 1
declare -A mtimes
for ((i = 0; i < runs; i++)); do
	for v in "${variants[@]}"; do
		t0=$(date +%s%N)
		git -C "$work/$v" merge -q --ff-only "${ahead[$v,$i]}" >/dev/null 2>&1
		t1=$(date +%s%N)
		mtimes[$v]+="$(((t1 - t0) / 1000)) "
	done
done
# Let detached indexers finish before the temp dir goes away.
sleep 1

# table NAME TIMES: one row per variant, ratios to no hooks.
table() {
	local -n t=$2
	local base m v
	base=$(echo "${t[none]}" | median)
	printf '%-24s %12s %12s %10s\n' "$1" 'median (ms)' 'added (ms)' 'ratio'
	for v in "${variants[@]}"; do
		m=$(echo "${t[$v]}" | median)
		awk -v v="$v" -v m="$m" -v b="$base" 'BEGIN {printf "%-24s %12.1f %12.1f %10.2f\n", v, m/1000, (m-b)/1000, m/b}'
	done
}
table 'git commit' times
table 'git merge --ff-only' mtimes
echo "runs: $runs per variant, interleaved; git $(git --version | cut -d' ' -f3); lefthook ${lefthook_version:-absent}"
