"""Parsers of tool outputs (recorded samples in tests/data) and the firewall ruleset."""
import os
import shutil
import subprocess

import pytest

import fwlbnet
from fwlbnet import firewall, tools

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')


def read(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def test_parse_ab_ok_with_gnuplot():
    r = tools.parse_ab(read('ab_ok.txt'), 200, read('ab_ok.tsv'))
    assert (r.completed, r.failed, r.non2xx) == (200, 0, 0)
    assert r.rps == pytest.approx(2900.69)
    assert r.duration == pytest.approx(0.069)
    assert set(r.connect) == {'p50', 'p90', 'p99', 'max'} and r.connect['p50'] == 0
    assert r.latency['p50'] == 1 and r.ok


def test_parse_ab_failures():
    r = tools.parse_ab(read('ab_fail.txt'), 300)
    assert r.completed == 300
    assert r.failures == {'connect': 0, 'receive': 4, 'length': 9, 'exceptions': 3}
    assert r.failed == 7            # length mismatches do not count (ab -l)
    assert r.non2xx == 2
    assert r.latency == {'p50': 3, 'p90': 6, 'p99': 1020, 'max': 3011}
    assert not r.ok
    r = tools.parse_ab(read('ab_503.txt'), 50)
    assert r.non2xx == 50 and not r.ok


def test_parse_ab_nothing():
    r = tools.parse_ab('apr_socket_recv: Connection refused (111)\n', 5, None, 111)
    assert r.completed == 0 and not r.ok


def test_parse_wrk():
    r = tools.parse_wrk(read('wrk_ok.txt'))
    assert r.completed == 42606 and r.duration == pytest.approx(2.0)
    assert r.rps == pytest.approx(21292.26)
    assert r.latency['p50'] == pytest.approx(0.174) and r.latency['p99'] == pytest.approx(2.36)
    assert r.latency['max'] == pytest.approx(10.48)
    assert r.failed == 0 and r.non2xx == 0 and r.ok
    r = tools.parse_wrk(read('wrk_404.txt'))
    assert r.non2xx == 2861 and not r.ok
    r = tools.parse_wrk(read('wrk_err.txt'))
    assert r.failures == {'connect': 3, 'read': 1, 'write': 0, 'timeout': 12} and r.failed == 16
    assert r.latency['max'] == 1200.0


def test_parse_flows():
    f = tools.parse_flows(read('flows.txt'))
    assert len(f) == 4
    assert f[0]['priority'] == 100 and f[0]['n_packets'] == 5022 and f[0]['match']['in_port'] == '1'
    assert f[0]['match']['tcp'] is True and f[0]['actions'].endswith('IN_PORT')
    assert f[1]['cookie'] == 0x10000000000a1 and f[1]['idle_timeout'] == 10
    assert f[1]['flags'] == ['send_flow_rem'] and f[1]['priority'] == 30000
    assert f[1]['match']['tp_dst'] == '40000'
    assert f[2]['priority'] == 32768 and f[2]['hard_timeout'] == 30 and f[2]['match'] == {'arp': True, 'arp_tpa': '10.0.2.254'}
    assert f[3]['table'] == 1 and f[3]['match'] == {} and f[3]['actions'] == 'NORMAL'


def test_parse_ports():
    p = tools.parse_port_stats(read('ports.txt'))
    assert set(p) == {'LOCAL', 1, 12}
    assert p[1]['rx_packets'] == 1510 and p[1]['tx_bytes'] == 125809
    assert p[12]['rx_dropped'] == 1 and p[12]['rx_errors'] == 2 and p['LOCAL']['tx_dropped'] == 4


def test_parse_conntrack():
    c = firewall.parse_conntrack(read('conntrack.txt'))
    assert len(c) == 3
    assert c[0]['state'] == 'TIME_WAIT' and c[0]['src'] == '10.0.1.11' and c[0]['dport'] == 80
    assert c[0]['reply'] == {'src': '10.0.2.21', 'dst': '10.0.1.11', 'sport': 80, 'dport': 45678}
    assert c[0]['assured'] and not c[0]['unreplied']
    assert c[2]['unreplied'] and c[2]['state'] == 'SYN_SENT' and c[2]['sport'] == 40001


def test_parse_ping():
    p = tools.parse_ping(read('ping.txt'))
    assert (p.sent, p.received) == (3, 2) and p.rtt_avg == pytest.approx(1.055) and not p.ok
    assert p.loss == pytest.approx(1 / 3)


def test_curl_w():
    assert tools.parse_curl_w('200 1000 1.5', 1000, 0).ok
    assert not tools.parse_curl_w('200 600 1.5', 1000, 18).ok
    assert not tools.parse_curl_w('', 1000, 7).ok


def test_percentile():
    assert tools.percentile([], 50) is None
    v = list(range(1, 101))
    assert tools.percentile(v, 50) == 50 and tools.percentile(v, 99) == 99 and tools.percentile(v, 100) == 100
    assert tools.percentile([5], 99) == 5


def test_parse_nft_counters():
    j = ('{"nftables": [{"metainfo": {"version": "1.0.6"}}, {"counter": {"family": "inet", "name": "invalid", '
         '"table": "fwlb", "handle": 2, "packets": 3, "bytes": 180}}, {"counter": {"family": "inet", '
         '"name": "other", "table": "x", "packets": 9, "bytes": 9}}]}')
    assert firewall.parse_counters(j) == {'invalid': {'packets': 3, 'bytes': 180}}


def test_ruleset_shape():
    spec = fwlbnet.load_spec('fig1')
    fw = spec.hosts['fw1']
    text = firewall.ruleset(fw.policy, 'fw1-eth0', 'fw1-eth1')
    assert text.startswith('flush ruleset\ntable inet fwlb {')
    assert 'ct state invalid counter name "invalid" drop' in text
    assert ('iifname "fw1-eth0" oifname "fw1-eth1" tcp flags & (fin|syn|rst|ack) == syn tcp dport { 21, '
            '30000-30099 } ct state new counter name "in_ftp" accept') in text
    assert 'iifname "fw1-eth1" oifname "fw1-eth0" tcp flags & (fin|syn|rst|ack) == syn tcp dport 80 ct state new' in text
    assert text.rstrip().endswith('counter name "dropped" drop\n  }\n}')


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which('unshare'), reason='needs root')
@pytest.mark.parametrize('preset', [p for p in fwlbnet.list_presets() if fwlbnet.load_spec(p).firewalls])
def test_ruleset_loads(preset, tmp_path):
    """nftables accepts every firewall's ruleset (loaded in a throw-away network namespace)."""
    spec = fwlbnet.load_spec(preset)
    for fw in spec.firewalls:
        path = tmp_path / (fw.name + '.nft')
        path.write_text(firewall.ruleset(fw.policy, fw.outside.name, fw.inside.name))
        # iifname/oifname match names: the interfaces need not exist
        p = subprocess.run(['unshare', '-n', 'sh', '-c', 'nft -f %s && nft -j list counters table inet fwlb' % path],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        names = set(firewall.parse_counters(p.stdout))
        assert names == set(firewall.FIXED_COUNTERS) | {r['name'] for r in fw.policy['allow']}
