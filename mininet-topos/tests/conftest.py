"""Self-tests of the harness. Run: /usr/bin/python3 -m pytest mininet-topos/tests
Tests marked `ovs` build real topologies (root, Open vSwitch running: scripts/setup-net.sh)."""
import os
import shutil
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import fwlbnet  # noqa: E402


def _ovs_ready():
    if os.geteuid() != 0 or shutil.which('ovs-vsctl') is None:
        return 'needs root and Open vSwitch'
    if subprocess.run(['ovs-vsctl', '--timeout=5', 'show'], capture_output=True).returncode != 0:
        return 'Open vSwitch is not running (scripts/setup-net.sh)'
    return None


def pytest_configure(config):
    config.addinivalue_line('markers', 'ovs: builds a real Mininet/OVS topology')


def pytest_collection_modifyitems(config, items):
    why = _ovs_ready()
    if why:
        for it in items:
            if 'ovs' in it.keywords:
                it.add_marker(pytest.mark.skip(reason=why))


@pytest.fixture
def owned_leftovers():
    """Returns a function listing what the harness owns that still exists (for prefix fwlb)."""
    def check(prefix='fwlb'):
        left = []
        brs = subprocess.run(['ovs-vsctl', 'list-br'], capture_output=True, text=True).stdout.split()
        left += ['bridge ' + b for b in brs if b.startswith(prefix)]
        ns = subprocess.run(['ip', 'netns', 'list'], capture_output=True, text=True).stdout.split('\n')
        left += ['netns ' + n.split()[0] for n in ns if n.startswith(prefix + '-')]
        links = subprocess.run(['ip', '-o', 'link'], capture_output=True, text=True).stdout
        left += ['link ' + ln.split(':')[1].strip() for ln in links.splitlines()
                 if ln.split(':')[1].strip().startswith(prefix)]
        left += ['pid %d' % p for p in fwlbnet.net.marked_pids(prefix)]
        if os.path.exists(fwlbnet.net.state_path(prefix)):
            left.append('state file')
        return left
    return check


class Timer:
    def __init__(self):
        self.t0 = time.time()

    def __call__(self):
        return time.time() - self.t0
