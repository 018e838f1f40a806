"""Lifecycle: up/down from the shell and the API leave nothing behind; stale bridges do not
break a new run; every preset builds, connects its L2 segments and stops in seconds."""
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import fwlbnet

pytestmark = pytest.mark.ovs
PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(*args, timeout=120):
    return subprocess.run([sys.executable, '-m', 'fwlbnet'] + list(args), cwd=PKG, capture_output=True,
                          text=True, timeout=timeout)


def test_cli_up_exec_down(owned_leftovers):
    t = time.time()
    p = cli('up', 'fig1', '--controller', 'none')
    assert p.returncode == 0, p.stderr
    up_s = time.time() - t
    try:
        assert 'fig1 up: 10 hosts, 2 switches, controller none' in p.stdout
        st = cli('status', 'fig1', '--json')
        assert st.returncode == 0
        doc = json.loads(st.stdout)['fwlb']
        assert doc['name'] == 'fig1' and doc['up'] and doc['mode'] == 'daemon'
        assert cli('up', 'fig1', '--controller', 'none').stdout.startswith('fig1 is already up')
        busy = cli('up', 'fig2', '--controller', 'none')
        assert busy.returncode == 1 and 'held by fig1' in busy.stderr
        e = cli('exec', 'fig1', 'c1', '--', 'ip', '-o', '-4', 'addr', 'show', 'c1-eth0')
        assert e.returncode == 0 and '10.0.1.11/24' in e.stdout
        e = cli('exec', 'fig1', 'srv1', 'curl -s http://127.0.0.1/; exit 7')
        assert e.returncode == 7 and e.stdout == 'srv1\n'
        # named netns for anyone's shell
        n = subprocess.run(['ip', 'netns', 'exec', 'fwlb-pc1', 'ip', '-o', '-4', 'addr'], capture_output=True, text=True)
        assert '10.0.2.11/24' in n.stdout
        # drive it from another process through the API
        a = fwlbnet.attach('fig1')
        a.set_route('c1', '10.0.2.0/24', '10.0.1.1')
        a.set_route('srv1', 'default', '10.0.2.1')
        assert a.curl('c1', 'http://10.0.2.21/') == (200, 'srv1\n')
        assert a.fw_counters('fw1')['in_web']['packets'] == 1
        with pytest.raises(fwlbnet.NetError, match='already up'):
            fwlbnet.Net('fig1', controller='none').start()
    finally:
        t = time.time()
        d = cli('down', 'fig1')
        down_s = time.time() - t
    assert d.returncode == 0 and d.stdout.startswith('fig1 down'), d.stdout + d.stderr
    assert owned_leftovers() == []
    assert cli('status', 'fig1').returncode == 3
    print('cli up %.2fs down %.2fs' % (up_s, down_s))
    assert up_s < 30 and down_s < 30


def test_holder_killed_then_down_cleans(owned_leftovers):
    assert cli('up', 'fig2', '--controller', 'none').returncode == 0
    holder = fwlbnet.read_state('fwlb')['holder']
    os.kill(holder, signal.SIGKILL)                       # no net.stop(): everything is left behind
    time.sleep(0.3)
    assert owned_leftovers() != []
    d = cli('down', 'fig2')
    assert d.returncode == 0, d.stderr
    assert owned_leftovers() == []


def test_teardown_script_always_safe(owned_leftovers):
    script = os.path.join(os.path.dirname(PKG), 'scripts', 'teardown-net.sh')
    assert cli('up', 'fig5', '--controller', 'none').returncode == 0
    p = subprocess.run(['bash', script], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stdout == '' and p.stderr == ''
    assert owned_leftovers() == []
    p = subprocess.run(['bash', script], capture_output=True, text=True, timeout=120)   # nothing up: still fine
    assert p.returncode == 0


def test_api_stops_on_exception(owned_leftovers):
    with pytest.raises(RuntimeError, match='boom'):
        with fwlbnet.Net('fig6', controller='none') as net:
            assert net.curl('pc1', 'http://10.0.2.21/') == (200, 'srv1\n')
            raise RuntimeError('boom')
    assert owned_leftovers() == []


def test_stale_bridge_is_replaced(owned_leftovers):
    """A bridge left by a killed run (same name, port bound to a dead interface) must not survive."""
    subprocess.run(['ovs-vsctl', 'add-br', 'fwlbso', '--', 'set', 'bridge', 'fwlbso', 'datapath_type=netdev',
                    '--', 'add-port', 'fwlbso', 'fwlbso-eth11', '--', 'set', 'interface', 'fwlbso-eth11',
                    'ofport_request=11'], check=True, capture_output=True)
    with fwlbnet.Net('fig1', controller='none') as net:
        assert net.ping('c1', '10.0.1.1').ok                     # c1 is on port 11 of so
        assert net.ping('c1', '10.0.1.12').ok
    assert owned_leftovers() == []


def test_bad_controller_address_is_refused():
    with pytest.raises(fwlbnet.SpecError, match='controller: "nowhere"'):
        fwlbnet.Net('fig1', controller='nowhere')


def test_controller_configuration():
    """Controlled switches point at the given controller (OpenFlow 1.3, userspace datapath,
    reconnect backoff 1 s); standalone ones have none. Nothing listens there: not connected."""
    with fwlbnet.Net('fig7', controller=('127.0.0.1', 16653)) as net:
        for name, sw in net.spec.switches.items():
            br = sw.bridge
            get = lambda *a: subprocess.run(['ovs-vsctl', 'get'] + list(a), capture_output=True, text=True).stdout.strip()
            assert get('bridge', br, 'datapath_type') == 'netdev'
            assert get('bridge', br, 'protocols') == '[OpenFlow13]'
            assert get('bridge', br, 'other_config:datapath-id') == '"%s"' % sw.dpid
            ctl = subprocess.run(['ovs-vsctl', 'get-controller', br], capture_output=True, text=True).stdout.strip()
            if sw.controlled:
                assert ctl == 'tcp:127.0.0.1:16653' and get('bridge', br, 'fail_mode') == 'secure'
            else:
                assert ctl == '' and get('bridge', br, 'fail_mode') == 'standalone'
        assert net.connected_switches() == set()
        with pytest.raises(fwlbnet.NetError, match='not connected to the controller'):
            net.wait_connected(0.5)
        # the port numbers and MACs of the spec are the switch's OpenFlow ports
        show = subprocess.run(['ovs-ofctl', '-O', 'OpenFlow13', 'show', 'fwlbso'], capture_output=True, text=True).stdout
        assert ' 1(fwlbso-eth1): addr:0e:00:00:0f:01:01' in show and ' 11(fwlbso-eth11)' in show
        assert net.cmd('fw1', 'cat /sys/class/net/fw1-eth1/address || ip -o link show fw1-eth1').find('02:fb:00:02:00:01') >= 0


def _l2_pairs(spec):
    """(host, ip) pairs to ping: from the first host, every interface in its subnet that is on its
    L2 segment (switches connected)."""
    src = next(iter(spec.hosts.values()))
    s_itf = src.intfs[0]
    out = []
    for h in spec.hosts.values():
        for itf in h.intfs:
            if h is not src and itf.ip.network == s_itf.ip.network and spec.connected(itf.switch, s_itf.switch):
                out.append(str(itf.ip.ip))
    return src.name, out


@pytest.mark.parametrize('preset', fwlbnet.list_presets())
def test_preset_builds_and_connects(preset, owned_leftovers):
    t = time.time()
    with fwlbnet.Net(preset, controller='none') as net:
        up = time.time() - t
        src, targets = _l2_pairs(net.spec)
        assert targets
        with ThreadPoolExecutor(8) as ex:
            res = list(ex.map(lambda ip: (ip, net.ping(src, ip, count=1, timeout=2).ok), targets))
        assert [ip for ip, ok in res if not ok] == []
        for h in net.spec.hosts.values():
            want = {d.port for d in h.daemons}
            assert want <= net.host(h.name).listening(), h.name
            got = net.run(h.name, ['ip', '-o', '-4', 'addr', 'show', 'dev', 'lo']).stdout
            assert all(str(v) in got for v in h.vips)
            v6 = net.run(h.name, ['sysctl', '-n', 'net.ipv6.conf.all.disable_ipv6']).stdout.strip()
            assert v6 == '1'
            for itf in h.intfs:
                off = net.run(h.name, ['ethtool', '-k', itf.name]).stdout
                assert 'tx-checksumming: off' in off, (h.name, itf.name)
    total = time.time() - t
    print('%s: up %.2fs, up+checks+down %.2fs' % (preset, up, total))
    assert up < 20 and net.timings['stop'] < 15
    assert owned_leftovers() == []


class _HelloController:
    """The least an OpenFlow 1.3 controller must do for OVS to count a connection: HELLO, and
    ECHO replies. Records the datapath of each switch (FEATURES_REPLY)."""

    def __init__(self):
        import socket
        import threading
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.dpids = set()
        self.stop = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        import threading
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(c,), daemon=True).start()

    def serve(self, c):
        import struct
        c.sendall(struct.pack('!BBHI', 4, 0, 8, 1))                       # HELLO
        c.sendall(struct.pack('!BBHI', 4, 5, 8, 2))                       # FEATURES_REQUEST
        buf = b''
        try:
            while not self.stop:
                d = c.recv(65536)
                if not d:
                    return
                buf += d
                while len(buf) >= 8:
                    ver, typ, ln, xid = struct.unpack('!BBHI', buf[:8])
                    if len(buf) < ln:
                        break
                    body, buf = buf[8:ln], buf[ln:]
                    if typ == 2:                                              # ECHO_REQUEST
                        c.sendall(struct.pack('!BBHI', 4, 3, ln, xid) + body)
                    elif typ == 6:                                            # FEATURES_REPLY
                        self.dpids.add('%016x' % struct.unpack('!Q', body[:8])[0])
        except OSError:
            return
        finally:
            c.close()

    def close(self):
        self.stop = True
        self.sock.close()


def test_switches_connect_to_the_controller(owned_leftovers):
    """Controlled switches connect to the controller address given to Net (OpenFlow 1.3) and announce
    the spec's datapath ids; standalone ones do not connect."""
    ctl = _HelloController()
    try:
        with fwlbnet.Net('fig7', controller=('127.0.0.1', ctl.port), wait_connected=20) as net:
            want = {n for n, s in net.spec.switches.items() if s.controlled}
            assert net.connected_switches() == want
            deadline = time.time() + 10
            while ctl.dpids != {net.spec.switches[n].dpid for n in want} and time.time() < deadline:
                time.sleep(0.1)
            assert ctl.dpids == {net.spec.switches[n].dpid for n in want}
            # secure fail mode, no flows from a controller yet: nothing forwards on so
            assert not net.ping('c1', '10.0.1.1', timeout=1).ok
            # standalone fabric forwards on its own
            assert net.ping('pc1', '10.0.2.12').ok
    finally:
        ctl.close()
    assert owned_leftovers() == []
