#!/usr/bin/env bash
# The first git scry index run after a pull in a large blobless clone, of
# two git-scry builds (docs/benchmarks.md, "Commit memory", "Objects that
# come back"): the lefthook history replayed 44 times (50,688 commits;
# REPO=DIR for a repository of one's own, which is only read), a blobless
# bare clone of it as the upstream, and two blobless clones of that
# without a checkout, one indexed by A and one by B. Each round makes a
# commit upstream, fetches it into both clones (a new pack) and times
# `git scry index -q` in each, in turn.
#
#   scripts/bench/scry-pull-ab.sh OLD_GIT_SCRY [NEW_GIT_SCRY]   # NEW: this tree, built
#   ROUNDS=5 REPO=/tmp/large50 scripts/bench/scry-pull-ab.sh /tmp/old/git-scry
set -euo pipefail
# shellcheck source=scripts/bench/bench-env.sh
. "$(dirname "$0")/bench-env.sh"
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ab_builds "$work" "$@"
isolate_git "$work"
export XDG_CACHE_HOME=$work/cache
repo=${REPO:-}
if [ -z "$repo" ]; then
	repo=$work/history
	go run ./scripts/bench/replay -rounds 44 "$repo" 2>/dev/null
fi
repo=$(cd "$repo" && pwd)
# The upload-pack git starts for a file:// clone reads this -c too.
git -c uploadpack.allowfilter=true clone -q --bare --filter=blob:none "file://$repo" "$work/up"
git -C "$work/up" config uploadpack.allowfilter true
for side in a b; do
	git clone -q --no-checkout --filter=blob:none "file://$work/up" "$work/$side"
	(cd "$work/$side" && "${!side}" index --quiet)
done
echo "# git scry index after a pull, blobless clone of $(git -C "$work/up" rev-list --count --all) commits; A = $1, B = ${2:-this tree}; $rounds rounds, in turn"
for i in $(seq "$rounds"); do
	c=$(git -C "$work/up" commit-tree -p HEAD -m "pulled $i" 'HEAD^{tree}')
	git -C "$work/up" update-ref HEAD "$c"
	for side in a b; do
		git -C "$work/$side" fetch -q
		t0=$(now)
		(cd "$work/$side" && "${!side}" index --quiet)
		t1=$(now)
		echo "${side^^} round $i: $(ms "$t0" "$t1") ms"
	done
done
