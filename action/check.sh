#!/usr/bin/env bash
# The check step of the tokenplan action (action.yml): `tokenplan check` on a committed usage profile,
# its Markdown report appended to the job summary, and the step failing when a limit is broken (exit 1)
# or the input is bad (exit 2). Inputs arrive as ACTION_* variables, never spliced into the script.
set -uo pipefail

tokenplan="${ACTION_TOKENPLAN:-tokenplan}"
args=(check --profile "$ACTION_PROFILE" --tier "$ACTION_TIER" --cycle "${ACTION_CYCLE:-monthly}")
[[ -n "${ACTION_MAX_UTILIZATION:-}" ]] && args+=(--max-utilization "$ACTION_MAX_UTILIZATION")
[[ -n "${ACTION_MAX_RISK:-}" ]] && args+=(--max-risk "$ACTION_MAX_RISK")
[[ -n "${ACTION_CURRENCY:-}" ]] && args+=(--currency "$ACTION_CURRENCY")
[[ -n "${ACTION_RATES:-}" ]] && args+=(--rates "$ACTION_RATES")

summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
report=$(mktemp)
trap 'rm -f "$report"' EXIT
"$tokenplan" "${args[@]}" --format markdown >"$report"
code=$?
cat "$report" >>"$summary"
cat "$report"
echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"
case $code in
    0) ;;
    1) echo "::error title=tokenplan check::the usage in $ACTION_PROFILE breaks a limit of the $ACTION_TIER plan (the job summary says which)" ;;
    *) echo "::error title=tokenplan check::tokenplan could not check (exit $code): the line above says why" ;;
esac
exit "$code"
