#!/bin/bash
# Ready a Debian 12 box for the fwlb Mininet harness (mininet-topos/). Idempotent; run as root.
# Quiet on success; on failure prints what failed (and the captured output) and exits non-zero.
#
#   scripts/setup-net.sh            install packages (if missing), start OVS, remove stale fwlb leftovers
#   SKIP_APT=1 scripts/setup-net.sh skip the package step (offline box that already has everything)
#
# Never runs `mn -c` (it kills processes machine-wide and deletes every OVS bridge): only what the
# harness owns (bridges/interfaces named with its prefix, marked processes, fwlb-* netns) is removed.
set -uo pipefail
export DEBIAN_FRONTEND=noninteractive
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG="$(mktemp /tmp/fwlb-setup-net.XXXXXX)"
trap 'rm -f "$LOG"' EXIT

fail() {
  echo "setup-net: FAILED: $1" >&2
  if [ -s "$LOG" ]; then echo "---- output ----" >&2; tail -n 60 "$LOG" >&2; fi
  exit 1
}
run() { "$@" >>"$LOG" 2>&1; }

[ "$(id -u)" = 0 ] || fail "must run as root"

# 1. Packages (only the missing ones; apt-get update only when something is missing).
PKGS="mininet openvswitch-switch iproute2 iputils-ping ethtool nftables conntrack curl tcpdump
      apache2-utils wrk openssl python3-yaml python3-matplotlib python3-pytest python3-pyftpdlib python3-prometheus-client hping3
      util-linux procps"
if [ "${SKIP_APT:-0}" != 1 ]; then
  missing=""
  for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    run apt-get update -q || fail "apt-get update"
    run apt-get install -y -q --no-install-recommends $missing || fail "apt-get install$missing"
  fi
fi
for b in ovs-vsctl ovs-ofctl mnexec nsenter nft conntrack ab wrk curl ethtool openssl; do
  command -v "$b" >/dev/null 2>&1 || fail "required command '$b' not found"
done
/usr/bin/python3 -c 'import mininet.net, yaml' >>"$LOG" 2>&1 || fail "/usr/bin/python3 cannot import mininet/yaml"

# 2. Open vSwitch with the userspace datapath (no kernel module here: bridges use datapath_type=netdev).
if ! ovs-vsctl --timeout=5 show >/dev/null 2>&1; then
  # Expected noise: "Kernel has no loadable module support", "ulimit: error setting limit".
  run /usr/share/openvswitch/scripts/ovs-ctl start --system-id=random || fail "ovs-ctl start"
fi
run ovs-vsctl --timeout=30 show || fail "ovsdb not answering after start"
pgrep -x ovs-vswitchd >/dev/null || fail "ovs-vswitchd is not running"

# 3. IPv6 off for interfaces created later in the root namespace (switch-side veths): no RS/MLD noise.
run sysctl -qw net.ipv6.conf.default.disable_ipv6=1 || fail "sysctl net.ipv6.conf.default.disable_ipv6"

# 4. Stale leftovers of earlier (killed) runs: only what the harness owns.
run env PYTHONPATH="$HERE/../mininet-topos" /usr/bin/python3 -m fwlbnet cleanup --quiet \
  || fail "fwlbnet cleanup"
exit 0
