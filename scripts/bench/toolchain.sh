#!/usr/bin/env bash
# Overhead of `git toolchain run` against running the same trivial checks
# one after another with sh, in the same hyperfine invocation:
#
#   N=8 ./scripts/bench/toolchain.sh
#
# A set of N checks that each run `true`; the baseline is
# sh -c 'sh -c true; sh -c true; …' (N inner shells, as run starts one
# per check). Reported for the default parallel run and for -j 1: the
# median and the minimum time, each as a ratio to the baseline's (shared
# machines are noisy; medians and minimums are steadier than means).
# Needs hyperfine (apt-get install hyperfine), python3, go and git.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
n=${N:-8}
runs=${RUNS:-50}

command -v hyperfine >/dev/null || { echo "bench: hyperfine not found (apt-get install hyperfine)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$src" && go build -o "$work/bin/" ./cmd/git-toolchain)
git init -q "$work/repo"
cd "$work/repo"

set_list=""
baseline=""
{
	for i in $(seq "$n"); do
		printf '[checks.c%d]\nrun = "true"\n\n' "$i"
		set_list="$set_list${set_list:+, }\"c$i\""
		baseline="$baseline${baseline:+; }sh -c true"
	done
	printf '[sets]\nbench = [%s]\n' "$set_list"
} >toolchain.toml

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/result.json" \
	-n "sh, sequential ($n checks)" "sh -c '$baseline'" \
	-n "git toolchain run ($n checks, parallel)" "$work/bin/git-toolchain run bench" \
	-n "git toolchain run -j 1 ($n checks)" "$work/bin/git-toolchain run -j 1 bench" >&2
printf '\nmachine: %s CPUs, %s; %s runs each\n\n' "$(nproc)" "$(uname -sr)" "$runs"
python3 - "$work/result.json" <<'PY'
import json, statistics, sys
res = json.load(open(sys.argv[1]))["results"]
base = res[0]
bmed, bmin = statistics.median(base["times"]), min(base["times"])
print("| command | median [ms] | min [ms] | median ratio | min ratio |")
print("| --- | ---: | ---: | ---: | ---: |")
for r in res:
    med, mn = statistics.median(r["times"]), min(r["times"])
    print(f"| {r['command']} | {med*1000:.1f} | {mn*1000:.1f} | {med/bmed:.2f} | {mn/bmin:.2f} |")
PY
