"""The standalone runtime on real Open vSwitch (issue 3): switches connect, packet-ins reach the apps'
processors, rules the components apply show up in the switches, idle timeouts come back as
RULE_REMOVED, a switch that lost its table is resynchronised, bad OpenFlow input closes only that
connection. FIG 1 preset, the sandwich app as the component under test.
"""
import os
import socket
import struct
import subprocess
import time

import pytest

from conftest import module_topology
from fwlbtest import wait_for

PUNT = (20000, 21000)          # the metered punt of unknown TCP (docs/DESIGN.md, priority table)


def tune(f):
    f['timeouts'] = {'idleSeconds': 3, 'closingSeconds': 1}


topo = module_topology('fig1', tune)


def has_base_rules(t, sw):
    return any(PUNT[0] < f['priority'] < PUNT[1] for f in t.net.flows(sw, sync=False))


def bridge_of(sw):
    return [b for b in subprocess.run(['ovs-vsctl', 'list-br'], capture_output=True, text=True).stdout.split()
            if b.endswith(sw)][0]


def ofctl_dump(t, sw):
    return subprocess.run(['ovs-ofctl', '-O', 'OpenFlow13', 'dump-flows', bridge_of(sw)], capture_output=True,
                          text=True).stdout


def test_rules_applied_by_a_component_show_up_in_ovs(topo):
    """The base rules as ONOS 2.7's OpenFlow provider would write them: no tcp_flags match (ONOS does not
    translate TCP_FLAGS), the punt metered, SEND_FLOW_REM on every rule, and no idle_timeout on the switch (ONOS
    expires temporary rules itself from the polled counters)."""
    net = topo.net
    code, _ = net.curl('c1', 'http://10.0.2.21/', timeout=5)          # a pinned connection's rules too
    assert code == 200
    dump = ofctl_dump(topo, 'so')
    assert 'priority=0' in dump and 'NORMAL' in dump, dump
    assert 'tcp_flags' not in dump, dump
    assert 'CONTROLLER' in dump and 'meter:' in dump, dump
    assert 'send_flow_rem' in dump, dump
    assert 'idle_timeout' not in dump, dump


def test_packet_in_reaches_the_processor_and_its_packet_out_the_host(topo):
    net, rt = topo.net, topo.runtime
    before = rt.counters().get('arpAnswered', 0)
    net.arp_flush('c1')
    net.cmd('c1', 'ping -c 1 -W 1 10.0.1.254 >/dev/null 2>&1; true')    # resolves the gateway by ARP
    out = net.cmd('c1', 'ip neigh show 10.0.1.254')
    assert '02:fb:00:00:01:fe' in out.lower(), out
    assert rt.counters().get('arpAnswered', 0) >= before + 1


def test_idle_timeout_comes_back_as_rule_removed(topo):
    net, rt = topo.net, topo.runtime
    # a connection whose FINs are lost to nobody: stop it mid-way so only the idle timeout ends it
    t = net.long_transfer('c1', 'http://10.0.2.21/', 2000000, rate='200k', timeout=3)
    wait_for(lambda: rt.connections(), 10, what='a pinned connection')
    t.wait()
    removed_before = rt.counters().get('connectionsRemoved', 0)
    wait_for(lambda: not rt.connections(), 20, what='entry removed after the idle timeout')
    assert rt.counters().get('connectionsRemoved', 0) > removed_before
    assert not [f for f in net.flows('so', sync=False) if f['priority'] in (30000, 30001)]


def test_switch_that_lost_its_table_is_resynchronised(topo):
    net = topo.net
    bridge = bridge_of('so')
    target = subprocess.run(['ovs-vsctl', 'get-controller', bridge], capture_output=True, text=True).stdout.strip()
    subprocess.run(['ovs-vsctl', 'del-controller', bridge], check=True)
    subprocess.run(['ovs-ofctl', '-O', 'OpenFlow13', 'del-flows', bridge], check=True)
    assert not has_base_rules(topo, 'so')
    subprocess.run(['ovs-vsctl', 'set-controller', bridge, target], check=True)
    wait_for(lambda: has_base_rules(topo, 'so'), 30, what='base rules re-installed after reconnect')
    wait_for(lambda: set(net.connected_switches()) >= {'so', 'si'}, 30, what='so connected again')
    code, _ = net.curl('c2', 'http://10.0.2.22/', timeout=5)
    assert code == 200


def _send_and_wait_close(payload, timeout=20):
    s = socket.create_connection(('127.0.0.1', topo_of_port()), timeout=timeout)
    try:
        s.sendall(payload)
        s.settimeout(timeout)
        data = b''
        deadline = time.time() + timeout
        while time.time() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                return True, data
            data += chunk
        return False, data
    except (ConnectionResetError, BrokenPipeError):
        return True, b''
    finally:
        s.close()


def topo_of_port():
    return int(os.environ.get('FWLB_TEST_OF_PORT', '16653'))


@pytest.mark.parametrize('name,payload', [
    pytest.param('garbage', b'\xde\xad\xbe\xef' * 16, id='garbage'),
    pytest.param('wrong version', struct.pack('!BBHI', 0x01, 0, 8, 1), id='wrong-version'),   # OF 1.0 HELLO
    pytest.param('truncated', struct.pack('!BBHI', 0x04, 0, 8, 1) + struct.pack('!BBHI', 0x04, 10, 200, 2)
                 + b'\x00' * 8, id='truncated'),
])
def test_bad_openflow_input_closes_only_that_connection(topo, name, payload):
    wait_for(lambda: set(topo.net.connected_switches()) >= {'so', 'si'}, 30, what='both switches connected')
    closed, _ = _send_and_wait_close(payload)
    assert closed, '%s: connection not closed' % name
    assert set(topo.net.connected_switches()) >= {'so', 'si'}
    code, _ = topo.net.curl('c1', 'http://10.0.2.21/', timeout=5)
    assert code == 200
    with open(topo.runtime.log) as f:
        log = f.read()
    assert 'closing OpenFlow connection' in log or 'rejected' in log.lower(), name


def admin_states(rt):
    return {k: v['adminState'] for k, v in rt.firewalls().items()}


def test_bad_rest_and_cli_input_is_refused_and_changes_nothing(topo):
    rt = topo.runtime
    before = admin_states(rt)
    netcfg_before = rt.get('/onos/v1/network/configuration')
    code, body = rt.post('/onos/fwlb/firewalls/nosuchfw/drain')
    assert code == 404 and 'nosuchfw' in body['message'], body
    code, body = rt.post('/onos/fwlb/firewalls/fw1/explode')
    assert code == 400 and 'explode' in body['message'], body
    code, body = rt.request('GET', '/onos/fwlb/connections?client=not-an-ip')
    assert code == 400, body
    code, body = rt.request('GET', '/onos/fwlb/connections?state=dancing')
    assert code == 400, body
    bad = {'apps': {'org.fwlb.core': {'fwlb': {'sandwich': {'firewalls': [{'id': 'fw1', 'outside': {'mac': 'zz'}}]}}}}}
    code, body = rt.post('/onos/v1/network/configuration', bad)
    assert code == 400, body
    assert rt.get('/onos/v1/network/configuration') == netcfg_before
    assert admin_states(rt) == before
    rc, out = rt.cli('fwlb:firewall-drain', 'nosuchfw')
    assert rc != 0 and 'nosuchfw' in out, out
    rc, out = rt.cli('fwlb:connections', '--colour', 'red')
    assert rc != 0 and 'colour' in out, out
    rc, out = rt.cli('fwlb:connections', '--state', 'dancing')
    assert rc != 0 and 'dancing' in out, out
    assert admin_states(rt) == before
    rc, out = rt.cli('fwlb:firewalls')
    assert rc == 0 and 'fw1' in out and 'fw3' in out, out
