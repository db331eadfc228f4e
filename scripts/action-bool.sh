#!/usr/bin/env bash
# The one rule for the true/false inputs of verdigris's actions, run by
# each action's first step over all of them:
#
#   action-bool.sh NAME=VALUE...
#
# A value is true or false in any case, with blanks and line breaks around
# it ignored (a YAML block scalar ends in one); each is written to
# GITHUB_OUTPUT as NAME=true or NAME=false, and later steps read those
# outputs, never the inputs: an if: comparing the input itself ignores its
# case but not its blanks, and would take another path than this check
# allowed. Anything else (empty too) is an error annotation naming the
# input and its value, for every bad one, and the step fails before any
# step the values decide on. Plain bash 3.2 (macOS runners): no ${v,,}.
set -euo pipefail

status=0
for pair in "$@"; do
	name=${pair%%=*} value=${pair#*=}
	v=${value#"${value%%[![:space:]]*}"}
	v=${v%"${v##*[![:space:]]}"}
	case $v in
	[Tt][Rr][Uu][Ee]) printf '%s=true\n' "$name" >>"$GITHUB_OUTPUT" ;;
	[Ff][Aa][Ll][Ss][Ee]) printf '%s=false\n' "$name" >>"$GITHUB_OUTPUT" ;;
	*)
		# Workflow-command encoded: a line break in the value would start
		# a command of its own.
		v=${value//%/%25} v=${v//$'\r'/%0D} v=${v//$'\n'/%0A}
		printf '::error::input %s must be true or false, not "%s" (use true or false, in any case)\n' "$name" "$v"
		status=1
		;;
	esac
done
exit "$status"
