#!/usr/bin/env bash
# JMH benchmarks of the connection engine (fwlb-core, org.fwlb.engine), end to end in one JVM: a raw SYN as a
# packet-in -> EnginePacketProcessor -> ConnectionInstaller.onSyn -> PathPlanner -> the connection pinned in the
# table (DistributedConnectionStore on an in-memory ConsistentMap: plain objects, or Kryo-serialized as in ONOS)
# -> the flow rules built (PathRules) and confirmed at once -> markOpening -> the SYN's packet-out; each
# operation also ends the oldest of `live` connections through Lifecycle.end (rules rebuilt and removed). Runs,
# on one thread:
#   SynDecisionBenchmark        FIG 1 (firewall choice, 2 rules) and FIG 6 (firewall + server at one punt, 3 rules)
#   HierarchyDecisionBenchmark  FIG 8 (Mininet preset): wholePath = firewall, d1 and second stage decided at the
#                               sandwich's punt, 5 rules in one batch; perStage = perStageDecisions, three punts
#                               (so, d1, second stage) per connection
# for every policy and both connection-table back ends, then the table's retained heap per live connection at
# 1,000,000 connections (TableFootprint, JOL), and prints decisions/s, per CPU-second of the measuring thread,
# bytes allocated per decision (-prof gc), p50/p99/p99.9 (SynDecisionBenchmark.latency), bytes per entry.
#
# usage: scripts/bench-decisions.sh            (the full matrix: about 40 minutes on the 2-core box)
#   BENCH_JMH="-f 1 -wi 4 -w 2s -i 5 -r 2s"    JMH options (default shown)
#   BENCH_INCLUDE='SynDecisionBenchmark'       which benchmarks (JMH regexp; default both classes)
#   BENCH_PARAMS="-p policy=round-robin"       extra JMH options, e.g. restrict the parameters;
#                                              "-p end=ruleRemoved": SynDecisionBenchmark ends connections as
#                                              production does (RULE_REMOVED of the origin rule) instead of
#                                              Lifecycle.end
#   BENCH_FOOTPRINT=0                          skip the footprint; BENCH_FOOTPRINT_LIVE=1000000 its size
#   BENCH_PROFILE=1                            also profile FIG 1 round-robin plain with JFR and print the hot
#                                              methods and allocation sites (bench/jfr-top.py)
#   BENCH_BUILD=0                              use the jar already built
#   BENCH_NICE=-10                             run the JVMs at this nice level (root only)
#   MVN_FLAGS=                                 let Maven download (default -o: offline, ~/.m2 only)
# Output: build/bench/decisions.json (JMH JSON), footprint.txt, profile.txt, summary.txt.
#
# Settings, and why: 1 fork, 1 thread (the target is per core; the 2nd core runs GC and JIT); 4 x 2 s warm-up;
# 5 x 2 s measured. Throughput (ops/s) and SampleTime (latency percentiles) are separate runs of the same code.
# The forked JVM gets a fixed 2 GB heap and the --add-opens Kryo 4 needs on JDK 17 (@Fork in the classes; a
# -jvmArgsAppend on the command line REPLACES them, pass them again if you use one). Every run fails if a single
# decision was not made in full (set-up and trial checks). The numbers move with other load on the box: the
# summary shows the load average before and after; "per CPU-s" = decisions per second of CPU the measuring
# thread actually got (GC and JIT threads not included), the per-core figure when the box is shared.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/build/bench"
JAR="$ROOT/bench/target/benchmarks.jar"
MVN="${MVN:-mvn}"
MVN_FLAGS="${MVN_FLAGS--o}"
BENCH_JMH="${BENCH_JMH:--f 1 -wi 4 -w 2s -i 5 -r 2s}"
BENCH_INCLUDE="${BENCH_INCLUDE:-(SynDecisionBenchmark|HierarchyDecisionBenchmark)}"
BENCH_PARAMS="${BENCH_PARAMS:-}"
FOOTPRINT_LIVE="${BENCH_FOOTPRINT_LIVE:-1000000}"
JAVA="${JAVA:-java}"
OPENS=(--add-opens java.base/java.lang.invoke=ALL-UNNAMED --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED
       --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED
       --add-opens java.base/java.util.concurrent=ALL-UNNAMED --add-opens java.base/java.net=ALL-UNNAMED
       --add-opens java.base/java.nio=ALL-UNNAMED)
RUN=()
if [ -n "${BENCH_NICE:-}" ]; then
    RUN=(nice -n "$BENCH_NICE")
fi

mkdir -p "$OUT"
rm -f "$OUT/decisions.json" "$OUT/footprint.txt" "$OUT/profile.txt"

if [ "${BENCH_BUILD:-1}" != 0 ]; then
    echo "bench: building fwlb-core and bench (tests compiled, not run: the core's test-jar carries the"
    echo "       example configs the benchmarks load)"
    # shellcheck disable=SC2086
    "$MVN" $MVN_FLAGS -q -B -Dstyle.color=never -pl bench -am package -DskipTests
fi
[ -f "$JAR" ] || { echo "bench: $JAR missing (build failed?)" >&2; exit 1; }

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: $(nproc) cores, load average $LOAD_BEFORE, nice ${BENCH_NICE:-0}, $("$JAVA" -version 2>&1 | head -1)"

# shellcheck disable=SC2086
"${RUN[@]}" "$JAVA" -jar "$JAR" "$BENCH_INCLUDE" $BENCH_JMH -t 1 $BENCH_PARAMS -prof gc \
    -rf json -rff "$OUT/decisions.json" 2>&1 | grep -v '^SLF4J' | tee "$OUT/decisions.log"
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${BENCH_FOOTPRINT:-1}" != 0 ]; then
    echo "bench: connection table footprint at $FOOTPRINT_LIVE connections (load $(cut -d' ' -f1-3 /proc/loadavg))"
    "${RUN[@]}" "$JAVA" "${OPENS[@]}" -Xms8g -Xmx8g -Djdk.attach.allowAttachSelf=true -cp "$JAR" \
        org.fwlb.bench.TableFootprint --live "$FOOTPRINT_LIVE" --classes 20000 2>&1 \
        | grep -v '^SLF4J\|^#' | tee "$OUT/footprint.txt"
fi

if [ "${BENCH_PROFILE:-0}" != 0 ]; then
    echo "bench: JFR profile of SynDecisionBenchmark.decisions, FIG 1, round robin, plain (load $(cut -d' ' -f1-3 /proc/loadavg))"
    rm -rf "$OUT/jfr"
    "${RUN[@]}" "$JAVA" -jar "$JAR" 'SynDecisionBenchmark.decisions' -p fig=1 -p policy=round-robin -p store=plain \
        -f 1 -wi 4 -w 2s -i 5 -r 4s -t 1 -prof "jfr:configName=profile;dir=$OUT/jfr" 2>&1 \
        | grep -v '^SLF4J' | tail -5
    python3 "$ROOT/bench/jfr-top.py" "$(find "$OUT/jfr" -name '*.jfr' | head -1)" --top 15 | tee "$OUT/profile.txt"
fi

python3 - "$OUT" "$LOAD_BEFORE" "$LOAD_AFTER" "${BENCH_NICE:-0}" <<'EOF' | tee "$OUT/summary.txt"
import json, os, sys

out, load_before, load_after, nice = sys.argv[1:5]

def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else []

KIND = {
    'SynDecisionBenchmark.decisions': ('sandwich FIG %(fig)s', 'thrpt'),
    'SynDecisionBenchmark.latency': ('sandwich FIG %(fig)s', 'sample'),
    'HierarchyDecisionBenchmark.wholePath': ('FIG 8 whole path', 'thrpt'),
    'HierarchyDecisionBenchmark.perStage': ('FIG 8 per stage', 'thrpt'),
}

rows = {}
for r in load('decisions.json'):
    name = r['benchmark'].replace('org.fwlb.bench.', '')
    if name not in KIND:
        continue
    params = r.get('params', {})
    label, mode = KIND[name]
    label = label % {'fig': params.get('fig', '')}
    if params.get('end', 'lifecycle') != 'lifecycle':
        label += ' ' + params['end']
    key = (label, params.get('policy', ''), params.get('store', ''))
    row = rows.setdefault(key, {})
    pm = r['primaryMetric']
    secs = r.get('secondaryMetrics', {})
    if mode == 'thrpt':
        row['ops'] = pm['score']
        row['err'] = pm['scoreError']
        if secs.get('gc.alloc.rate.norm'):
            row['bytes'] = secs['gc.alloc.rate.norm']['score']
        if secs.get('cpuNanos') and secs.get('cpuOps') and secs['cpuNanos']['score'] > 0:
            row['cpu'] = secs['cpuOps']['score'] / secs['cpuNanos']['score'] * 1e9
    else:
        pct = pm['scorePercentiles']
        row['p50'], row['p99'], row['p999'] = pct['50.0'], pct['99.0'], pct['99.9']
        if 'bytes' not in row and secs.get('gc.alloc.rate.norm'):
            row['bytes'] = secs['gc.alloc.rate.norm']['score']

def f(v, fmt):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return '-'
    return '-' if v != v else fmt % v

print()
print('Connections decided per second, one thread (JMH); one operation = one new connection (FIG 8 per stage: three')
print('punts) + the oldest of the live ones ended; load average before %s, after %s; nice %s'
      % (load_before, load_after, nice))
hdr = '%-30s %-21s %-6s %12s %9s %11s %10s %9s %9s %10s' % (
    'benchmark', 'policy', 'store', 'decisions/s', '+-', 'per CPU-s', 'alloc B/op', 'p50 us', 'p99 us', 'p99.9 us')
print(hdr)
print('-' * len(hdr))
order = ['round-robin', 'weighted-round-robin', 'least-connections', 'least-packets', 'static-hash']
for key in sorted(rows, key=lambda k: (k[0], k[2], order.index(k[1]) if k[1] in order else 9)):
    row = rows[key]
    print('%-30s %-21s %-6s %12s %9s %11s %10s %9s %9s %10s' % (
        key[0], key[1], key[2], f(row.get('ops'), '%.0f'), f(row.get('err'), '%.0f'), f(row.get('cpu'), '%.0f'),
        f(row.get('bytes'), '%.0f'), f(row.get('p50'), '%.2f'), f(row.get('p99'), '%.2f'),
        f(row.get('p999'), '%.2f')))
for name in ('footprint.txt', 'profile.txt'):
    p = os.path.join(out, name)
    if os.path.exists(p):
        print()
        print(open(p).read().rstrip())
print()
print('JSON: %s/decisions.json' % out)
EOF
