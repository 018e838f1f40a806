#!/usr/bin/env bash
# -----------------------------------------------------------------------------------------------
# scripts/setup.sh      (`make setup`; first step of `make test` and `make demo`)
#
# Makes a fresh Debian 12 box (root) ready to build and test fwlb. Idempotent: installs only what
# is missing (apt-get update only then), so a second run is quick and changes nothing.
#   - build/test toolchain: JDK 17 (javac), Maven, python3, unzip, zip, OpenSSH client (the Karaf
#     install check talks to Karaf over ssh), git, coreutils `timeout`;
#   - then scripts/setup-net.sh (Mininet, Open vSwitch userspace datapath, pytest, load tools), if
#     present.
# Env: SKIP_APT=1 never call apt-get (fail instead if something is missing); SKIP_NET=1 skip
#      setup-net.sh (build-only boxes).
# -----------------------------------------------------------------------------------------------
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

say() { echo "setup: $*"; }
die() { echo "setup: ERROR: $*" >&2; exit 1; }

# command -> Debian package providing it
NEEDS=(
    "javac:openjdk-17-jdk-headless"
    "mvn:maven"
    "python3:python3"
    "unzip:unzip"
    "zip:zip"
    "ssh:openssh-client"
    "ssh-keygen:openssh-client"
    "git:git"
    "timeout:coreutils"
    "sha256sum:coreutils"
    "chromium:chromium"            # the operations page e2e test drives it headless (DevTools protocol)
)
missing=()
for n in "${NEEDS[@]}"; do
    c=${n%%:*}; p=${n#*:}
    command -v "$c" >/dev/null 2>&1 || missing+=("$p")
done
# a JDK other than 17 first on PATH would compile for the wrong platform
if command -v javac >/dev/null 2>&1; then
    jv=$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')
    [ "${jv:-0}" -ge 17 ] || missing+=("openjdk-17-jdk-headless")
fi
if [ ${#missing[@]} -gt 0 ]; then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    [ "${SKIP_APT:-0}" != 1 ] || die "missing packages and SKIP_APT=1: ${missing[*]}"
    [ "$(id -u)" = 0 ] || die "missing packages (${missing[*]}); run as root to install them"
    say "installing ${missing[*]}"
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
jv=$(javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p')
[ "${jv:-0}" -ge 17 ] || die "javac 17 or newer needed, found: $(javac -version 2>&1)"
say "toolchain: $(javac -version 2>&1), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), $(python3 --version 2>&1)"

if [ "${SKIP_NET:-0}" = 1 ]; then
    say "SKIP_NET=1: Mininet/OVS setup skipped"
elif [ -x "$HERE/setup-net.sh" ] || [ -f "$HERE/setup-net.sh" ]; then
    bash "$HERE/setup-net.sh"
    say "Mininet/OVS ready (scripts/setup-net.sh)"
else
    say "scripts/setup-net.sh not present yet: Mininet/OVS setup skipped"
fi
say "done"
