"""FIG 1 on real OVS without a controller (standalone switches, static routes through chosen
firewalls): proves the stateful firewalls pass symmetric connections and drop asymmetric replies
as `ct invalid`, enforce the policy, and that the traffic/counter helpers measure what happens."""
import time

import pytest

import fwlbnet

pytestmark = pytest.mark.ovs

PRIVATE = '10.0.2.0/24'
PUBLIC = '10.0.1.0/24'


@pytest.fixture(scope='module')
def net():
    t = time.time()
    with fwlbnet.Net('fig1', controller='none') as n:
        n.build_seconds = time.time() - t
        # steering by static routes instead of the controller:
        #   c1 <-> fw1 <-> srv1, c2 <-> fw2 <-> srv2, c3 <-> fw3 <-> pc1
        n.set_route('c1', PRIVATE, '10.0.1.1')
        n.set_route('c2', PRIVATE, '10.0.1.2')
        n.set_route('c3', PRIVATE, '10.0.1.3')
        n.set_route('srv1', 'default', '10.0.2.1')
        n.set_route('srv2', 'default', '10.0.2.2')
        n.set_route('pc1', 'default', '10.0.2.3')
        yield n


def delta(after, before):
    return {k: after[k]['packets'] - before.get(k, {'packets': 0})['packets'] for k in after}


def test_build_is_fast(net):
    assert net.build_seconds < 20, net.timings


def test_symmetric_connection_passes(net):
    net.flush_conntrack()
    code, body = net.curl('c1', 'http://10.0.2.21/')
    assert (code, body) == (200, 'srv1\n')
    ct = net.conntrack('fw1')
    assert any(e['src'] == '10.0.1.11' and e['dst'] == '10.0.2.21' and e['dport'] == 80 for e in ct)
    assert net.conntrack('fw2') == [] and net.conntrack('fw3') == []


def test_asymmetric_reply_dropped_as_invalid(net):
    """c1 -> fw1 -> srv2, but srv2 answers through fw2: fw2 has no state, drops the SYN-ACK."""
    before = net.fw_counters('fw2')
    code, _ = net.curl('c1', 'http://10.0.2.22/', timeout=3)
    assert code == 0
    d = delta(net.fw_counters('fw2'), before)
    assert d['invalid'] > 0, d
    assert d['est_from_inside'] == 0
    # srv2 would keep retransmitting its SYN-ACK (more `invalid` on fw2 for ~30 s): restarting
    # the server closes its listener, which drops the half-open connection
    net.start_service('srv2', 'http')


def test_many_connections_one_firewall(net):
    net.reset_fw_counters()
    net.flush_conntrack()
    before = net.service_stats('srv2')
    r = net.requests('c2', 'http://10.0.2.22/', n=300, concurrency=8)
    assert r.ok, r.output
    assert r.completed == 300 and r.servers == {'srv2': 300} and r.rps > 0 and r.connect['p50'] > 0
    after = net.service_stats('srv2')
    assert after['connections'] - before['connections'] == 300
    assert after['requests'] - before['requests'] == 300
    c = net.fw_counters('fw2')
    assert c['in_web']['packets'] == 300               # one new-connection SYN each
    assert c['est_from_outside']['packets'] > 0 and c['est_from_inside']['packets'] > 0
    assert c['invalid']['packets'] == 0 and c['dropped']['packets'] == 0
    conns = {(e['src'], e['sport']) for e in net.conntrack('fw2') if e['dst'] == '10.0.2.22'}
    assert len(conns) == 300
    for other in ('fw1', 'fw3'):
        assert net.fw_counters(other)['in_web']['packets'] == 0


def test_ab(net):
    """ab: every request answered; it may open up to concurrency-1 extra (unused) connections."""
    before = net.service_stats('srv2')
    r = net.ab('c2', 'http://10.0.2.22/', n=400, concurrency=8)
    assert r.ok, r.output
    assert r.completed == 400 and r.failed == 0 and r.non2xx == 0
    assert set(r.latency) >= {'p50', 'p90', 'p99'} and set(r.connect) >= {'p50', 'p99'}
    after = net.service_stats('srv2')
    assert after['requests'] - before['requests'] == 400
    assert 400 <= after['connections'] - before['connections'] < 408
    w = net.wrk('c2', 'http://10.0.2.22/', duration=1, connections=4)
    assert w.ok and w.completed > 0 and w.latency['p99'] > 0, w.output


def test_policy(net):
    before = net.fw_counters('fw1')
    assert net.curl('c1', 'http://10.0.2.21:8080/', timeout=2)[0] == 0          # port not allowed in
    assert delta(net.fw_counters('fw1'), before)['dropped'] > 0
    assert net.curl('c1', 'https://10.0.2.21/', extra=['-k'])[0] == 200          # 443 allowed in
    assert not net.ping('c1', '10.0.2.21', timeout=1).ok                         # ICMP not allowed
    assert net.ping('c1', '10.0.1.1').ok                                          # the firewall itself answers
    # private -> public: new connections allowed to 80 only
    before = net.fw_counters('fw3')
    assert net.curl('pc1', 'http://10.0.1.13/') == (200, 'c3\n')
    assert delta(net.fw_counters('fw3'), before)['out_web'] == 1
    assert net.curl('pc1', 'https://10.0.1.13/', extra=['-k'], timeout=2)[0] == 0
    # public -> private on the firewall's own private client
    assert net.curl('c3', 'http://10.0.2.11/')[0] == 200


def test_long_transfer_survives_other_firewall_cut(net):
    t = net.long_transfer('c1', 'http://10.0.2.21/', size=3_000_000, rate='2M')
    other = net.long_transfer('c2', 'http://10.0.2.22/', size=3_000_000, rate='2M', timeout=3)
    t.wait_started()
    other.wait_started()
    # which firewall carries which transfer, from the firewalls themselves
    assert any(e['sport'] == t.client_port for e in net.conntrack('fw1'))
    assert any(e['sport'] == other.client_port for e in net.conntrack('fw2'))
    time.sleep(0.3)
    t.assert_running()
    other.assert_running()           # both really in flight when fw2 goes (paced: ~1.4 s each)
    cut = time.monotonic()
    net.cut_firewall('fw2')
    try:
        r = t.wait()
        assert r.ok and r.bytes == 3_000_000, r
        assert t.bytes_at(cut) < 3_000_000
        r2 = other.wait()
        assert not r2.ok and r2.bytes < 3_000_000, r2
        assert net.curl('c2', 'http://10.0.2.22/', timeout=1)[0] == 0
    finally:
        net.restore_firewall('fw2')
    deadline = time.time() + 10
    while net.curl('c2', 'http://10.0.2.22/', timeout=1)[0] != 200:
        assert time.time() < deadline, 'fw2 path did not come back'
        time.sleep(0.2)


def test_switch_counters(net):
    flows = net.flows('so')
    assert flows and flows[-1]['actions'] == 'NORMAL'
    ports = net.port_stats('so')
    assert ports[1]['rx_packets'] > 0 and ports[2]['rx_packets'] > 0


def test_service_restart(net):
    net.stop_service('srv1', 'http')
    assert net.curl('c1', 'http://10.0.2.21/', timeout=2)[0] == 0
    net.start_service('srv1', 'http')
    assert net.curl('c1', 'http://10.0.2.21/') == (200, 'srv1\n')
    assert net.service_stats('srv1')['connections'] == 1
