#!/bin/bash
# Every test: the mocha suites (core, patch layer, simulator + SPIN, LSP over stdio, Neovim) and the
# end-to-end suite in a real VS Code host (code-server + Chromium). Prints one closing line with the totals.
# Needs the tools of scripts/install-test-tools.sh and `npm ci` first.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp -d)
status=0

npm test 2>&1 | tee "$log/unit.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# The editor host installs code-server and drives Chromium: bounded, so a hang there still ends the run.
timeout --kill-after=30 15m npm run --silent test:e2e 2>&1 | tee "$log/e2e.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# The last "N passed, N failed" line of each part, summed.
read -r passed failed < <(for f in "$log"/unit.txt "$log"/e2e.txt; do
  grep -E '^([A-Za-z-]+: )?[0-9]+ passed, [0-9]+ failed' "$f" | tail -n 1
done | sed -E 's/^[A-Za-z-]+: //' | awk -F'[ ,]+' '{p += $1; f += $3} END {print p + 0, f + 0}')
if [ "$status" -ne 0 ] && [ "${failed:-0}" -eq 0 ]; then failed=1; fi  # a part that crashed before counting
echo
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
