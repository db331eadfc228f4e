#!/usr/bin/env bash
# Search latency of two git-scry builds, interleaved query by query
# (docs/benchmarks.md, "Commit memory"): `git scry QUERY` end to end, the
# 60 paraphrased lefthook questions, on the replayed lefthook history and
# on it replayed 2, 4 and 8 times (2,304 to 9,216 commits), each query run
# by A and by B in turn (the order alternating between rounds) on the same
# index, which B builds; A must read B's index format. With OWN=1 each
# build searches a copy indexed by itself (for builds whose search cache
# formats differ: A would otherwise read the database, not its cache).
#
#   scripts/bench/scry-search-ab.sh OLD_GIT_SCRY [NEW_GIT_SCRY]   # NEW: this tree, built
#   ROUNDS=4 scripts/bench/scry-search-ab.sh /tmp/old/git-scry
#   LARGE=1 scripts/bench/scry-search-ab.sh /tmp/old/git-scry     # also 50,688 commits (minutes)
#   FLAGS='--author lovelace' scripts/bench/scry-search-ab.sh /tmp/old/git-scry   # filtered searches
#   OWN=1 FLAGS='--since 2020-01-01' scripts/bench/scry-search-ab.sh /tmp/old/git-scry
set -euo pipefail
# shellcheck source=scripts/bench/bench-env.sh
. "$(dirname "$0")/bench-env.sh"
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-2}
read -r -a flags <<<"${FLAGS:-}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ab_builds "$work" "$@"
isolate_git "$work"
export XDG_CACHE_HOME=$work/cache
queries testdata/eval/lefthook.json >"$work/queries"


echo "# git scry ${FLAGS:+$FLAGS }QUERY, A = $1, B = ${2:-this tree}; $(nproc) CPUs, $(wc -l <"$work/queries") queries × $rounds rounds, interleaved"
echo
echo "| history | A p50 / p95 | B p50 / p95 | B/A (p50) |"
echo "| --- | ---: | ---: | ---: |"
sizes="1 2 4 8"
[ "${LARGE:-0}" = 1 ] && sizes="$sizes 44"
for n in $sizes; do
	dir=$work/rounds$n
	go run ./scripts/bench/replay -rounds "$n" "$dir" 2>/dev/null
	# shellcheck disable=SC2034 # dir_a and dir_b are read as ${!d}
	dir_a=$dir dir_b=$dir
	if [ "${OWN:-0}" = 1 ]; then
		# Copied before B indexes it: an older A refuses (never
		# downgrades) an index of a newer schema.
		dir_a=$work/rounds$n-a
		cp -a "$dir" "$dir_a"
		(cd "$dir_a" && "$a" index --quiet)
	fi
	(cd "$dir" && "$b" index --quiet)
	for v in a b; do
		d=dir_$v
		(cd "${!d}" && "${!v}" -n 10 "warm up" >/dev/null) ||
			{ echo "scry-search-ab.sh: $v (${!v}) cannot search B's index" >&2 && exit 1; }
		: >"$work/lat-$v"
	done
	for r in $(seq "$rounds"); do
		order="a b"
		[ $((r % 2)) = 0 ] && order="b a"
		while IFS= read -r q; do
			for v in $order; do
				d=dir_$v
				t0=$(now)
				(cd "${!d}" && "${!v}" -n 10 ${flags[@]+"${flags[@]}"} "$q" >/dev/null)
				echo $((($(now) - t0) / 1000)) >>"$work/lat-$v"
			done
		done <"$work/queries"
	done
	pa=$(pct 50 <"$work/lat-a") pb=$(pct 50 <"$work/lat-b")
	echo "| $(git -C "$dir" rev-list --count HEAD) commits | $pa / $(pct 95 <"$work/lat-a") ms | $pb / $(pct 95 <"$work/lat-b") ms | $(awk "BEGIN {printf \"%.2f\", $pb/$pa}") |"
	rm -rf "$dir" "$dir_a"
done
