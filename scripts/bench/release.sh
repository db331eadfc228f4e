#!/usr/bin/env bash
# Cost of `git release --dry-run` over a real history, against the one git
# command it cannot do without (reading every message since the last tag),
# measured in the same run with the variants interleaved so machine noise
# hits each alike.
#
#   scripts/bench/release.sh [RUNS] [SESSIONS]     (defaults 15, 100)
#
# The history is the lefthook corpus replayed (docs: internal/replay), no
# release tag yet, so the whole history is the release. "sessions" adds
# SESSIONS session tag pairs over it, to price the per-session walk.
set -euo pipefail
# shellcheck source=scripts/bench/bench-env.sh
. "$(dirname "$0")/bench-env.sh"
runs=${1:-15}
sessions=${2:-100}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bin=$work/bin
(cd "$src" && go build -o "$bin/" ./cmd/git-release)
export PATH="$bin:$PATH"
isolate_git "$work"

(cd "$src" && go run ./scripts/bench/replay "$work/plain" >/dev/null)
git clone -q "$work/plain" "$work/sessions"
commits=$(git -C "$work/plain" rev-list --count HEAD)
# Session i spans commits [i*step, i*step+step/2) of the first-parent line.
mapfile -t line < <(git -C "$work/sessions" rev-list --first-parent --reverse HEAD)
step=$((${#line[@]} / (sessions + 1)))
for ((i = 1; i <= sessions; i++)); do
	id=$(printf '20250101-%06d' "$i")
	git -C "$work/sessions" tag -a -m "Session start: $i" "session-$id-bench-start" "${line[$((i * step))]}"
	git -C "$work/sessions" tag -a -m end "session-$id-bench-end" "${line[$((i * step + step / 2))]}"
done

declare -A times
variants=(gitlog plain sessions)
run_variant() {
	case $1 in
	gitlog) git -C "$work/plain" log --no-merges --format='%H%x00%B' HEAD >/dev/null ;;
	plain) (cd "$work/plain" && git-release --dry-run >/dev/null 2>&1) ;;
	sessions) (cd "$work/sessions" && git-release --dry-run >/dev/null 2>&1) ;;
	esac
}
for v in "${variants[@]}"; do run_variant "$v"; done # warm the page cache
for ((i = 0; i < runs; i++)); do
	for v in "${variants[@]}"; do
		t0=$(date +%s%N)
		run_variant "$v"
		t1=$(date +%s%N)
		times[$v]+="$(((t1 - t0) / 1000)) "
	done
done

base=$(echo "${times[gitlog]}" | median)
echo "history: $commits commits, no release tag; sessions variant: $sessions sessions; $runs runs"
printf '%-34s %12s %8s\n' variant 'median (ms)' ratio
for v in "${variants[@]}"; do
	m=$(echo "${times[$v]}" | median)
	case $v in
	gitlog) label="git log (baseline)" ;;
	plain) label="git release --dry-run" ;;
	sessions) label="git release --dry-run, $sessions sessions" ;;
	esac
	awk -v l="$label" -v m="$m" -v b="$base" 'BEGIN { printf "%-34s %12.1f %7.1fx\n", l, m / 1000, m / b }'
done
