#!/usr/bin/env bash
# JMH benchmarks of the SYN decision (issue 2 "Benchmark", issue 5 "Numbers"): builds the benchmark jar
# and runs, on one thread,
#   SynDecisionBenchmark        FIG 1: parse -> policy among 3 firewalls -> connection pinned -> rules
#   HierarchyDecisionBenchmark  FIG 8 (the Mininet preset's netcfg), the dispatch application's real
#                               packet path (DispatchPacketProcessor -> StagePlacer -> StageRules): a SYN
#                               decision at the first stage d1 (L4/2: next stage, path, rule, SYN out with
#                               the path tag), at the second stage d2c (L4/3: tag, server, forward + reply
#                               rules), and both for one connection; throughput only (batches of 1000)
#   DecisionStepsBenchmark      the FIG 1 decision taken apart, step by step (ns and bytes per step)
# for every policy and both connection-table back ends (plain objects / Kryo-serialized as in ONOS),
# then prints decisions/s, allocation per decision and p50/p99/p99.9 latency per benchmark and parameter.
#
# usage: scripts/bench-decisions.sh            (about 45 minutes on the 2-core box)
#   BENCH_JMH="-f 1 -wi 6 -w 3s -i 5 -r 3s"    JMH options of the decision benchmarks (default shown)
#   BENCH_INCLUDE='SynDecisionBenchmark'       which decision benchmarks (JMH regexp; default both)
#   BENCH_PARAMS="-p policy=round-robin"       extra JMH options, e.g. restrict the parameters
#   BENCH_STEPS=0                              skip the step breakdown
#   BENCH_BUILD=0                              use the jar already built
#   BENCH_NICE=-10                             run the JVMs at this nice level (root only), so that
#                                              other work on a shared box does not take the core
#   MVN_FLAGS=                                 let Maven download (default -o: offline, ~/.m2 only)
# Output: build/bench/decisions.json, build/bench/steps.json (JMH JSON), build/bench/summary.txt.
#
# Settings, and why: 1 fork; 6 x 3 s warm-up: the path is deep (ONOS flow-rule builders, Kryo) and
# with 2 s x 3 the throughput was still rising in the measured iterations; 5 x 3 s measured; 1 thread
# (the target is per core; the 2nd core runs GC and JIT threads). Throughput (ops/s) and
# SampleTime (latency percentiles) are separate runs of the same code (separate methods). -prof gc adds
# bytes allocated per operation. The forked JVM gets a fixed 2 GB heap and the --add-opens Kryo 4 needs
# on JDK 17 (@Fork in the classes). Every run fails if a single decision was not made in full.
# The numbers move with other load on the box: the summary shows the load average before and after.
# The hierarchy benchmarks also count the measuring thread's CPU time: "per CPU-s" = decisions per second
# of CPU actually used, the per-core figure when the box is shared (wall-clock decisions/s undercount
# then). Their alloc B/op includes the untimed per-batch set-up (the sandwich's placement of each connection).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/build/bench"
JAR="$ROOT/bench/target/benchmarks.jar"
MVN="${MVN:-mvn}"
MVN_FLAGS="${MVN_FLAGS--o}"
BENCH_JMH="${BENCH_JMH:--f 1 -wi 6 -w 3s -i 5 -r 3s}"
BENCH_INCLUDE="${BENCH_INCLUDE:-(SynDecisionBenchmark|HierarchyDecisionBenchmark)}"
BENCH_PARAMS="${BENCH_PARAMS:-}"
JAVA="${JAVA:-java}"
RUN=()
if [ -n "${BENCH_NICE:-}" ]; then
    RUN=(nice -n "$BENCH_NICE")
fi

mkdir -p "$OUT"

if [ "${BENCH_BUILD:-1}" != 0 ]; then
    echo "bench: building app, fwlb-app, bench (tests compiled, not run: the core's test-jar carries the"
    echo "       example configs the benchmarks load)"
    # shellcheck disable=SC2086
    "$MVN" $MVN_FLAGS -q -B -Dstyle.color=never -pl app,fwlb-app,bench -am package -DskipTests
fi
[ -f "$JAR" ] || { echo "bench: $JAR missing (build failed?)" >&2; exit 1; }

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: $(nproc) cores, load average $LOAD_BEFORE, nice ${BENCH_NICE:-0}, $("$JAVA" -version 2>&1 | head -1)"

# shellcheck disable=SC2086
"${RUN[@]}" "$JAVA" -jar "$JAR" "$BENCH_INCLUDE" $BENCH_JMH -t 1 $BENCH_PARAMS -prof gc \
    -rf json -rff "$OUT/decisions.json" 2>&1 | grep -v '^SLF4J' | tee "$OUT/decisions.log"

if [ "${BENCH_STEPS:-1}" != 0 ]; then
    # shellcheck disable=SC2086
    "${RUN[@]}" "$JAVA" -jar "$JAR" 'DecisionStepsBenchmark' -t 1 -prof gc -rf json -rff "$OUT/steps.json" 2>&1 \
        | grep -v '^SLF4J' | tee "$OUT/steps.log"
fi
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$OUT" "$LOAD_BEFORE" "$LOAD_AFTER" "${BENCH_NICE:-0}" <<'EOF' | tee "$OUT/summary.txt"
import json, os, sys

out, load_before, load_after, nice = sys.argv[1:5]

def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else []

KIND = {
    'SynDecisionBenchmark.decisions': ('sandwich FIG %(fig)s', 'thrpt'),
    'SynDecisionBenchmark.latency': ('sandwich FIG %(fig)s', 'sample'),
    'HierarchyDecisionBenchmark.firstStage': ('FIG 8 stage d1', 'thrpt'),
    'HierarchyDecisionBenchmark.secondStage': ('FIG 8 stage d2c', 'thrpt'),
    'HierarchyDecisionBenchmark.twoStages': ('FIG 8 d1+d2c', 'thrpt'),
}

rows = {}
for r in load('decisions.json'):
    name = r['benchmark'].replace('org.fwlb.bench.', '')
    if name not in KIND:
        continue
    params = r.get('params', {})
    label, mode = KIND[name]
    label = label % {'fig': params.get('fig', '')}
    key = (label, params.get('policy', ''), params.get('store', ''))
    row = rows.setdefault(key, {})
    pm = r['primaryMetric']
    if mode == 'thrpt':
        row['ops'] = pm['score']
        row['err'] = pm['scoreError']
        secs = r.get('secondaryMetrics', {})
        sec = secs.get('gc.alloc.rate.norm')
        if sec:
            row['bytes'] = sec['score']
        if secs.get('cpuNanos') and secs.get('cpuOps') and secs['cpuNanos']['score'] > 0:
            row['cpu'] = secs['cpuOps']['score'] / secs['cpuNanos']['score'] * 1e9
    else:
        pct = pm['scorePercentiles']
        row['p50'], row['p99'], row['p999'] = pct['50.0'], pct['99.0'], pct['99.9']

def f(v, fmt):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return '-'
    return '-' if v != v else fmt % v

print()
print('SYN decisions, one thread (JMH); load average before %s, after %s; nice %s'
      % (load_before, load_after, nice))
hdr = '%-17s %-21s %-6s %12s %9s %11s %10s %9s %9s %10s' % (
    'benchmark', 'policy', 'store', 'decisions/s', '+-', 'per CPU-s', 'alloc B/op', 'p50 us', 'p99 us', 'p99.9 us')
print(hdr)
print('-' * len(hdr))
order = ['round-robin', 'weighted-round-robin', 'least-connections', 'least-packets', 'static-hash']
for key in sorted(rows, key=lambda k: (k[0], k[2], order.index(k[1]) if k[1] in order else 9)):
    row = rows[key]
    print('%-17s %-21s %-6s %12s %9s %11s %10s %9s %9s %10s' % (
        key[0], key[1], key[2], f(row.get('ops'), '%.0f'), f(row.get('err'), '%.0f'), f(row.get('cpu'), '%.0f'),
        f(row.get('bytes'), '%.0f'), f(row.get('p50'), '%.2f'), f(row.get('p99'), '%.2f'),
        f(row.get('p999'), '%.2f')))

steps = load('steps.json')
if steps:
    print()
    print('FIG 1 decision step by step (DecisionStepsBenchmark, average time per call)')
    hdr = '%-20s %-22s %10s %9s %10s' % ('step', 'param', 'ns', '+-', 'alloc B')
    print(hdr)
    print('-' * len(hdr))
    for r in steps:
        name = r['benchmark'].rsplit('.', 1)[1]
        params = r.get('params', {})
        param = params.get('policy') or params.get('store') or ''
        sec = r.get('secondaryMetrics', {}).get('gc.alloc.rate.norm')
        print('%-20s %-22s %10s %9s %10s' % (name, param, f(r['primaryMetric']['score'], '%.0f'),
                                             f(r['primaryMetric']['scoreError'], '%.0f'),
                                             f(sec['score'] if sec else None, '%.0f')))
print()
print('JSON: %s/decisions.json %s/steps.json' % (out, out))
EOF
