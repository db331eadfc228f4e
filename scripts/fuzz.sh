#!/usr/bin/env bash
# Short fuzzing runs of the parsers that read what users and CI hand us:
# toolchain.toml's fuzz set, which the scheduled fuzz workflow runs. The
# seed corpora already run with every `go test ./...`; these runs look
# further, and each target's instrumented build costs minutes on a cold
# machine, so they are kept out of the ci set that every push runs.
#
# Budgets are execution counts, not durations: Go 1.26's fuzz coordinator
# can fail a duration-bounded run with a spurious "context deadline
# exceeded" on a loaded machine (golang/go#75804, fixed in Go 1.27).
# FUZZ_EXECS sets every run's count.
set -euo pipefail
cd "$(dirname "$0")/.."

fuzz() {
	printf 'fuzz: %s %s\n' "$1" "$2" >&2
	go test -run '^$' -fuzz "^$2\$" -fuzztime "${FUZZ_EXECS:-$3}x" "$1"
}
fuzz ./internal/session FuzzParse 100000
fuzz ./internal/vault FuzzParseSecrets 20000
fuzz ./internal/vault FuzzParseKeyFile 20000
fuzz ./internal/vault FuzzParseRecipients 20000
fuzz ./internal/vault FuzzParseIgnore 20000
fuzz ./internal/vault FuzzMasker 20000
fuzz ./internal/ghaction FuzzEnvFileInjection 20000
fuzz ./internal/ghaction FuzzEnvRecord 20000
fuzz ./internal/release FuzzPackageLock 20000
fuzz ./internal/release FuzzCargo 20000
