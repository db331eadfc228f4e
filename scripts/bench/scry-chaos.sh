#!/usr/bin/env bash
# Kill -9 chaos run of `git scry index` (docs/benchmarks.md, "Commit
# memory", "kill -9 at any moment"):
#
#   scripts/bench/scry-chaos.sh                 # 40 iterations, a random seed
#   ITERATIONS=80 SEED=7 scripts/bench/scry-chaos.sh
#   SCRY=/tmp/old/git-scry scripts/bench/scry-chaos.sh   # another build
#   KEEP=1 scripts/bench/scry-chaos.sh          # keep the work directory
#
# The replayed lefthook history is indexed in one repository (the victim)
# and mirrored into a second one (the reference). Each iteration changes
# the history of both the same way (or not), runs an index command to
# completion in the reference and times it, then runs the same command
# in the victim and kills it with SIGKILL after a random delay between
# nothing and that time (half of the iterations: the last 30% of it, where
# the embedding, the switch of a rebuild and the cache and model writes
# are). Kinds of iteration, in turn:
#
#   full     git scry index --full (a rebuild beside the index)
#   add      3 new commits, then git scry index
#   amend    git commit --amend, a rebase of the last 3 commits, or a
#            deleted branch (commits to prune), then git scry index
#   bg       git scry index --background [--full]; its detached child
#            (the pid it prints) is the one killed
#   grow     a quarter more commits, then git scry index (the built-in
#            embedder retrains and re-embeds every commit)
#   cold     the machine text cache emptied, then --full (it is read and
#            learned again, and written, during the run)
#   shrink   main reset to before the last grow (hundreds of commits to
#            prune), else as amend
#   first    the index deleted, then git scry index (built in place)
#
# Besides the random delays, every point of a table (below: a kind, a
# syscall, the file it touches, which call of that thread) is hit once,
# when strace is installed: the victim runs under strace, which delivers
# SIGKILL as it enters that syscall (the first write of a batch, the
# fsync of a commit, the rename of the cache or of the model, the
# removal of the rebuild's files in the switch, ...). A point the run
# never reaches is counted as such.
#
# Meanwhile (in every kind but first) readers run `git scry` searches in a
# loop, through the kill and the repair. After the kill, `git scry index`
# must exit 0 and a second run must find the index up to date; then
# `git scry stats --json` must count every reachable non-merge commit, all
# embedded, no rebuild pending; 10 queries, lexical and hybrid, must
# return what the reference returns (shas, scores, ranks, embedder, to
# the last digit); PRAGMA integrity_check must say ok; nothing but the
# index's own files may be left beside scry.db or in the machine text
# cache; and every search of the readers must have exited 0 with hits,
# within READER_MAX_MS (default 3000). The summary counts what each kill
# left (a rebuild under way, temp files, no database yet) as the phases it
# hit. Exits 1 on the first failed check, keeping the work directory.
set -euo pipefail
# shellcheck source=scripts/bench/bench-env.sh
. "$(dirname "$0")/bench-env.sh"
cd "$(dirname "$0")/../.."

iters=${ITERATIONS:-40}
seed=${SEED:-$((RANDOM * 32768 + RANDOM))}
reader_max=${READER_MAX_MS:-3000}
RANDOM=$seed
work=$(mktemp -d)
cleanup() { [ -n "${KEEP:-}" ] || rm -rf "$work"; }
trap cleanup EXIT
say() { printf '%s\n' "$*"; }
die() {
	say "FAIL (iteration $it, $kind, seed $seed): $*" >&2
	say "work directory kept: $work" >&2
	trap - EXIT
	exit 1
}

if [ -n "${SCRY:-}" ]; then
	scry=$SCRY
else
	go build -o "$work/bin/" ./cmd/git-scry
	scry=$work/bin/git-scry
fi
mkdir -p "$work/path"
ln -s "$scry" "$work/path/git-scry"
export PATH=$work/path:$PATH
isolate_git "$work"
unset CI

vic=$work/victim ref=$work/reference
go run ./scripts/bench/replay "$vic" 2>/dev/null
# The machine text cache of this run only: "cold" empties it. (Set
# after go has run: it keeps its build cache there too.)
export XDG_CACHE_HOME=$work/xdg
git clone -q "$vic" "$ref"
git -C "$ref" remote remove origin
state=$vic/.git/verdigris
sync_ref() {
	git -C "$ref" fetch -q --prune --update-head-ok "$vic" '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'
	git -C "$ref" reset -q --hard HEAD
}

queries=("parallel" "skip empty files" "windows path separator" "remote hooks config"
	"colored output" "rc file" "staged files" "install hooks" "docker" "bump go version")
answers() { # DIR: every query's hits, both modes, one line each
	local m q
	for m in lexical hybrid; do
		for q in "${queries[@]}"; do
			git -C "$1" scry --json -n 10 --mode "$m" "$q" |
				jq -c --arg q "$q" '[$q, .mode, .embedder, .warning, (.hits | map([.sha, .score, .ranks.lexical, .ranks.semantic]))]'
		done
	done
}

n=0
commit_some() { # DIR COUNT: COUNT commits, each changing a file, with subjects the history has
	local i s
	for ((i = 0; i < $2; i++)); do
		n=$((n + 1))
		s=$(git -C "$1" log --format=%s --skip=$((RANDOM % 1000)) -1)
		printf '%s %d\n' "$s" "$n" >>"$1/chaos-$((n % 7)).txt"
		git -C "$1" add "chaos-$((n % 7)).txt"
		git -C "$1" commit -q -m "$s (again, $n)" -m "Touches chaos-$((n % 7)).txt for the chaos run."
	done
}

grow() { # DIR COUNT: COUNT commits at once (git fast-import), subjects the history has
	local count=$2 i s LC_ALL=C # ${#s}: bytes, as fast-import counts
	{
		for ((i = 0; i < count; i++)); do
			n=$((n + 1))
			s=$(git -C "$1" log --format=%s --skip=$((RANDOM % 1000)) -1)
			s="$s (grown, $n)"
			printf 'commit refs/heads/main\ncommitter Bench <bench@example.com> %d +0000\ndata %d\n%s\n' \
				$((1700000000 + n * 60)) $((${#s} + 1)) "$s"
			[ "$i" = 0 ] && printf 'from refs/heads/main^0\n'
			printf 'M 644 inline grow-%d.txt\ndata %d\n%s\n\n' $((n % 13)) $((${#s} + 1)) "$s"
		done
	} | git -C "$1" fast-import --quiet
	git -C "$1" reset -q --hard main
}

rewrite() { # DIR: commits no ref reaches any more
	case $((RANDOM % 3)) in
	0) git -C "$1" commit -q --amend -m "$(git -C "$1" log --format=%s -1) (amended $RANDOM)" ;;
	1) GIT_COMMITTER_DATE="$((1800000000 + RANDOM)) +0000" git -C "$1" rebase -q --force-rebase HEAD~3 ;;
	2)
		if git -C "$1" rev-parse -q --verify refs/heads/side >/dev/null; then
			git -C "$1" branch -q -D side
		else
			git -C "$1" checkout -q -b side
			commit_some "$1" 2
			git -C "$1" checkout -q main
		fi
		;;
	esac
}

# reader OUT: searches in a loop until OUT.stop exists; "rc ms hits" a line.
reader() {
	local i=0 t0 t1 rc out
	while [ ! -e "$1.stop" ]; do
		local q=${queries[$((i % ${#queries[@]}))]} m=lexical
		[ $((i % 2)) = 1 ] && m=hybrid
		t0=$(now)
		rc=0
		out=$(git -C "$vic" scry --json -n 5 --mode "$m" "$q" 2>&1) || rc=$?
		t1=$(now)
		local hits
		hits=$(jq '.hits | length' <<<"$out" 2>/dev/null) || hits=bad
		printf '%d %d %s\n' "$rc" "$(ms "$t0" "$t1")" "$hits" >>"$1"
		if [ "$rc" != 0 ] || [ "$hits" = bad ] || [ "$hits" = 0 ]; then
			printf '%s (%s): %s\n' "$q" "$m" "$out" >>"$1.bad"
		fi
		i=$((i + 1))
	done
}

leftovers() { # files beside scry.db that are no index's own
	find "$state" -mindepth 1 | sed "s|^$state/||" |
		grep -Ev '^(scry\.db(-wal|-shm)?|scry-cache\.bin|scry-model-builtin-[0-9a-f]+\.bin|scry\.lock|scry\.running|scry\.log(\.1|\.lock)?)$' || true
	find "$XDG_CACHE_HOME/verdigris" -mindepth 1 2>/dev/null | sed "s|^$XDG_CACHE_HOME/||" |
		grep -Ev '^verdigris/scry-machine-(text|space)\.bin(\.lock)?$' || true
}

# What a kill left, before the repair: the phase it hit.
left_by_kill() {
	if [ ! -e "$state/scry.db" ]; then say "no-db"; return; fi
	local l=""
	[ -e "$state/scry-rebuild.db" ] && l="$l rebuild-pending"
	find "$state" "$XDG_CACHE_HOME/verdigris" -name '*.tmp*' 2>/dev/null | grep -q . && l="$l temp-file"
	[ -e "$state/scry-cache.bin" ] || l="$l no-cache"
	local s
	s=$(git -C "$vic" scry stats --json 2>/dev/null) || { say "$l stats-failed"; return; }
	local c e total
	c=$(jq .commits <<<"$s") e=$(jq .embedded <<<"$s")
	total=$(git -C "$vic" rev-list --all --no-merges | wc -l)
	[ "$c" -lt "$total" ] && l="$l commits-missing"
	[ "$e" -lt "$c" ] && l="$l not-embedded"
	say "${l:- complete}"
}

# Both start indexed and identical.
git -C "$vic" scry index -q
git -C "$ref" scry index -q
kinds=(full add amend bg full add grow shrink bg cold add first full amend)
# Kill points: KIND SYSCALL FILE WHEN (FILE in the state directory,
# MODEL the built-in model the reference run left, xdg/ in the machine
# text cache; WHEN counts that thread's calls).
points=(
	"full pwrite64 scry-rebuild.db-wal 1" "full pwrite64 scry-rebuild.db-wal 300"
	"full fsync scry-rebuild.db-wal 1" "full fsync scry-rebuild.db-wal 3"
	"full renameat MODEL 1" "full fsync scry-rebuild.db 1"
	"full pwrite64 scry.db-wal 1" "full pwrite64 scry.db-wal 400"
	"full fsync scry.db-wal 2" "full fsync scry.db 1"
	"full unlink scry-rebuild.db-wal 1" "full unlink scry-rebuild.db-shm 1"
	"full unlinkat scry-cache.bin 1"
	"full renameat scry-cache.bin 1"
	"add pwrite64 scry.db-wal 1" "add fsync scry.db-wal 1" "add renameat scry-cache.bin 1"
	"amend pwrite64 scry.db-wal 1" "amend renameat scry-cache.bin 1"
	"grow renameat MODEL 1" "shrink pwrite64 scry.db-wal 1"
	"first pwrite64 scry.db-wal 1" "first fsync scry.db-wal 1"
	"first renameat MODEL 1" "first renameat scry-cache.bin 1"
	"cold renameat xdg/scry-machine-text.bin 1" "cold renameat xdg/scry-machine-space.bin 1"
)
command -v strace >/dev/null || { say "no strace: the kill points are left out"; points=(); }
declare -A reached
declare -A hit
reads=0 slowest=0
t_start=$(now)
ri=0 pi=0
for ((it = 1; it <= iters + ${#points[@]}; it++)); do
	point=""
	if [ $((it % 2)) = 0 ] && [ "$pi" -lt "${#points[@]}" ] || [ "$ri" -ge "$iters" ]; then
		point=${points[$pi]}
		pi=$((pi + 1))
		kind=${point%% *}
	else
		kind=${kinds[$((ri % ${#kinds[@]}))]}
		ri=$((ri + 1))
	fi
	args=(index -q)
	case $kind in
	full | cold) args+=(--full) ;;
	add) commit_some "$vic" 3 ;;
	amend) rewrite "$vic" ;;
	grow)
		# Past a quarter more than the model learned from: it retrains.
		s=$(git -C "$vic" scry stats --json)
		need=$(($(jq .builtin_model_commits <<<"$s") * 5 / 4 + 10 - $(jq .commits <<<"$s")))
		[ "$need" -lt 10 ] && need=10
		[ "$need" -gt 700 ] && need=700
		git -C "$vic" rev-parse main >"$work/before-grow"
		grow "$vic" "$need"
		;;
	shrink)
		if [ -e "$work/before-grow" ]; then
			git -C "$vic" reset -q --hard "$(cat "$work/before-grow")"
			rm "$work/before-grow"
		else
			rewrite "$vic"
		fi
		;;
	bg) [ $((RANDOM % 2)) = 0 ] && args+=(--full) || commit_some "$vic" 2 ;;
	first) rm -rf "$state" ;;
	esac
	[ "$kind" = cold ] && rm -rf "$XDG_CACHE_HOME/verdigris"
	sync_ref
	[ "$kind" = first ] && rm -rf "$ref/.git/verdigris"
	fargs=("${args[@]}")
	[ "$kind" = bg ] && fargs=(index -q "${args[@]:2}")
	t0=$(now)
	# The reference runs it to completion, with the same machine text cache state.
	git -C "$ref" scry "${fargs[@]}" || die "the reference run failed"
	took=$(ms "$t0" "$(now)")
	[ "$kind" = cold ] && rm -rf "$XDG_CACHE_HOME/verdigris"
	if [ $((RANDOM % 2)) = 0 ]; then
		delay=$((RANDOM % (took + 1)))
	else
		delay=$((took * 7 / 10 + RANDOM % (took * 3 / 10 + took / 20 + 1)))
	fi

	rlog=$work/reader-$it
	rpids=()
	if [ "$kind" != first ]; then
		reader "$rlog.a" &
		rpids+=($!)
		reader "$rlog.b" &
		rpids+=($!)
	fi
	if [ -n "$point" ]; then
		read -r _ sc file when <<<"$point"
		case $file in
		MODEL) file=$(cd "$ref/.git/verdigris" && ls -t scry-model-builtin-*.bin | head -1) path=$state/$file ;;
		xdg/*) path=$XDG_CACHE_HOME/verdigris/${file#xdg/} ;;
		*) path=$state/$file ;;
		esac
		delay="$sc $file #$when"
		rc=0
		# In a shell of its own, which says "Killed" to /dev/null.
		(
			(cd "$vic" && exec strace -f -qq -o /dev/null -P "$path" -e trace="$sc" -e inject="$sc":signal=KILL:when="$when" git-scry "${args[@]}") &
			wait $!
		) 2>/dev/null || rc=$?
		case $rc in
		137) reached[$point]=1 ;;
		0) reached[$point]=${reached[$point]:-0} ;;
		*) die "the run under strace exited $rc" ;;
		esac
	elif [ "$kind" = bg ]; then
		msg=$(git -C "$vic" scry "${args[@]:0:1}" --background "${args[@]:2}" 2>&1)
		pid=$(sed -n 's/.*in the background (pid \([0-9]*\)).*/\1/p' <<<"$msg")
		[ -n "$pid" ] || die "no pid from --background: $msg"
		sleep "$(printf '0.%03d' $((delay % 1000)))"
		sleep $((delay / 1000))
		if grep -qa git-scry "/proc/$pid/cmdline" 2>/dev/null; then kill -9 "$pid"; fi
		while [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do sleep 0.01; done
	else
		# git-scry itself, not git: git runs it as a child that a kill of
		# git would leave running.
		(cd "$vic" && exec git-scry "${args[@]}" 2>/dev/null) &
		pid=$!
		sleep "$(printf '0.%03d' $((delay % 1000)))"
		sleep $((delay / 1000))
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	phase=$(left_by_kill)
	for p in $phase; do hit[$p]=$((${hit[$p]:-0} + 1)); done
	# Readers keep going a moment over what the kill left, then through the repair.
	sleep 0.2
	rc=0
	git -C "$vic" scry index -q 2>"$work/repair.err" || rc=$?
	[ "$rc" = 0 ] || die "the repair run exited $rc: $(cat "$work/repair.err")"
	up=$(git -C "$vic" scry index --json | jq .up_to_date)
	[ "$up" = true ] || die "a second run after the repair was not up to date"
	touch "$rlog.a.stop" "$rlog.b.stop"
	for p in "${rpids[@]}"; do wait "$p"; done

	total=$(git -C "$vic" rev-list --all --no-merges | wc -l)
	s=$(git -C "$vic" scry stats --json)
	[ "$(jq .commits <<<"$s")" = "$total" ] || die "stats counts $(jq .commits <<<"$s") commits, the history has $total"
	[ "$(jq .embedded <<<"$s")" = "$total" ] || die "stats: $(jq .embedded <<<"$s") of $total embedded"
	[ "$(jq .rebuilding <<<"$s")" = false ] || die "a rebuild is still pending"
	[ "$(jq .behind <<<"$s")" = 0 ] || die "stats says the index is behind"
	ok=$(sqlite3 "$state/scry.db" 'PRAGMA integrity_check') || die "integrity_check failed to run"
	[ "$ok" = ok ] || die "integrity_check: $ok"
	answers "$vic" >"$work/got"
	answers "$ref" >"$work/want"
	diff "$work/want" "$work/got" >"$work/answers.diff" || die "answers differ from the reference: $(head -c 2000 "$work/answers.diff")"
	extra=$(leftovers)
	[ -z "$extra" ] || die "left beside the index: $extra"
	for f in "$rlog".a "$rlog".b; do
		[ -e "$f" ] || continue
		reads=$((reads + $(wc -l <"$f")))
		bad=$(awk -v max="$reader_max" '$1 != 0 || $2 > max || $3 == "bad" || $3 == 0' "$f")
		[ -z "$bad" ] || die "a reader failed, blocked or found nothing (rc ms hits): $bad; $(head -c 1000 "$f.bad" 2>/dev/null)"
		m=$(awk 'BEGIN{m=0} $2 > m {m=$2} END{print m}' "$f")
		[ "$m" -gt "$slowest" ] && slowest=$m
	done
	if [ -n "$point" ] && [ "${reached[$point]}" = 0 ]; then
		say "$it $kind: kill point $delay not reached (the run completed); $total commits; ok"
	elif [ -n "$point" ]; then
		say "$it $kind: killed at $delay (the run takes $took ms); left:$phase; $total commits; ok"
	else
		say "$it $kind: killed at ${delay} of ${took} ms; left:$phase; $total commits; ok"
	fi
done
say "seed $seed: $iters random kills and ${#points[@]} kill points in $(($(ms "$t_start" "$(now)") / 1000)) s, all checks passed"
say "$reads searches beside the writers, slowest $slowest ms"
for p in "${!hit[@]}"; do say "  kills that left $p: ${hit[$p]}"; done
for p in "${!reached[@]}"; do [ "${reached[$p]}" = 0 ] && say "  kill point not reached: $p"; done
exit 0
