"""fwlbnet.synflood: packets are valid SYNs, sources public, and a run is paced, bounded and counted."""
import json
import os
import random
import shutil
import socket
import struct
import subprocess

import pytest

from fwlbnet import synflood

PKG = os.path.dirname(os.path.dirname(os.path.abspath(synflood.__file__)))


def test_syn_packet_has_valid_checksums_and_only_syn():
    src, dst = 0x01020304, 0x0a000216
    pkt = synflood.syn_packet(src, dst, 40000, 80, 12345, 7)
    assert synflood.checksum(pkt[:20]) == 0
    tcp = pkt[20:]
    pseudo = struct.pack('!IIBBH', src, dst, 0, socket.IPPROTO_TCP, len(tcp))
    assert synflood.checksum(pseudo + tcp) == 0
    sport, dport, seq, ack, off, flags = struct.unpack('!HHIIBB', tcp[:14])
    assert (sport, dport, seq, ack, off >> 4, flags) == (40000, 80, 12345, 0, 5, 0x02)
    assert struct.unpack('!H', pkt[2:4])[0] == len(pkt)


def test_random_sources_are_public_unicast():
    rnd = random.Random(1)
    seen = {synflood.random_source(rnd) for _ in range(5000)}
    assert len(seen) > 4990
    for ip in seen:
        first = ip >> 24
        assert first not in (0, 10, 127) and first < 224
        assert not synflood.reserved(ip)
    assert synflood.reserved(0x0a000001) and synflood.reserved(0xac1f0001) and not synflood.reserved(0x08080808)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        synflood.flood('127.0.0.1', pps=0, seconds=1)


RECEIVER = r'''
import json, socket, struct
from fwlbnet import synflood
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
# room for every SYN in the socket, so counting after the flood loses none (no reader racing the sender)
r.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)      # SO_RCVBUFFORCE (root)
rep = synflood.flood('127.0.0.1', 9, pps=%(pps)d, seconds=%(seconds)s, rand_source=False)
r.settimeout(0.5)
got = 0
while True:
    try:
        d = r.recv(100)
    except socket.timeout:
        break
    if struct.unpack('!H', d[22:24])[0] == 9 and d[33] == 0x02:
        got += 1
rep['received'] = got
print(json.dumps(rep))
'''


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which('unshare'), reason='needs root (raw sockets, netns)')
def test_flood_is_paced_bounded_and_every_packet_is_sent():
    # in a private network namespace: its loopback receives what the flood sends
    code = RECEIVER % {'pps': 3000, 'seconds': 1.5}
    p = subprocess.run(['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec /usr/bin/python3 -c "$0"', code],
                       capture_output=True, text=True, timeout=30, env=dict(os.environ, PYTHONPATH=PKG))
    assert p.returncode == 0, p.stderr
    rep = json.loads(p.stdout.strip().splitlines()[-1])
    assert rep['errors'] == 0
    assert 0.5 * 4500 <= rep['sent'] <= 4500          # never more than pps * seconds (fewer only if starved of CPU)
    assert abs(rep['pps'] - rep['sent'] / rep['seconds']) < 5
    assert 1.4 <= rep['seconds'] <= 2.5               # stops by itself at its deadline
    assert rep['received'] == rep['sent']


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which('unshare'), reason='needs root (raw sockets, netns)')
def test_cli_random_sources_reports_json():
    p = subprocess.run(['unshare', '-n', 'sh', '-c', 'ip link set lo up && ip route add default dev lo && '
                        'exec /usr/bin/python3 -m fwlbnet.synflood 127.0.0.2 --pps 2000 --seconds 0.5'],
                       capture_output=True, text=True, timeout=30, env=dict(os.environ, PYTHONPATH=PKG))
    assert p.returncode == 0, p.stderr
    rep = json.loads(p.stdout)
    assert 500 <= rep['sent'] + rep['errors'] <= 1000
    assert rep['seconds'] < 2
