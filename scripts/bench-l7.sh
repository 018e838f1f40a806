#!/usr/bin/env bash
# Issue 6 "Numbers": one L7/3 dispatcher with cookie persistence vs HAProxy configured the same way
# (cookie insert indirect, http-reuse always, same servers, same keep-alive, X-Forwarded-For), same
# loopback back-ends, same wrk parameters, side by side in one run.
#
#   scripts/bench-l7.sh    # env: DURATION=20s CONNS=64 THREADS=2 WARMUP=10s POOL=32 ROUNDS=2
#
# Prints requests/s and p50/p99 for both, with and without a cookie, and the ratio. Installs haproxy and
# wrk (Debian packages) if they are missing. Leaves nothing running.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/l7-dispatcher/target/fwlb-l7-dispatcher.jar"
DURATION="${DURATION:-20s}"
CONNS="${CONNS:-64}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-10s}"
POOL="${POOL:-32}"
ROUNDS="${ROUNDS:-2}"
B1=29001; B2=29002; L7=28080; L7_RELAY=28081; L7_CTL=28082; HA=28090
work="$(mktemp -d /tmp/bench-l7.XXXXXX)"
pids=()

cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT

need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "installing $2 (apt)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >/dev/null
    fi
}
need haproxy haproxy
need wrk wrk
need curl curl
if [ ! -f "$jar" ]; then
    (cd "$root" && mvn -B -q -o -pl l7-dispatcher package -DskipTests)   # package: never overwrite ~/.m2
fi

for port in $B1 $B2 $L7 $L7_RELAY $L7_CTL $HA; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
        echo "port $port is in use; stop what uses it first" >&2
        exit 1
    fi
done

wait_port() {
    for _ in $(seq 1 100); do
        (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $1" >&2
    exit 1
}

jvm=(java -Xms128m -Xmx256m -XX:+UseParallelGC)
"${jvm[@]}" -cp "$jar" org.fwlb.l7.bench.BenchBackend --id s1 --port $B1 --threads 1 2>"$work/s1.log" &
pids+=($!)
"${jvm[@]}" -cp "$jar" org.fwlb.l7.bench.BenchBackend --id s2 --port $B2 --threads 1 2>"$work/s2.log" &
pids+=($!)

ctl_token="bench-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"   # the control REST needs a credential
install -m 600 /dev/null "$work/l7.json"   # it holds keys and a control token: the owner only
cat >"$work/l7.json" <<JSON
{"id": "bench",
 "listen": {"ip": "127.0.0.1", "port": $L7}, "relay": {"ip": "127.0.0.1", "port": $L7_RELAY},
 "control": {"ip": "127.0.0.1", "port": $L7_CTL, "tokens": [{"token": "$ctl_token", "role": "read"}]},
 "cookie": {"name": "FWLBSRV", "key": "bench-key-0123456789abcdef"},
 "policy": "round-robin",
 "servers": [{"id": "s1", "ip": "127.0.0.1", "port": $B1}, {"id": "s2", "ip": "127.0.0.1", "port": $B2}],
 "pool": {"maxPerServer": $POOL, "idleMs": 30000},
 "timeouts": {"clientHeaderMs": 10000, "clientIdleMs": 60000, "connectMs": 1000, "responseMs": 10000},
 "health": {"intervalMs": 1000, "kind": "tcp"},
 "workers": 2}
JSON
FWLB_L7_JAVA_OPTS="-Xms256m -Xmx256m -XX:+UseParallelGC -Dio.netty.leakDetection.level=disabled" "$root/l7-dispatcher/bin/fwlb-l7" \
    --config "$work/l7.json" --log-level warn 2>"$work/l7.log" &
pids+=($!)

cat >"$work/haproxy.cfg" <<CFG
global
    nbthread 2
    maxconn 4096
defaults
    mode http
    option http-keep-alive
    option forwardfor
    http-reuse always
    timeout connect 1s
    timeout client 60s
    timeout server 10s
    timeout http-request 10s
    timeout http-keep-alive 60s
frontend fe
    bind 127.0.0.1:$HA
    default_backend be
backend be
    balance roundrobin
    cookie FWLBSRV insert indirect httponly
    server s1 127.0.0.1:$B1 cookie s1 maxconn $POOL check inter 1s
    server s2 127.0.0.1:$B2 cookie s2 maxconn $POOL check inter 1s
CFG
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=($!)

for p in $B1 $B2 $L7 $HA; do wait_port $p; done
sleep 1

# the cookies each proxy hands out, to send back in the "cookie" runs
l7_cookie="$(curl -s -D - -o /dev/null "http://127.0.0.1:$L7/" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(FWLBSRV=[^;]*\).*/\1/p')"
ha_cookie="$(curl -s -D - -o /dev/null "http://127.0.0.1:$HA/" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(FWLBSRV=[^;]*\).*/\1/p')"
[ -n "$l7_cookie" ] && [ -n "$ha_cookie" ] || { echo "no cookie from a proxy (l7='$l7_cookie' haproxy='$ha_cookie')" >&2; exit 1; }

run() { # name url cookie-or-empty duration → "rps p50 p99 errors"
    local args=(-t"$THREADS" -c"$CONNS" -d"$4" --latency)
    [ -n "$3" ] && args+=(-H "Cookie: $3")
    wrk "${args[@]}" "$2" >"$work/$1.wrk" 2>&1
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx/ { err += $NF }
        /Socket errors/ { gsub(",", ""); err += $4 + $6 + $8 + $10 }
        END { printf "%s %.3f %.3f %d\n", rps, p50, p99, err }' "$work/$1.wrk"
}

echo "load before: $(uptime)"
echo "warm-up ($WARMUP each, not measured)"
run warm-l7 "http://127.0.0.1:$L7/" "" "$WARMUP" >/dev/null
run warm-l7c "http://127.0.0.1:$L7/" "$l7_cookie" "$WARMUP" >/dev/null
run warm-ha "http://127.0.0.1:$HA/" "" "$WARMUP" >/dev/null

printf "\nwrk -t%s -c%s -d%s --latency, 2 loopback back-ends (Netty), pool/maxconn %s per server, %s round(s)\n" \
    "$THREADS" "$CONNS" "$DURATION" "$POOL" "$ROUNDS"
printf "%-26s %12s %10s %10s %8s\n" "run" "requests/s" "p50 ms" "p99 ms" "errors"
declare -A SUM
for round in $(seq 1 "$ROUNDS"); do
    # alternate who goes first: the machine's background load drifts
    if [ $((round % 2)) -eq 1 ]; then order="haproxy l7"; else order="l7 haproxy"; fi
    for scenario in nocookie cookie; do
        for who in $order; do
            if [ "$who" = haproxy ]; then url="http://127.0.0.1:$HA/"; c="$ha_cookie"; else url="http://127.0.0.1:$L7/"; c="$l7_cookie"; fi
            [ "$scenario" = nocookie ] && c=""
            read -r rps p50 p99 err < <(run "$who-$scenario-$round" "$url" "$c" "$DURATION")
            SUM[$who-$scenario]=$(awk -v a="${SUM[$who-$scenario]:-0}" -v b="$rps" 'BEGIN { print a + b }')
            printf "%-26s %12s %10s %10s %8s\n" "$who ($scenario) #$round" "$rps" "$p50" "$p99" "$err"
        done
    done
done
echo
for scenario in nocookie cookie; do
    awk -v a="${SUM[l7-$scenario]}" -v b="${SUM[haproxy-$scenario]}" -v s="$scenario" -v n="$ROUNDS" \
        'BEGIN { printf "mean requests/s %-9s l7 %.0f  haproxy %.0f  ratio l7/haproxy %.1f%%\n", s, a / n, b / n, 100 * a / b }'
done
echo "load after: $(uptime)"
curl -s -H "Authorization: Bearer $ctl_token" "http://127.0.0.1:$L7_CTL/stats" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print("l7 server connections opened:", {x["id"]: x["openedTotal"] for x in s["servers"]},
      "requests:", s["requests"], "502/503/504:", s["status502"], s["status503"], s["status504"])'
echo "raw wrk output: $work"
