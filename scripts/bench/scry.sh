#!/usr/bin/env bash
# Commit memory benchmarks (docs/benchmarks.md, "Commit memory"):
#
#   scripts/bench/scry.sh                # the replayed lefthook history (1,152 commits)
#   scripts/bench/scry.sh --large        # also a 50,688-commit history (-rounds 44; minutes)
#   SCRY=/tmp/old/git-scry scripts/bench/scry.sh   # another build of git-scry
#   scripts/bench/scry.sh --small        # also the corpus's newest 300 and 600 commits
#                                        # (small histories: the machine text budget)
#   scripts/bench/scry.sh --mid          # also the corpus replayed 2, 4 and 8 times (2,304 to
#                                        # 9,216 commits: where lexical search changes method)
#   scripts/bench/scry.sh --own          # also this repository's own history (real diffs and
#                                        # documents) up to the commit testdata/eval/verdigris.json
#                                        # was written against, evaluated with that query set,
#                                        # and verdigris-2.json up to the commit it was written against
#   scripts/bench/scry.sh --heavy        # also a diff-heavy history of real code: the Go
#                                        # distribution's src/ committed directory by directory
#                                        # (about 260 commits, 40 MB of `git log -p`)
#   scripts/bench/scry.sh --real-code    # also a history of real Go code in commits of
#                                        # ordinary size (golang.org/x/sys and x/tools from the
#                                        # module proxy, about 700 commits, 19 MB of `git log -p`)
#   scripts/bench/scry.sh --real-docs    # the replayed history ends with a commit that puts
#                                        # the real lefthook v1.13.6 tree at HEAD (from the Go
#                                        # module cache), so the built-in embedder learns from
#                                        # real documents instead of the replay's synthetic files
#
# Every figure is measured in this invocation: the full index as a ratio
# to `git log -p` over the same repository (median of RUNS each), the
# phases of the index run, a --full rebuild over the index and its
# switch, warm search latency of the `git scry` command
# (p50/p95 over the paraphrased lefthook queries, each run once to warm
# up), one new commit indexed, the indexer's own peak memory, and search
# quality per mode (git scry eval) on both paraphrased query sets and on
# exact subjects.
set -euo pipefail
# shellcheck source=scripts/bench/bench-env.sh
. "$(dirname "$0")/bench-env.sh"
cd "$(dirname "$0")/../.."

large=0 realdocs=0 small=0 own=0 mid=0 heavy=0 realcode=0
for arg; do
	case $arg in
	--large) large=1 ;;
	--small) small=1 ;;
	--mid) mid=1 ;;
	--heavy) heavy=1 ;;
	--real-code) realcode=1 ;;
	--own) own=1 ;;
	--real-docs) realdocs=1 ;;
	*) echo "usage: scripts/bench/scry.sh [--large] [--small] [--mid] [--own] [--heavy] [--real-code] [--real-docs]" >&2 && exit 2 ;;
	esac
done
runs=${RUNS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { printf '%s\n' "$*"; }

# SCRY=/path/to/git-scry benchmarks that binary (e.g. an older build, for
# a before/after comparison in one session) instead of building this tree.
if [ -n "${SCRY:-}" ]; then
	scry=$SCRY
else
	go build -o "$work/bin/" ./cmd/git-scry
	scry=$work/bin/git-scry
fi
isolate_git "$work"

json() { sed -n "s/^ *\"$1\": \\([0-9]*\\),*$/\\1/p" "$2"; }

bench() { # NAME DIR
	local name=$1 dir=$2 t0 t1
	say "## $name ($(git -C "$dir" rev-list --count --all) commits)"
	# Full index, cold: a fresh machine (no cached analysis of the
	# machine's text, XDG_CACHE_HOME empty) and warm: the same user's
	# second repository (the cache filled by an earlier run).
	local gl=() cold=() warm=() n
	export XDG_CACHE_HOME=$work/cache-warm
	rm -rf "$dir/.git/verdigris" && (cd "$dir" && "$scry" index --quiet)
	for _ in $(seq "$runs"); do
		t0=$(now)
		git -C "$dir" log -p --all >/dev/null
		t1=$(now)
		gl+=("$(ms "$t0" "$t1")")
		# Every cold run starts from an empty cache (not one an earlier
		# history's run filled).
		rm -rf "$dir/.git/verdigris" "$work/cache-cold"
		t0=$(now)
		(cd "$dir" && XDG_CACHE_HOME=$work/cache-cold "$scry" index --json >"$work/index-cold.json")
		t1=$(now)
		cold+=("$(ms "$t0" "$t1")")
		rm -rf "$dir/.git/verdigris"
		t0=$(now)
		(cd "$dir" && "$scry" index --json >"$work/index.json")
		t1=$(now)
		warm+=("$(ms "$t0" "$t1")")
	done
	local g c w
	g=$(printf '%s\n' "${gl[@]}" | median)
	c=$(printf '%s\n' "${cold[@]}" | median)
	w=$(printf '%s\n' "${warm[@]}" | median)
	say "git log -p --all:        ${g} ms (median of $runs)"
	say "git scry index, cold:    ${c} ms = $(awk "BEGIN {printf \"%.1f\", $c/$g}")x git log -p (nothing cached: a fresh machine)"
	say "git scry index, warm:    ${w} ms = $(awk "BEGIN {printf \"%.1f\", $w/$g}")x git log -p (the machine's text analysed by an earlier run)"
	say "  phases (last warm run): commits $(json index_ms "$work/index.json") ms, training $(json train_ms "$work/index.json") ms, embedding $(json embed_ms "$work/index.json") ms"
	say "  phases (last cold run): commits $(json index_ms "$work/index-cold.json") ms, training $(json train_ms "$work/index-cold.json") ms, embedding $(json embed_ms "$work/index-cold.json") ms"
	say "  commits phase:         $(awk "BEGIN {printf \"%.1f\", $(json index_ms "$work/index.json")/$g}")x git log -p (a new index trains meanwhile)"
	say "  peak memory (indexer): $(($(json peak_rss_bytes "$work/index.json") / 1048576)) MiB (git's own processes not counted)"
	# --full over that index: rebuilt beside it, then copied into it in
	# one transaction (the switch), searches reading the old one meanwhile.
	(cd "$dir" && "$scry" index --full --json >"$work/full.json")
	local d s
	d=$(json duration_ms "$work/full.json")
	s=$(json switch_ms "$work/full.json")
	say "git scry index --full:   ${d} ms over the index, of which the switch ${s} ms = $(awk "BEGIN {printf \"%.1f\", 100*$s/($d-$s)}")% of the rebuild"

	# Warm search latency of the command, end to end.
	queries testdata/eval/lefthook.json >"$work/queries"
	while IFS= read -r q; do (cd "$dir" && "$scry" -n 10 "$q" >/dev/null); done <"$work/queries"
	: >"$work/lat"
	while IFS= read -r q; do
		t0=$(now)
		(cd "$dir" && "$scry" -n 10 "$q" >/dev/null)
		t1=$(now)
		echo $(((t1 - t0) / 1000)) >>"$work/lat"
	done <"$work/queries"
	say "search (git scry QUERY): p50 $(pct 50 <"$work/lat") ms, p95 $(pct 95 <"$work/lat") ms ($(wc -l <"$work/lat") queries)"

	# One new commit, indexed as the post-commit hook does (foreground).
	local inc=()
	for n in $(seq 5); do
		echo "bench $n" >>"$dir/bench-incremental.txt"
		git -C "$dir" add bench-incremental.txt
		git -C "$dir" commit -q -m "bench: incremental commit $n"
		t0=$(now)
		(cd "$dir" && "$scry" index --quiet)
		t1=$(now)
		inc+=("$(ms "$t0" "$t1")")
	done
	say "one new commit indexed:  $(printf '%s\n' "${inc[@]}" | median) ms (median of 5)"
	say
}

# realdocs DIR: a last commit replaces the replay's synthetic tree with
# the real lefthook sources, the documents a real clone has at HEAD. It
# answers no query.
realdocs() {
	local src
	src=$(cd "$work" && go mod download -json github.com/evilmartians/lefthook@v1.13.6 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	[ -d "$src" ] || { echo "scry.sh: cannot download github.com/evilmartians/lefthook@v1.13.6" >&2 && exit 1; }
	git -C "$1" rm -rq .
	(cd "$src" && tar cf - .) | (cd "$1" && tar xf -)
	chmod -R u+w "$1"
	git -C "$1" add -A
	GIT_AUTHOR_DATE=2026-07-09T12:00:00Z GIT_COMMITTER_DATE=2026-07-09T12:00:00Z \
		git -C "$1" commit -qm "Import the lefthook v1.13.6 source tree"
}

say "# git scry benchmarks, $(date -u +%Y-%m-%d), $(nproc) CPUs, $(git --version)"
say
go run ./scripts/bench/replay -queries testdata/eval/lefthook.json -queries-out "$work/lefthook.json" "$work/lefthook" 2>/dev/null
go run ./scripts/bench/replay -queries testdata/eval/lefthook-2.json -queries-out "$work/lefthook-2.json" "$work/replay2" 2>/dev/null
rm -rf "$work/replay2"
name="replayed lefthook history"
if [ "$realdocs" = 1 ]; then
	realdocs "$work/lefthook"
	name="$name, real documents at HEAD"
fi
# Exact subjects: every 14th commit's subject as the query, that commit
# the answer and its files the relevant files (the kind of query a
# published commit benchmark asks).
git -C "$work/lefthook" log --no-merges --format='%x01%H%x09%s' --name-only HEAD~$realdocs |
	awk -F'\t' 'function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
		BEGIN { printf "{\"name\": \"lefthook-subjects\", \"queries\": [" }
		/^\001/ { flush(); n++; keep = (n % 14 == 1); if (keep) { sha = substr($1, 2, 12); subj = $2; files = "" }; next }
		keep && NF { files = files (files == "" ? "" : ", ") "\"" esc($0) "\"" }
		function flush() { if (!keep) return; printf "%s{\"id\": \"s%d\", \"query\": \"%s\", \"relevant_commits\": [\"%s\"]%s}", (q++ ? "," : ""), q, esc(subj), sha, (files == "" ? "" : ", \"relevant_docs\": [" files "]"); keep = 0 }
		END { flush(); print "]}" }' >"$work/subjects.json"
# Commit subjects as a published commit benchmark asks them: every
# commit of 2 to 15 files and a short message, its subject without a
# conventional-commit prefix or pull request number (scripts/bench/commitset).
go run ./scripts/bench/commitset "$work/lefthook" >"$work/commits.json" 2>/dev/null
bench "$name" "$work/lefthook"
(cd "$work/lefthook" && git reset -q --hard HEAD~5 && "$scry" index --quiet)
for set in lefthook lefthook-2 subjects commits; do
	say "### quality: git scry eval $set.json"
	(cd "$work/lefthook" && "$scry" eval "$work/$set.json")
	say
done

if [ "$small" = 1 ]; then
	for n in 300 600; do
		d=$work/newest$n
		go run ./scripts/bench/replay -newest "$n" -queries testdata/eval/lefthook.json -queries-out "$d.json" "$d" 2>/dev/null
		go run ./scripts/bench/replay -newest "$n" -queries testdata/eval/lefthook-2.json -queries-out "$d-2.json" "$work/replay2" 2>/dev/null
		rm -rf "$work/replay2"
		bench "the corpus's newest $n commits" "$d"
		# The queries answered in these commits (git scry eval's header
		# counts them).
		(cd "$d" && git reset -q --hard HEAD~5 && "$scry" index --quiet)
		for set in "$d.json" "$d-2.json"; do
			say "### quality: git scry eval $(basename "$set") (newest $n)"
			(cd "$d" && "$scry" eval "$set")
			say
		done
	done
fi

# The commit testdata/eval/verdigris.json describes the history up to:
# the commit that adds the set (its diff holds every query's words) and
# those after it stay out.
ownbase=80ecfec98d721909d5ba802bf6376195f1b137e7
if [ "$own" = 1 ]; then
	if git cat-file -e "$ownbase^{commit}" 2>/dev/null; then
		# Only that commit's history: no remote-tracking branches or tags,
		# which would bring later commits into the index.
		git clone -q . "$work/own"
		git -C "$work/own" remote remove origin
		git -C "$work/own" tag -l | xargs -r git -C "$work/own" tag -d >/dev/null
		git -C "$work/own" reset -q --hard "$ownbase"
		bench "this repository's history up to ${ownbase:0:7}" "$work/own"
		(cd "$work/own" && git reset -q --hard HEAD~5 && "$scry" index --quiet)
		say "### quality: git scry eval verdigris.json"
		set=$PWD/testdata/eval/verdigris.json
		(cd "$work/own" && "$scry" eval "$set")
		say
		# testdata/eval/verdigris-2.json: the history up to the commit before
		# the set was added, quality only.
		own2base=427683e49e31bd032ee9e8dc829a57cd63ecb064
		if git cat-file -e "$own2base^{commit}" 2>/dev/null; then
			git -C "$work/own" reset -q --hard "$own2base"
			(cd "$work/own" && "$scry" index --full --quiet)
			say "### quality: git scry eval verdigris-2.json (this repository's history up to ${own2base:0:7})"
			set=$PWD/testdata/eval/verdigris-2.json
			(cd "$work/own" && "$scry" eval "$set")
			say
		fi
	else
		say "## this repository's history: skipped (commit ${ownbase:0:7} is not in this clone)"
	fi
fi

if [ "$mid" = 1 ]; then
	for n in 2 4 8; do
		go run ./scripts/bench/replay -rounds "$n" "$work/rounds$n" 2>/dev/null
		runs=1 bench "lefthook replayed $n times" "$work/rounds$n"
		rm -rf "$work/rounds$n"
	done
fi

if [ "$heavy" = 1 ]; then
	heavy_history "$work/heavy"
	bench "a diff-heavy history (the Go distribution's src/, $(git -C "$work/heavy" log -p --all | wc -c | awk '{printf "%d MB", $1/1e6}') of git log -p)" "$work/heavy"
	rm -rf "$work/heavy"
fi

if [ "$realcode" = 1 ]; then
	realcode_history "$work/realcode"
	bench "a history of real Go code (golang.org/x/sys and x/tools)" "$work/realcode"
	rm -rf "$work/realcode"
fi

if [ "$large" = 1 ]; then
	go run ./scripts/bench/replay -rounds 44 "$work/large" 2>/dev/null
	runs=1 bench "50,000-commit history (lefthook replayed 44 times)" "$work/large"
fi
