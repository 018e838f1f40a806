#!/usr/bin/env bash
# -----------------------------------------------------------------------------------------------
# scripts/run-e2e.sh [--counts FILE]     (`make e2e`; part of `make test`)
#
# Runs the Python end-to-end suites with Mininet's interpreter (/usr/bin/python3 -m pytest):
# mininet-topos/tests and tests/e2e, each if its directory exists. An absent directory is skipped
# (said plainly); a suite directory that exists but runs 0 tests FAILS, so does a suite that cannot
# be collected. Needs root (Mininet), the built runtime (`make build`), pytest (`make setup`).
# Output lines are prefixed "[e2e] " (so pytest's own "N passed" line is never taken for the
# summary of `make test`). --counts FILE receives "PASSED FAILED".
# Env: E2E_TIMEOUT seconds per suite (default 1800), PYTEST_ARGS extra pytest arguments.
# -----------------------------------------------------------------------------------------------
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PY=/usr/bin/python3
# a missing precondition (root, OVS, the built runtime) is an error here, not a suite of skipped tests
export FWLB_E2E_REQUIRED=1
COUNTS=
[ "${1:-}" = "--counts" ] && COUNTS=$2
OUT=$ROOT/build/e2e
mkdir -p "$OUT"
SUITES=(mininet-topos/tests tests/e2e)

passed=0; failed=0; ran=0
add() { passed=$((passed + $1)); failed=$((failed + $2)); }
cd "$ROOT"
for s in "${SUITES[@]}"; do
    if [ ! -d "$s" ]; then
        echo "[e2e] $s: not present (no suite yet) - skipped"
        continue
    fi
    ran=1
    if ! "$PY" -c 'import pytest' 2>/dev/null; then
        echo "[e2e] $s: FAIL - pytest is not installed for $PY (run 'make setup')"
        add 0 1; continue
    fi
    xml=$OUT/$(echo "$s" | tr '/' '_').xml
    rm -f "$xml"
    echo "[e2e] === $s"
    # shellcheck disable=SC2086
    timeout --kill-after=30 "${E2E_TIMEOUT:-1800}" "$PY" -m pytest -p no:cacheprovider -o junit_family=xunit2 \
        --junitxml="$xml" -rfEs ${PYTEST_ARGS:-} "$s" 2>&1 | sed -u 's/^/[e2e] /'
    rc=${PIPESTATUS[0]}
    if [ ! -s "$xml" ]; then
        echo "[e2e] $s: FAIL - pytest exit $rc and no results (timeout 124/137, crash or usage error)"
        add 0 1; continue
    fi
    read -r t f e sk < <("$PY" - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
suites = [r] if r.tag == 'testsuite' else r.findall('testsuite')
tot = [sum(int(su.get(k, 0)) for su in suites) for k in ('tests', 'failures', 'errors', 'skipped')]
print(*tot)
PY
)
    p=$((t - f - e - sk))
    echo "[e2e] $s: $t collected, $p passed, $f failed, $e errors, $sk skipped (pytest exit $rc)"
    add "$p" $((f + e))
    if [ $((t - sk)) -eq 0 ]; then
        echo "[e2e] $s: FAIL - the suite exists but executed 0 tests"
        add 0 1
    elif [ "$rc" -ne 0 ] && [ $((f + e)) -eq 0 ]; then
        echo "[e2e] $s: FAIL - pytest exit $rc"
        add 0 1
    fi
done
[ "$ran" = 1 ] || echo "[e2e] no end-to-end suite exists yet"
[ -z "$COUNTS" ] || echo "$passed $failed" > "$COUNTS"
echo "[e2e] total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
