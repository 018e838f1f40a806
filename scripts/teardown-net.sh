#!/bin/bash
# Stop every fwlb Mininet topology and remove what the harness owns: its holder processes (after
# they ran net.stop()), the processes it started in hosts, OVS bridges and root-namespace interfaces
# named with its prefix, and its named network namespaces (fwlb-*). Always safe to run, also when
# nothing is up or OVS is not running; never touches anything else (no `mn -c`). Exit code 0.
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[ "$(id -u)" = 0 ] || { echo "teardown-net: must run as root" >&2; exit 0; }
env PYTHONPATH="$HERE/../mininet-topos" /usr/bin/python3 -m fwlbnet cleanup --quiet "$@" \
  || echo "teardown-net: cleanup reported a problem (see above)" >&2
exit 0
