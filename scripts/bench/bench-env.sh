# shellcheck shell=bash
# Sourced by the benchmark scripts: what every one of them sets up.
#
# isolate_git DIR: git reads a config of its own in DIR and no system or
# user config, so a developer's hooks, signing or templates cannot change
# a figure; commits carry a bench identity, new repositories start on
# main, and tags are not signed.
isolate_git() {
	export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$1/gitconfig
	printf '[user]\n\tname = Bench\n\temail = bench@example.com\n[init]\n\tdefaultBranch = main\n[tag]\n\tgpgSign = false\n' >"$GIT_CONFIG_GLOBAL"
}

# now: nanoseconds; ms T0 T1: the milliseconds between two of them.
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

# pct P: the P-th percentile of the microseconds on stdin, one a line,
# in milliseconds with one decimal.
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p/100+0.5); if (i<1) i=1; printf "%.1f", a[i]/1000}'; }

# queries SET: the questions of a query set (testdata/eval/*.json), one
# a line.
queries() { sed -n 's/^ *"query": "\(.*\)",$/\1/p' "$1"; }

# median: of the numbers on stdin, one or more a line (the mean of the
# middle two for an even count).
median() {
	tr -s '[:blank:]' '\n' | grep -v '^$' | sort -n |
		awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'
}

# ab_builds WORK OLD [NEW]: the two git-scry builds an A/B script
# compares, as absolute paths: a is OLD, b is NEW or, without it, this
# tree built into WORK/bin. Any other number of arguments is a usage
# error.
# shellcheck disable=SC2034 # a and b are the caller's
ab_builds() {
	if [ $# -lt 2 ] || [ $# -gt 3 ]; then
		echo "usage: $0 OLD_GIT_SCRY [NEW_GIT_SCRY]" >&2
		exit 2
	fi
	a=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	if [ $# -ge 3 ]; then
		b=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
	else
		go build -o "$1/bin/" ./cmd/git-scry
		b=$1/bin/git-scry
	fi
}

# heavy_history DIR: the Go distribution's src/ committed a directory
# (two levels deep) at a time, about 260 commits and 40 MB of `git log
# -p`: real code whose diffs dwarf their messages, the other end from the
# replayed histories' small diffs. Needs isolate_git (its identity).
heavy_history() {
	local src d
	src=$(go env GOROOT)/src
	git init -q "$1"
	(cd "$src" && find . -mindepth 1 -maxdepth 2 -type d | LC_ALL=C sort) | while IFS= read -r d; do
		mkdir -p "$1/$d"
		find "$src/$d" -maxdepth 1 -type f -exec cp -p {} "$1/$d/" \;
		git -C "$1" add -A "$d"
		git -C "$1" diff --cached --quiet ||
			git -C "$1" commit -q -m "Import ${d#./} from the Go tree" -m "The package's files as they are in $(go env GOVERSION)."
	done
	git -C "$1" gc -q
}

# realcode_history DIR: a history of real Go code from the module cache
# (downloaded once from the proxy): golang.org/x/sys v0.42.0 committed a
# package directory at a time, then its files as v0.50.0 has them, each
# changed, added or removed file a commit of its own, then
# golang.org/x/tools v0.52.0 under tools/ a package directory at a time.
# About 800 commits of ordinary size and real diffs, nearer a project's
# own history than the replayed corpus (small synthetic diffs) or
# heavy_history (a few huge imports). Needs isolate_git.
realcode_history() {
	local d sys42 sys50 tools p
	sys42=$(go mod download -json golang.org/x/sys@v0.42.0 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	sys50=$(go mod download -json golang.org/x/sys@v0.50.0 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	tools=$(go mod download -json golang.org/x/tools@v0.52.0 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	[ -d "$sys42" ] && [ -d "$sys50" ] && [ -d "$tools" ] || { echo "realcode_history: cannot download golang.org/x/sys or x/tools" >&2 && return 1; }
	git init -q "$1"
	# import SRC PREFIX VERSION: SRC's directories, one commit each.
	import() {
		(cd "$1" && find . -type d | LC_ALL=C sort) | while IFS= read -r d; do
			mkdir -p "$dir/$2$d"
			find "$1/$d" -maxdepth 1 -type f -exec cp {} "$dir/$2$d/" \;
			chmod -R u+w "$dir/$2$d"
			git -C "$dir" add -A "$2$d"
			git -C "$dir" diff --cached --quiet ||
				git -C "$dir" commit -q -m "${2}${d#./}: import from $3"
		done
	}
	local dir=$1
	import "$sys42" "" "golang.org/x/sys v0.42.0"
	# The files as v0.50.0 has them, one commit a file.
	(cd "$dir" && git ls-files -z | xargs -0 rm -f)
	(cd "$sys50" && tar cf - .) | (cd "$dir" && tar xf -)
	chmod -R u+w "$dir"
	git -C "$dir" add -A
	git -C "$dir" diff --cached --name-only | while IFS= read -r p; do
		git -C "$dir" reset -q -- "$p"
	done
	git -C "$dir" status --porcelain -uall | cut -c4- | while IFS= read -r p; do
		git -C "$dir" add -A -- "$p"
		git -C "$dir" commit -q -m "$(dirname "$p"): update $(basename "$p") to golang.org/x/sys v0.50.0"
	done
	import "$tools" "tools/" "golang.org/x/tools v0.52.0"
	git -C "$dir" gc -q
}

# lockfile_history DIR [COMMITS]: a JavaScript monorepo's history of
# dependency bumps (300 commits by default), each changing a 5,000-line
# bun.lock (a fifth of its packages bumped to a new version and
# integrity hash, a third of its lines changed) and three TypeScript
# files under packages/app/src/ (a few lines with a new identifier
# each): commits whose code a lockfile's diff comes before in git's
# path order. Needs isolate_git.
lockfile_history() {
	local i n=${2:-300}
	git init -q "$1"
	mkdir -p "$1/packages/app/src"
	for i in $(seq "$n"); do
		awk -v c="$i" 'BEGIN {
			srand(c)
			split("react lodash babel eslint vite rollup esbuild postcss jest zod axios chalk debug semver yargs glob minimatch typescript prettier webpack", w, " ")
			b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
			print "{\n  \"lockfileVersion\": 1,\n  \"packages\": {"
			for (p = 1; p <= 4996; p++) {
				name = "@" w[p % 20 + 1] "/" w[int(p / 20) % 20 + 1] "-" p
				v = (rand() < 0.2) ? c : 0
				h = ""
				srand(p * 1000 + v)
				for (k = 0; k < 86; k++) h = h substr(b64, int(rand() * 64) + 1, 1)
				srand(c * 7919 + p)
				printf "    \"%s\": [\"%s@1.%d.%d\", \"\", {}, \"sha512-%s==\"],\n", name, name, v, p, h
			}
			print "  }\n}"
		}' >"$1/bun.lock"
		for f in session router store; do
			printf 'export function %sStep%d(input: string): string {\n  return input + "%d";\n}\n' "$f" "$i" "$i" >>"$1/packages/app/src/$f.ts"
		done
		git -C "$1" add -A
		git -C "$1" commit -q -m "Bump dependencies ($i)"
	done
	git -C "$1" gc -q
}

# generated_history DIR [COMMITS]: a TypeScript monorepo's history of
# API changes (300 commits by default), each regenerating a client from
# its OpenAPI spec (packages/api-client/src/sdk.gen.ts and types.gen.ts,
# 3,600 lines: a fifth of the 600 operations given new field names by
# each version of the spec, as many given back the old) and its GraphQL
# types (packages/api-graphql/src/graphql.ts, 1,000 lines, marked
# linguist-generated in .gitattributes), and changing three TypeScript
# files under packages/app/src/ (a few lines with a new identifier
# each): commits whose code generated files' diffs come before in git's
# path order. Needs isolate_git.
generated_history() {
	local i n=${2:-300} d=$1/packages
	git init -q "$1"
	mkdir -p "$d/api-client/src" "$d/api-graphql/src" "$d/app/src"
	printf 'packages/api-graphql/src/** linguist-generated\n' >"$1/.gitattributes"
	for i in $(seq "$n"); do
		awk -v c="$i" -v sdk="$d/api-client/src/sdk.gen.ts" -v types="$d/api-client/src/types.gen.ts" -v gql="$d/api-graphql/src/graphql.ts" '
		# name(k): k in letters, as a generator derives names from a
		# spec: one word to the index.
		function name(k, s) {
			s = ""
			do {
				s = substr("abcdefghijklmnopqrstuvwxyz", k % 26 + 1, 1) s
				k = int(k / 26)
			} while (k > 0)
			return s
		}
		# field(p, v, j): the j-th field of operation p in version v
		# of the spec (0: the first).
		function field(p, v, j) { return name(500000 + (p * 3 + j) * 7919 + v * 104729) }
		BEGIN {
			srand(c)
			split("account billing catalog customer invoice order payment product refund shipment subscription team token user webhook widget", w, " ")
			split("Create Delete Get List Patch Update", verb, " ")
			print "// This file is auto-generated by @hey-api/openapi-ts" >sdk
			print "// This file is auto-generated by @hey-api/openapi-ts" >types
			for (p = 0; p < 600; p++) {
				T = verb[p % 6 + 1] w[int(p / 6) % 16 + 1] name(p + 700)
				op = tolower(substr(T, 1, 1)) substr(T, 2)
				v = (rand() < 0.2) ? c : 0
				a = field(p, v, 0); b = field(p, v, 1); e = field(p, v, 2)
				printf "export const %s = (options: Options<%sData>) =>\n  (options.client ?? client).post<%sResponse>({ url: \"/%s/{%sId}\", ...options });\n", op, T, T, op, a >sdk
				printf "export type %sData = {\n  body: { %sId: string; %sLimit?: number };\n};\nexport type %sResponse = { %s: %sItem[] };\n", T, a, b, T, e, T >types
			}
			print "/* eslint-disable */" >gql
			for (p = 0; p < 250; p++) {
				T = w[p % 16 + 1] name(p + 700)
				v = (rand() < 0.2) ? c : 0
				printf "export type Gql%sFragment = {\n  __typename?: \"%s\";\n  %sField: Scalars[\"String\"][\"output\"];\n};\n", T, T, field(p + 600, v, 0) >gql
			}
		}'
		for f in session router store; do
			printf 'export function %sStep%d(input: string): string {\n  return input + "%d";\n}\n' "$f" "$i" "$i" >>"$d/app/src/$f.ts"
		done
		git -C "$1" add -A
		git -C "$1" commit -q -m "Regenerate the API client ($i)"
	done
	git -C "$1" gc -q
}
