"""Spec parsing and validation: every preset is valid; bad specs fail with the field's path."""
import copy
import json

import pytest

import fwlbnet
from fwlbnet.spec import static_mac_entries

PRESETS = fwlbnet.list_presets()


def test_presets_exist():
    for i in range(1, 9):
        assert 'fig%d' % i in PRESETS
    assert 'three-stage' in PRESETS


@pytest.mark.parametrize('preset', PRESETS)
def test_preset_valid(preset):
    s = fwlbnet.load_spec(preset)
    assert s.name == preset
    assert s.switches and s.hosts
    # every host interface is plugged into a declared switch port, uniquely
    seen = set()
    for itf in s.all_intfs():
        assert (itf.switch, itf.port) not in seen
        seen.add((itf.switch, itf.port))
        assert s.switches[itf.switch].ports[itf.port] == ('host interface', itf.name)


def test_figure_requirements():
    f1 = fwlbnet.load_spec('fig1')
    assert len(f1.firewalls) >= 3
    assert any(h.intfs[0].network.name == 'public' for h in f1.hosts_by_role('host'))
    assert any(h.intfs[0].network.name == 'private' for h in f1.hosts_by_role('host'))
    f6 = fwlbnet.load_spec('fig6')
    assert len(f6.firewalls) >= 3 and len(f6.servers) >= 3
    assert f6.dispatchers['d1'].switch == f6.sandwich['internal']['switch']
    for fig in ('fig2', 'fig3'):
        s = fwlbnet.load_spec(fig)
        first = s.dispatchers[s.services[0]['firstStage']]
        assert len([r for r in first.reaches if r in s.dispatchers]) == 2
    assert [d.kind for d in fwlbnet.load_spec('fig3').dispatchers.values()] == ['L4/2', 'L4/3', 'L7/3']
    f4 = fwlbnet.load_spec('fig4')
    shared = [h.name for h in f4.servers if len(h.intfs) > 1]
    assert shared == ['srv2', 'srv3']
    assert {s['serviceType'] for s in f4.services} == {'http', 'ftp'}
    f5 = fwlbnet.load_spec('fig5')
    l7 = [d for d in f5.dispatchers.values() if d.kind == 'L7/3']
    assert len(l7) == 3 and len(f5.servers) == 6
    assert all(set(d.reaches) != {sid for sid, _, _ in f5.server_entries()} for d in l7)
    for fig in ('fig7', 'fig8'):
        s = fwlbnet.load_spec(fig)
        first = s.dispatchers[s.services[0]['firstStage']]
        # the first stage is one-armed on the inside fabric the internal dispatcher feeds
        assert len(s.switch_neighbors(first.switch)) == 1
        assert s.connected(first.switch, s.sandwich['internal']['switch'])
        assert len(s.firewalls) >= 3 and len(first.reaches) >= 2
    kinds8 = sorted(d.kind for n, d in fwlbnet.load_spec('fig8').dispatchers.items() if n != 'd1')
    assert kinds8 == ['L4/3', 'L7/3', 'L7/3']


def test_vips_on_loopback():
    """Hosts that must own the VIP: L7 dispatchers, and servers reached by an L4/2 hop."""
    s = fwlbnet.load_spec('three-stage')
    assert [str(v) for v in s.hosts['srv7'].vips] == ['10.0.1.100']
    assert s.hosts['srv1'].vips == []
    f5 = fwlbnet.load_spec('fig5')
    assert all([str(v) for v in f5.hosts[n].vips] == ['10.0.1.100'] for n in ('d7a', 'd7b', 'd7c'))


def test_static_mac_entries_one_armed():
    s = fwlbnet.load_spec('fig7')
    entries = dict(static_mac_entries(s, 'sf'))
    assert entries['02:fb:00:04:00:01'] == 2          # first stage d1's MAC -> its arm
    assert entries['02:fb:00:00:02:fe'] == 1          # inside gateway -> internal firewall dispatcher si
    assert entries['02:fb:00:04:00:02'] == 5          # d2a
    assert entries['02:fb:00:02:00:01'] == 1          # fw1 inside, behind si
    assert entries['02:fb:00:10:02:0b'] == 11         # pc1
    assert '02:fb:00:00:01:fe' not in entries         # outside gateway is not reachable from sf


def test_auto_ports_and_macs():
    s = fwlbnet.parse_spec({
        'name': 't', 'switches': [{'name': 's1', 'dpid': 1}, {'name': 's2', 'dpid': '0x2'}],
        'links': [{'a': 's1', 'b': 's2:5'}],
        'hosts': [{'name': 'h1', 'switch': 's1', 'ip': '10.9.0.1/24'},
                  {'name': 'h2', 'switch': 's1', 'port': 1, 'ip': '10.9.0.2/24'}]})
    assert s.links[0].a_port == 2 and s.links[0].b_port == 5     # port 1 was claimed by h2
    assert s.hosts['h1'].intfs[0].port == 3
    assert s.switches['s2'].dpid == '0000000000000002'
    mac = s.hosts['h1'].intfs[0].mac
    assert mac == fwlbnet.parse_spec({
        'name': 't', 'switches': [{'name': 's1', 'dpid': 1}],
        'hosts': [{'name': 'h1', 'switch': 's1', 'ip': '10.9.0.1/24'}]}).hosts['h1'].intfs[0].mac


def _base():
    return copy.deepcopy({
        'name': 'bad',
        'networks': [{'name': 'pub', 'subnet': '10.0.1.0/24', 'gateway': {'ip': '10.0.1.254', 'mac': '02:00:00:00:01:fe'}},
                     {'name': 'prv', 'subnet': '10.0.2.0/24', 'gateway': {'ip': '10.0.2.254', 'mac': '02:00:00:00:02:fe'}}],
        'switches': [{'name': 'so', 'dpid': 'f01'}, {'name': 'si', 'dpid': 'f02'}],
        'hosts': [
            {'name': 'fw1', 'role': 'firewall', 'outside': {'switch': 'so', 'port': 1, 'ip': '10.0.1.1', 'mac': '02:00:00:01:00:01'},
             'inside': {'switch': 'si', 'port': 1, 'ip': '10.0.2.1', 'mac': '02:00:00:02:00:01'}},
            {'name': 'c1', 'switch': 'so', 'port': 11, 'ip': '10.0.1.11'},
            {'name': 'srv1', 'role': 'server', 'switch': 'si', 'port': 21, 'ip': '10.0.2.21', 'services': ['http']}],
        'sandwich': {'external': {'switch': 'so', 'network': 'pub'}, 'internal': {'switch': 'si', 'network': 'prv'}},
        'dispatchers': [{'name': 'd1', 'kind': 'L4/3', 'switch': 'si', 'mac': '02:00:00:04:00:01', 'ip': '10.0.2.100',
                         'reaches': ['srv1']}],
        'services': [{'id': 'web', 'vip': '10.0.2.100', 'port': 80, 'firstStage': 'd1'}]})


def test_base_is_valid():
    fwlbnet.parse_spec(_base())


def _set(d, path, value):
    keys = path.split('.')
    for k in keys[:-1]:
        d = d[int(k)] if k.isdigit() else d[k]
    k = keys[-1]
    if value is KeyError:
        del d[int(k) if k.isdigit() else k]
    elif k.isdigit():
        d[int(k)] = value
    else:
        d[k] = value


BAD = [
    ('hosts.0.outside.mac', 'zz', "hosts[0].outside.mac: \"zz\" is not a MAC address"),
    ('hosts.0.outside.mac', '01:00:00:00:00:01', 'hosts[0].outside.mac: "01:00:00:00:00:01" is a multicast MAC'),
    ('hosts.1.ip', '10.0.9.11', 'hosts[1].ip: 10.0.9.11 is in no declared network'),
    ('hosts.1.ip', '10.0.1.300', 'hosts[1].ip: "10.0.1.300" is not an IPv4 address'),
    ('hosts.1.port', 1, "hosts[1] (c1-eth0): port 1 of switch 'so' is already used by host interface 'fw1-eth0'"),
    ('hosts.1.switch', 'sx', "hosts[1].switch: unknown switch 'sx'"),
    ('hosts.1.role', 'router', 'hosts[1].role: "router" is not one of'),
    ('hosts.1.colour', 'red', 'hosts[1].colour: unknown field'),
    ('hosts.1.name', 'fw1', "hosts[1].name: duplicate name 'fw1'"),
    ('hosts.1.name', 'averyveryverylongname', 'hosts[1].name: interface name averyveryverylongname-eth0 exceeds 15'),
    ('hosts.1.mac', '02:00:00:01:00:01', 'MAC 02:00:00:01:00:01 is already used by hosts.fw1'),
    ('hosts.2.ip', '10.0.2.1', 'IP 10.0.2.1 is already used by hosts.fw1'),
    ('hosts.2.services', [], 'hosts[2].services: a server needs at least one service'),
    ('hosts.2.services', ['gopher'], 'hosts[2].services[0].type: "gopher" is not one of'),
    ('hosts.0.inside', KeyError, 'hosts[0].inside: is required for a firewall'),
    ('hosts.0.inside.ip', '10.0.1.5', "a firewall's outside and inside must be on different subnets"),
    ('switches.1.dpid', 'f01', "switches[1].dpid: 0000000000000f01 is already used by switch 'so'"),
    ('switches.1.dpid', 'xyz', 'switches[1].dpid: "xyz" is not a datapath id'),
    ('networks.1.subnet', '10.0.1.0/25', "networks[1].subnet: 10.0.1.0/25 overlaps network 'pub'"),
    ('networks.1.subnet', '10.0.2.1/24', 'networks[1].subnet: "10.0.2.1/24" is not an IPv4 subnet'),
    ('networks.0.gateway.ip', '10.0.2.254', 'networks[0].gateway.ip: 10.0.2.254 is not a host address of 10.0.1.0/24'),
    ('sandwich.internal.network', 'pub', 'sandwich.internal.network: must differ from the external network'),
    ('sandwich.internal.switch', 'sx', "sandwich.internal.switch: unknown switch 'sx'"),
    ('sandwich.probe', {'intervalMs': 0}, 'sandwich.probe.intervalMs: 0 is out of range'),
    ('sandwich.trafficClasses', [{'id': 'a', 'policy': 'random'}], 'sandwich.trafficClasses[0].policy: "random" is not one of'),
    ('sandwich.trafficClasses', [], 'sandwich.trafficClasses: must not be empty when given'),
    ('sandwich.trafficClasses', [{'id': 'all'}, {'id': 'web', 'ports': [80]}],
     "sandwich.trafficClasses[1]: unreachable: class 'all' before it already takes every tcp port"),
    ('sandwich.trafficClasses', [{'id': 'a', 'ports': [80, 443]}, {'id': 'b', 'ports': [8080, 443]}],
     "sandwich.trafficClasses[1].ports[1]: tcp port 443 is already in class 'a'"),
    ('sandwich.trafficClasses', [{'id': 'h', 'mode': 'static-hash', 'policy': 'round-robin'}],
     'sandwich.trafficClasses[0].policy: "round-robin": with mode static-hash the policy must be static-hash'),
    ('hosts.0.pathTag', 4095, 'hosts[0].pathTag: 4095 is out of range [1, 4094]'),
    ('hosts.0.weight', 0, 'hosts[0].weight: 0 is out of range [1, 10000]'),
    ('hosts.1.pathTag', 3, 'hosts[1].pathTag: only valid for role firewall'),
    ('hosts.2.serviceTypes', ['HTTP'], 'hosts[2].serviceTypes[0]: "HTTP" is not a service type'),
    ('dispatchers.0.name', 'fw1', "dispatchers[0].name: 'fw1' is already the id of a firewall or server"),
    ('dispatchers.0.maxConnections', -1, 'dispatchers[0].maxConnections: -1 is out of range'),
    ('services.0.mode', 'static-hash', 'services[0].mode: static-hash needs policy static-hash'),
    ('services.0.protocol', 'sctp', 'services[0].protocol: "sctp" is not one of tcp, udp'),
    ('timeouts', {'idleSeconds': 5, 'closingSeconds': 6}, 'timeouts.closingSeconds: 6 exceeds idleSeconds 5'),
    ('dispatchers.0.reaches', ['srv9'], "dispatchers[0].reaches[0]: unknown dispatcher or server 'srv9'"),
    ('dispatchers.0.reaches', [], 'dispatchers[0].reaches: a dispatcher must reach at least one'),
    ('dispatchers.0.kind', 'L5/2', 'dispatchers[0].kind: "L5/2" is not one of L4/2, L4/3, L7/3'),
    ('dispatchers.0.kind', 'L7/3', 'dispatchers[0].kind: an L7/3 dispatcher is a process'),
    ('dispatchers.0.mac', '02:00:00:00:02:fe', 'dispatchers.d1.mac: MAC 02:00:00:00:02:fe is already used by networks.prv.gateway'),
    ('services.0.firstStage', 'dx', "services[0].firstStage: unknown dispatcher 'dx'"),
    ('services.0.vip', '10.0.2.21', 'services[0].vip: 10.0.2.21 is the address of hosts.srv1'),
    ('services.0.mode', 'sticky', 'services[0].mode: "sticky" is not one of pinned, static-hash'),
    ('services.0.serviceType', 'ftp', "services[0].serviceType: no server under 'd1' offers 'ftp'"),
    ('controller', 'localhost', 'controller: "localhost" is not "none", "default", "ip:port"'),
    ('timeouts', {'idleSeconds': -1}, 'timeouts.idleSeconds: -1 is out of range'),
    ('firewallPolicy', {'allow': [{'from': 'sideways', 'ports': [80]}]}, 'firewallPolicy.allow[0].from: "sideways" is not one of'),
    ('firewallPolicy', {'allow': [{'from': 'outside', 'ports': ['90-80']}]}, 'firewallPolicy.allow[0].ports[0]: "90-80" is not a port range'),
    ('name', 'Bad Name', 'name: "Bad Name" is not a name'),
]


@pytest.mark.parametrize('path,value,message', BAD, ids=[b[0] + '=' + json.dumps(b[1], default=str)[:20] for b in BAD])
def test_bad_spec(path, value, message):
    d = _base()
    _set(d, path, value)
    with pytest.raises(fwlbnet.SpecError) as e:
        fwlbnet.parse_spec(d)
    assert message in str(e.value), str(e.value)


def test_server_in_no_stage():
    d = _base()
    d['hosts'].append({'name': 'srv2', 'role': 'server', 'switch': 'si', 'port': 22, 'ip': '10.0.2.22', 'services': ['http']})
    with pytest.raises(fwlbnet.SpecError, match="hosts.srv2: server entry 'srv2' .* is reached by no dispatcher"):
        fwlbnet.parse_spec(d)


def test_dispatch_cycle():
    d = _base()
    d['switches'].append({'name': 'sx', 'dpid': 'f03'})
    d['links'] = [{'a': 'si:30', 'b': 'sx:1'}]
    d['dispatchers'] = [
        {'name': 'd1', 'kind': 'L4/2', 'switch': 'sx', 'mac': '02:00:00:04:00:01', 'ip': '10.0.2.100', 'reaches': ['d2']},
        {'name': 'd2', 'kind': 'L4/2', 'switch': 'si', 'mac': '02:00:00:04:00:02', 'ip': '10.0.2.102', 'reaches': ['d1', 'srv1']}]
    with pytest.raises(fwlbnet.SpecError, match='cycle: d1 -> d2 -> d1'):
        fwlbnet.parse_spec(d)


def test_switch_loop_rejected():
    d = _base()
    d['switches'].append({'name': 'sx', 'dpid': 'f03'})
    d['links'] = [{'a': 'si:30', 'b': 'sx:1'}, {'a': 'so:30', 'b': 'sx:2'}, {'a': 'so:31', 'b': 'si:31'}]
    with pytest.raises(fwlbnet.SpecError, match=r'links\[2\]: link so-si closes a loop'):
        fwlbnet.parse_spec(d)


def test_non_local_target_needs_one_armed_device():
    """A switch dispatcher reaches what is plugged into it, or what lies behind its single uplink."""
    d = _base()
    d['switches'] += [{'name': 'sx', 'dpid': 'f03'}, {'name': 'sy', 'dpid': 'f04'}]
    d['links'] = [{'a': 'si:30', 'b': 'sx:1'}, {'a': 'si:31', 'b': 'sy:1'}]
    d['hosts'][2]['switch'] = 'sx'
    d['hosts'][2]['port'] = 5
    with pytest.raises(fwlbnet.SpecError, match=r"dispatchers\[0\].reaches\[0\].switch: srv1-eth0 is neither "
                                                 r"attached to 'si' nor behind its single uplink"):
        fwlbnet.parse_spec(d)


def test_yaml_duplicate_key(tmp_path):
    p = tmp_path / 'x.yaml'
    p.write_text('name: a\nname: b\n')
    with pytest.raises(fwlbnet.SpecError, match="duplicate key 'name' \\(line 2\\)"):
        fwlbnet.load_spec(str(p))


def test_json_spec(tmp_path):
    p = tmp_path / 'x.json'
    p.write_text(json.dumps(_base()))
    assert fwlbnet.load_spec(str(p)).name == 'bad'
    p.write_text('{"name": ')
    with pytest.raises(fwlbnet.SpecError, match='is not valid JSON'):
        fwlbnet.load_spec(str(p))


def test_unknown_preset():
    with pytest.raises(fwlbnet.SpecError, match="'fig99' is neither a file nor a preset"):
        fwlbnet.load_spec('fig99')


def test_interface_name_too_long():
    d = {'name': 't', 'switches': [{'name': 'longname', 'dpid': 1}],
         'hosts': [{'name': 'h1', 'switch': 'longname', 'ip': '10.9.0.1/24'}]}
    with pytest.raises(fwlbnet.SpecError, match=r'switches\[0\].name: interface name fwlblongname-eth1 exceeds 15'):
        fwlbnet.parse_spec(d)
    d['prefix'] = 'fw'
    fwlbnet.parse_spec(d)


def test_path_tags():
    d = _base()
    d['hosts'].append({'name': 'fw2', 'role': 'firewall', 'pathTag': 1,
                       'outside': {'switch': 'so', 'port': 2, 'ip': '10.0.1.2'},
                       'inside': {'switch': 'si', 'port': 2, 'ip': '10.0.2.2'}})
    with pytest.raises(fwlbnet.SpecError, match="hosts.fw2.pathTag: path tag 1 is already used by firewall 'fw1'"):
        fwlbnet.parse_spec(d)
    d['hosts'][-1]['pathTag'] = 7
    s = fwlbnet.parse_spec(d)
    assert [s.hosts[n].path_tag for n in s.sandwich['firewalls']] == [1, 7]


def test_static_hash_service_with_policy():
    d = _base()
    d['services'][0].update({'mode': 'static-hash', 'policy': 'static-hash'})
    s = fwlbnet.parse_spec(d)
    assert s.services[0]['policy'] == 'static-hash'
    d['dispatchers'][0]['policy'] = 'static-hash'
    del d['services'][0]['policy']
    assert 'policy' not in fwlbnet.parse_spec(d).services[0]
