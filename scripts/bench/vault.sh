#!/usr/bin/env bash
# Vault benchmarks, each as a ratio against a baseline run in the same
# invocation (variants interleaved, so machine noise hits them alike):
#
#   1. `git vault run -- true` overhead vs a bare exec and `sops exec-env`
#   2. decrypting 50 secrets: `git vault export` vs `sops -d` and `age -d`
#   3. `git vault guard --range` vs `gitleaks git` on the same range: the
#      replayed lefthook history (1,152 commits) plus planted secrets
#
#   scripts/bench/vault.sh [RUNS]            (default 20; guard uses RUNS/4)
#
# Comparison tools come from PATH or $(go env GOPATH)/bin: Debian age
# (apt-get install age), sops v3.13.3 and gitleaks v8.30.1 (go install
# github.com/getsops/sops/v3/cmd/sops@v3.13.3,
# github.com/zricethezav/gitleaks/v8@v8.30.1). A missing tool's rows are
# skipped.
set -euo pipefail
# shellcheck source=scripts/bench/bench-env.sh
. "$(dirname "$0")/bench-env.sh"
runs=${1:-20}
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'git-vault agent stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

bin=$work/bin
(cd "$src" && go build -o "$bin/" ./cmd/git-vault)
gopath=$(go env GOPATH)
export PATH="$bin:$PATH:$gopath/bin"
export XDG_CONFIG_HOME=$work/config XDG_RUNTIME_DIR=$work/run
isolate_git "$work"
unset VERDIGRIS_IDENTITY
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
have() { command -v "$1" >/dev/null 2>&1; }

declare -A times
# measure N NAME CMD...: one timed run appended to NAME's samples (µs)
sample() {
	local name=$1
	shift
	local t0 t1
	t0=$(now)
	"$@" >/dev/null 2>&1 || { echo "bench: $name failed: $*" >&2; exit 1; }
	t1=$(now)
	times[$name]+="$(((t1 - t0) / 1000)) "
}
report() { # report TITLE BASE NAME...
	local title=$1 base=$2
	shift 2
	local b
	b=$(echo "${times[$base]}" | median)
	printf '\n%s\n%-28s %12s %10s\n' "$title" variant 'median (ms)' "ratio"
	for v in "$base" "$@"; do
		[ -n "${times[$v]:-}" ] || continue
		m=$(echo "${times[$v]}" | median)
		awk -v n="$v" -v m="$m" -v b="$b" 'BEGIN {printf "%-28s %12.2f %9.2fx\n", n, m/1000, m/b}'
	done
}

# One identity for every tool: an age X25519 key.
mkdir -p "$XDG_CONFIG_HOME/verdigris" && chmod 700 "$XDG_CONFIG_HOME/verdigris"
repo=$work/repo
git init -q "$repo"
cd "$repo"
git vault init >"$work/pub" 2>/dev/null
key=$XDG_CONFIG_HOME/verdigris/identity.txt
pub=$(cat "$work/pub")
: >"$work/plain.env"
printf '' >"$work/plain.yaml"
for i in $(seq -w 1 50); do
	v=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
	printf '%s' "$v" | git vault set "secret-$i" --stdin 2>/dev/null
	printf 'SECRET_%s=%s\n' "$i" "$v" >>"$work/plain.env"
	printf 'SECRET_%s: %s\n' "$i" "$v" >>"$work/plain.yaml"
done
git add -A && git commit -qm vault
if have age; then age -r "$pub" -o "$work/secrets.env.age" "$work/plain.env"; fi
if have sops; then
	SOPS_AGE_RECIPIENTS=$pub sops encrypt --age "$pub" "$work/plain.yaml" >"$work/secrets.enc.yaml" 2>/dev/null
	export SOPS_AGE_KEY_FILE=$key
fi
rm -f "$work/plain.env" "$work/plain.yaml"

echo "vault benchmarks: $runs runs each; git-vault $(git-vault --version | awk '{print $2}')" \
	"$(have sops && sops --version 2>/dev/null | head -1 | awk '{print "· sops", $2}')" \
	"$(have age && echo "· age $(age --version)")" \
	"$(have gitleaks && echo "· gitleaks $(go version -m "$(command -v gitleaks)" | awk '$1 == "mod" {print $3}')")"

for ((i = 0; i < runs; i++)); do
	sample 'exec true' /bin/true
	sample 'git vault run -- true' git vault run -- /bin/true
	if have sops; then sample 'sops exec-env true' sops exec-env "$work/secrets.enc.yaml" /bin/true; fi
done
report '1. run a command with 50 secrets in its environment' 'exec true' 'git vault run -- true' 'sops exec-env true'

for ((i = 0; i < runs; i++)); do
	if have age; then sample 'age -d (50 secrets)' age -d -i "$key" "$work/secrets.env.age"; fi
	sample 'git vault export (50)' git vault export
	if have sops; then sample 'sops -d (50)' sops decrypt "$work/secrets.enc.yaml"; fi
done
if have age; then base='age -d (50 secrets)'; else base='git vault export (50)'; fi
report '2. decrypt 50 secrets' "$base" 'git vault export (50)' 'sops -d (50)'

# 3. guard vs gitleaks on the replayed lefthook history with planted
# secrets: a vault value (raw and base64), and five credential patterns.
hist=$work/lefthook
(cd "$src" && go run ./scripts/bench/replay "$hist") 2>/dev/null
cp -r "$repo/.verdigris" "$hist/"
cd "$hist"
root=$(git rev-list --max-parents=0 HEAD)
val=$(git vault get secret-01)
{
	echo "db_url = postgres://app:$val@db/app"
	printf '%s' "$val" | base64
	echo 'aws_access_key_id = AKIAZ3MQ7R2X4VWTY5PL'
	echo 'token: ghp_R4nd0mT0k3nV4lu3AbCdEfGhIjKlMnOpQrSt'
	echo '-----BEGIN OPENSSH PRIVATE KEY-----'
	echo 'slack = "xoxb-2048-9a8b7c6d5e4f-AbCdEfGhIjKl"'
	echo 'stripe = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"'
} >planted.txt
git add -A && git commit -qm 'planted secrets'
commits=$(git rev-list --count "$root..HEAD")
gruns=$(((runs + 3) / 4))
for ((i = 0; i < gruns; i++)); do
	sample 'git vault guard' sh -c "git vault guard --range $root..HEAD >/dev/null; [ \$? -eq 1 ]"
	if have gitleaks; then sample 'gitleaks git' gitleaks git --no-banner --log-opts="$root..HEAD" --exit-code 0 --report-path "$work/gl.json" .; fi
done
report "3. scan $commits commits for secrets" 'git vault guard' 'gitleaks git'
found=$(git vault guard --range "$root..HEAD" 2>/dev/null | grep -c '^planted.txt' || true)
printf '\nfindings in planted.txt (7 planted: vault value raw + base64, AWS, GitHub, private key, Slack, Stripe):\n'
printf '  git vault guard: %s\n' "$found"
if have gitleaks; then
	gitleaks git --no-banner --log-opts="$root..HEAD" --exit-code 0 --report-format json --report-path "$work/gl.json" . >/dev/null 2>&1
	printf '  gitleaks git:    %s\n' "$(grep -c '"File": "planted.txt"' "$work/gl.json" || true)"
fi
