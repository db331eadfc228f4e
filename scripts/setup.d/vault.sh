#!/usr/bin/env bash
# Vault setup: in a repository that uses git vault, make sure this machine
# has an identity, and print its public key for a recipient to add. The
# repository is the one install.sh was run from, from any directory in it.
# A failure here never fails the install: doctor, which runs next, says
# what is missing.
set -uo pipefail
say() { printf 'install: setup: %s: %s\n' "${STEP:-vault}" "$*" >&2; }
vault=$BINDIR/git-vault
[ -x "$vault" ] || exit 0
top=$(git rev-parse --show-toplevel 2>/dev/null) || exit 0
[ -d "$top/.verdigris/vault" ] || exit 0
[ -z "${VERDIGRIS_IDENTITY:-}" ] || exit 0
# Where git vault looks (internal/userdir: a relative XDG_CONFIG_HOME or
# HOME is ignored). With neither (HOME unset, the install given PREFIX)
# the step ended in bash's "HOME: unbound variable", which stopped the
# install before doctor.
config=${XDG_CONFIG_HOME:-}
case $config in /*) ;; *) config=${HOME:-} && config=${config:+$config/.config} ;; esac
case $config in
/*) ;;
*)
	say "HOME is not set (to an absolute path): no identity can be found or made on this machine; set HOME and run git vault init here, or pass --identity FILE to git vault"
	exit 0
	;;
esac
if [ ! -e "$config/verdigris/identity.txt" ]; then
	say "no identity on this machine: making one with git vault init"
	(cd "$top" && "$vault" init) ||
		say "git vault init failed (see above); run it again once that is fixed"
fi
exit 0
