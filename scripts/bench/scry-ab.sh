#!/usr/bin/env bash
# Full index time of two git-scry builds, interleaved (docs/benchmarks.md,
# "Commit memory"): on a shared, noisy machine two separate invocations of
# scry.sh differ by more than a change to the indexer does, so here each
# round runs git log -p, then A cold, A warm, B cold, B warm, on the same
# repository, and the medians are compared.
#
#   scripts/bench/scry-ab.sh OLD_GIT_SCRY [NEW_GIT_SCRY]   # NEW: this tree, built
#   RUNS=7 scripts/bench/scry-ab.sh /tmp/old/git-scry
#   HISTORIES=lockfile scripts/bench/scry-ab.sh /tmp/old/git-scry
#
# Histories: the replayed lefthook corpus's newest 300 and 600 commits,
# all 1,152 of them, a clone of this repository (real diffs of Go code
# and real documents), a diff-heavy history of real code (the Go
# distribution's src/, heavy_history), one of real code in commits of
# ordinary size (golang.org/x/sys and x/tools, realcode_history) and a
# JavaScript monorepo's dependency bumps (a 5,000-line bun.lock in every
# commit, lockfile_history) and a TypeScript monorepo's regenerated API
# clients (4,600 generated lines in every commit, generated_history);
# HISTORIES names the ones to run (all by default). "Cold": nothing in
# the cache (a fresh machine);
# "warm": the machine's text analysed by the run just before.
set -euo pipefail
# shellcheck source=scripts/bench/bench-env.sh
. "$(dirname "$0")/bench-env.sh"
cd "$(dirname "$0")/../.."
runs=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ab_builds "$work" "$@"
isolate_git "$work"

histories=${HISTORIES:-newest300 newest600 all own heavy realcode lockfile generated}
for d in $histories; do
	case $d in
	newest300 | newest600) go run ./scripts/bench/replay -newest "${d#newest}" "$work/$d" 2>/dev/null ;;
	all) go run ./scripts/bench/replay "$work/all" 2>/dev/null ;;
	own) git clone -q . "$work/own" ;;
	heavy) heavy_history "$work/heavy" ;;
	realcode) realcode_history "$work/realcode" ;;
	lockfile) lockfile_history "$work/lockfile" ;;
	generated) generated_history "$work/generated" ;;
	*) echo "$0: unknown history $d (HISTORIES: newest300 newest600 all own heavy realcode lockfile generated)" >&2 && exit 2 ;;
	esac
done

echo "# git scry index, A = $1, B = ${2:-this tree}; $(nproc) CPUs, median of $runs interleaved rounds"
echo
echo "| history | git log -p | A cold | B cold | B/A | A warm | B warm | B/A |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for d in $histories; do
	dir=$work/$d
	: >"$work/t"
	for _ in $(seq "$runs"); do
		t0=$(now)
		git -C "$dir" log -p --all >/dev/null
		echo "logp $((($(now) - t0) / 1000000))" >>"$work/t"
		for v in a b; do
			bin=${!v}
			rm -rf "$work/cache-$v"
			for phase in cold warm; do
				rm -rf "$dir/.git/verdigris"
				t0=$(now)
				(cd "$dir" && XDG_CACHE_HOME=$work/cache-$v "$bin" index --quiet)
				echo "$v-$phase $((($(now) - t0) / 1000000))" >>"$work/t"
			done
		done
	done
	m() { awk -v k="$1" '$1 == k {print $2}' "$work/t" | median; }
	g=$(m logp) ac=$(m a-cold) bc=$(m b-cold) aw=$(m a-warm) bw=$(m b-warm)
	r() { awk "BEGIN {printf \"%.2f\", $1/$2}"; }
	x() { awk "BEGIN {printf \"%.1f×\", $1/$g}"; }
	echo "| $d ($(git -C "$dir" rev-list --count --all) commits) | $g ms | $ac ms = $(x "$ac") | $bc ms = $(x "$bc") | $(r "$bc" "$ac") | $aw ms = $(x "$aw") | $bw ms = $(x "$bw") | $(r "$bw" "$aw") |"
done
