"""netcfg generated from every preset: valid JSON, the DESIGN.md schema, consistent references."""
import ipaddress
import json
import os
import re
import subprocess
import sys

import pytest

import fwlbnet

PRESETS = fwlbnet.list_presets()
DESIGN = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                      'docs', 'DESIGN.md')
MAC = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')
DEV = re.compile(r'^of:[0-9a-f]{16}$')


def design_example():
    """The netcfg example of docs/DESIGN.md (the contract), or None if the file is not there."""
    if not os.path.exists(DESIGN):
        return None
    text = open(DESIGN).read()
    m = re.search(r'## netcfg.*?```json\n(.*?)```', text, re.S)
    return json.loads(m.group(1)) if m else None


def cfg_of(preset):
    doc = json.loads(fwlbnet.netcfg_json(preset))
    assert list(doc) == ['apps'] and list(doc['apps']) == ['org.fwlb.core']
    assert list(doc['apps']['org.fwlb.core']) == ['fwlb']
    return doc['apps']['org.fwlb.core']['fwlb']


@pytest.mark.parametrize('preset', PRESETS)
def test_netcfg_keys_match_design(preset):
    ex = design_example()
    if ex is None:
        pytest.skip('docs/DESIGN.md not found')
    ex = ex['apps']['org.fwlb.core']['fwlb']
    cfg = cfg_of(preset)
    assert set(cfg) <= set(ex)
    if 'sandwich' in cfg:
        assert set(cfg['sandwich']) == set(ex['sandwich'])
        for side in ('external', 'internal'):
            assert set(cfg['sandwich'][side]) == set(ex['sandwich'][side])
        for fw in cfg['sandwich']['firewalls']:
            assert set(fw) == set(ex['sandwich']['firewalls'][0])
            assert set(fw['outside']) == set(ex['sandwich']['firewalls'][0]['outside'])
        for tc in cfg['sandwich']['trafficClasses']:
            assert set(tc) == set(ex['sandwich']['trafficClasses'][0])
        assert set(cfg['sandwich']['probe']) == set(ex['sandwich']['probe'])
    for s in cfg.get('servers', []):
        assert set(s) == set(ex['servers'][0])
        assert set(s['location']) == set(ex['servers'][0]['location'])
    for d in cfg.get('dispatchers', []):
        # deviceId only for switch dispatchers; no location for a switch first stage nothing precedes; uplink only
        # where the stage's upstream port is not the one its location names
        every = set(ex['dispatchers'][0]) | set(ex['dispatchers'][1])
        assert set(d) <= every and set(d) >= every - {'deviceId', 'location', 'attachment', 'uplink'}
    for s in cfg.get('services', []):
        assert set(s) - {'policy', 'dataPorts'} == set(ex['services'][0])  # optional: policy, dataPorts
    assert set(cfg['timeouts']) == set(ex['timeouts'])
    assert set(cfg['connectionTable']) == set(ex['connectionTable'])


@pytest.mark.parametrize('preset', PRESETS)
def test_netcfg_consistent(preset):
    spec = fwlbnet.load_spec(preset)
    cfg = cfg_of(preset)
    devices = {s.device_id: s for s in spec.switches.values()}
    ips, macs, ids, fw_ports = set(), set(), set(), set()

    def unique(kind, v, bag):
        assert v not in bag, 'duplicate %s %s' % (kind, v)
        bag.add(v)

    def port_exists(dev, port):
        assert DEV.match(dev) and dev in devices, dev
        assert port in devices[dev].ports, '%s has no port %s' % (dev, port)

    sw = cfg.get('sandwich')
    if sw:
        for side in ('external', 'internal'):
            s = sw[side]
            assert devices[s['deviceId']].controlled
            net = ipaddress.ip_network(s['subnet'])
            assert ipaddress.ip_address(s['gatewayIp']) in net and MAC.match(s['gatewayMac'])
            unique('ip', s['gatewayIp'], ips)
            unique('mac', s['gatewayMac'], macs)
        assert len(sw['firewalls']) == len(spec.firewalls)
        for fw in sw['firewalls']:
            unique('id', fw['id'], ids)
            host = spec.hosts[fw['id']]
            for side, key, itf in (('external', 'outside', host.outside), ('internal', 'inside', host.inside)):
                e = fw[key]
                dev = sw[side]['deviceId']
                port_exists(dev, e['port'])
                assert (e['ip'], e['mac']) == (str(itf.ip.ip), itf.mac)
                assert ipaddress.ip_address(e['ip']) in ipaddress.ip_network(sw[side]['subnet'])
                # the port leads to the firewall: it is plugged there, or it is the device's only uplink
                d = devices[dev]
                if d.name == itf.switch:
                    assert e['port'] == itf.port
                else:
                    assert d.ports[e['port']][0] == 'switch' and len(spec.switch_neighbors(d.name)) == 1
                unique('ip', e['ip'], ips)
                unique('mac', e['mac'], macs)
                unique('firewall attachment', (dev, e['port']), fw_ports)
        assert [tc['id'] for tc in sw['trafficClasses']]
        assert sorted(fw['pathTag'] for fw in sw['firewalls']) == sorted(set(fw['pathTag'] for fw in sw['firewalls']))
    servers = {s['id']: s for s in cfg.get('servers', [])}
    for s in servers.values():
        unique('id', s['id'], ids)
        unique('ip', s['ip'], ips)
        unique('mac', s['mac'], macs)
        port_exists(s['location']['deviceId'], s['location']['port'])
        assert (s['location']['deviceId'], s['location']['port']) not in fw_ports
        kind, peer = devices[s['location']['deviceId']].ports[s['location']['port']]
        assert kind == 'host interface'
        host = spec.hosts[peer.split('-eth')[0]]
        itf = host.intf(peer)
        assert (str(itf.ip.ip), itf.mac) == (s['ip'], s['mac'])
        assert s['services'] and s['weight'] >= 0 and s['adminState'] in ('up', 'draining', 'down')
    disp = {d['id']: d for d in cfg.get('dispatchers', [])}
    for d in disp.values():
        unique('id', d['id'], ids)
        assert d['kind'] in ('L4/2', 'L4/3', 'L7/3') and MAC.match(d['mac'])
        unique('mac', d['mac'], macs)
        if 'deviceId' in d:
            assert devices[d['deviceId']].controlled
        else:
            assert d['kind'] == 'L7/3' and 'location' in d
            unique('ip', d['ip'], ips)
        if 'location' in d:
            port_exists(d['location']['deviceId'], d['location']['port'])
        for r in d['reaches']:
            assert r in disp or r in servers, r
        assert len(set(d['reaches'])) == len(d['reaches'])
    reached = {r for d in disp.values() for r in d['reaches']}
    assert set(servers) <= reached, 'servers in no stage: %s' % (set(servers) - reached)
    # no cycles
    def walk(n, stack):
        assert n not in stack, 'cycle %s' % stack
        for r in disp[n]['reaches']:
            if r in disp:
                walk(r, stack + [n])
    for n in disp:
        walk(n, [])
    for v in cfg.get('services', []):
        assert v['firstStage'] in disp
        assert v['vip'] not in {s['ip'] for s in servers.values()}
        assert v['mode'] in ('pinned', 'static-hash') and v['unknownNonSyn'] in ('drop', 'drop-rst', 'forward')
        types = set()
        todo = [v['firstStage']]
        while todo:
            for r in disp[todo.pop()]['reaches']:
                if r in disp:
                    todo.append(r)
                else:
                    types |= set(servers[r]['services'])
        assert v['serviceType'] in types
    assert cfg['timeouts']['idleSeconds'] > 0 and cfg['connectionTable']['maxConnections'] > 0


def test_fig1_exact():
    """FIG 1 in full, as the controller receives it (same shape as the DESIGN.md example)."""
    sw = cfg_of('fig1')['sandwich']
    assert sw['external'] == {'deviceId': 'of:0000000000000f01', 'gatewayIp': '10.0.1.254',
                              'gatewayMac': '02:fb:00:00:01:fe', 'subnet': '10.0.1.0/24'}
    assert sw['internal'] == {'deviceId': 'of:0000000000000f02', 'gatewayIp': '10.0.2.254',
                              'gatewayMac': '02:fb:00:00:02:fe', 'subnet': '10.0.2.0/24'}
    assert sw['firewalls'][0] == {'id': 'fw1', 'weight': 1, 'maxConnections': 0, 'adminState': 'up', 'pathTag': 1,
                                  'outside': {'port': 1, 'mac': '02:fb:00:01:00:01', 'ip': '10.0.1.1'},
                                  'inside': {'port': 1, 'mac': '02:fb:00:02:00:01', 'ip': '10.0.2.1'}}
    assert [f['id'] for f in sw['firewalls']] == ['fw1', 'fw2', 'fw3']
    assert sw['trafficClasses'] == [{'id': 'default', 'protocol': 'tcp', 'ports': [], 'mode': 'pinned',
                                     'policy': 'round-robin', 'unknownNonSyn': 'drop'}]


def test_locations_are_previous_stage_ports():
    """docs/CONFIG.md: a dispatcher's location is the port through which the previous stage
    reaches it. The one-armed first stage reaches every second stage through its arm; behind a
    sandwich, the first stage is reached from the internal firewall dispatcher's uplink."""
    for fig in ('fig7', 'fig8'):
        cfg = cfg_of(fig)
        assert [fw['inside']['port'] for fw in cfg['sandwich']['firewalls']] == [1, 2, 3]
        assert [fw['outside']['port'] for fw in cfg['sandwich']['firewalls']] == [1, 2, 3]
        assert [fw['pathTag'] for fw in cfg['sandwich']['firewalls']] == [1, 2, 3]
        d = {x['id']: x for x in cfg['dispatchers']}
        assert d['d1']['deviceId'] == 'of:0000000000000d01'
        assert d['d1']['location'] == {'deviceId': cfg['sandwich']['internal']['deviceId'], 'port': 4}
        for n in d['d1']['reaches']:
            assert d[n]['location'] == {'deviceId': 'of:0000000000000d01', 'port': 1}
    d7a = {x['id']: x for x in cfg_of('fig8')['dispatchers']}['d7a']
    assert 'deviceId' not in d7a and d7a['ip'] == '10.0.2.41' and d7a['mac'] == '02:fb:00:04:00:02'
    d = {x['id']: x for x in cfg_of('three-stage')['dispatchers']}
    assert 'location' not in d['d1']
    assert d['d3a']['location'] == {'deviceId': 'of:0000000000000d21', 'port': 1}
    d = {x['id']: x for x in cfg_of('fig6')['dispatchers']}
    assert 'location' not in d['d1'] and d['d1']['deviceId'] == cfg_of('fig6')['sandwich']['internal']['deviceId']


def test_fig4_shared_servers():
    cfg = cfg_of('fig4')
    servers = {s['id']: s for s in cfg['servers']}
    assert set(servers) == {'srv1', 'srv2-1', 'srv2-2', 'srv3-1', 'srv3-2', 'srv4'}
    assert servers['srv2-1']['location'] == {'deviceId': 'of:0000000000000d21', 'port': 3}
    assert servers['srv2-2']['location'] == {'deviceId': 'of:0000000000000d22', 'port': 2}
    d = {x['id']: x for x in cfg['dispatchers']}
    assert d['d2a']['reaches'] == ['srv1', 'srv2-1', 'srv3-1']
    assert d['d2b']['reaches'] == ['srv2-2', 'srv3-2', 'srv4']
    assert servers['srv3-1']['services'] == ['ftp']


def test_netcfg_cli_matches_api(tmp_path):
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = tmp_path / 'n.json'
    p = subprocess.run([sys.executable, '-m', 'fwlbnet', 'netcfg', 'fig6', '-o', str(out)], cwd=here,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert json.loads(out.read_text()) == fwlbnet.build_netcfg('fig6')
    p = subprocess.run([sys.executable, '-m', 'fwlbnet', 'netcfg', 'nope'], cwd=here, capture_output=True, text=True)
    assert p.returncode == 2 and "'nope' is neither a file nor a preset" in p.stderr


def _core_classpath():
    m2 = os.path.expanduser('~/.m2/repository')
    want = ['org/fwlb/fwlb-core/1.0.0-SNAPSHOT/fwlb-core-1.0.0-SNAPSHOT.jar',
            'org/onosproject/onos-api/2.7.0/onos-api-2.7.0.jar',
            'org/onosproject/onlab-misc/2.7.0/onlab-misc-2.7.0.jar',
            'com/fasterxml/jackson/core/jackson-databind/2.9.5/jackson-databind-2.9.5.jar',
            'com/fasterxml/jackson/core/jackson-core/2.9.5/jackson-core-2.9.5.jar',
            'com/fasterxml/jackson/core/jackson-annotations/2.9.5/jackson-annotations-2.9.5.jar',
            'com/google/guava/guava/32.1.3-jre/guava-32.1.3-jre.jar']
    paths = [os.path.join(m2, w) for w in want]
    return ':'.join(paths) if all(os.path.exists(p) for p in paths) else None


def test_java_parser_accepts_presets(tmp_path):
    """The controller's own netcfg parser (fwlb-core, as installed in ~/.m2) accepts every preset."""
    import shutil
    cp = _core_classpath()
    if cp is None or shutil.which('javac') is None:
        pytest.skip('fwlb-core jar or javac not available')
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'java', 'ValidateNetcfg.java')
    p = subprocess.run(['javac', '-d', str(tmp_path), '-cp', cp, src], capture_output=True, text=True)
    if p.returncode != 0 and 'FwlbConfigParser' in p.stderr:
        pytest.skip('installed fwlb-core has no FwlbConfigParser')
    assert p.returncode == 0, p.stderr
    files = []
    for preset in PRESETS:
        f = tmp_path / (preset + '.json')
        f.write_text(fwlbnet.netcfg_json(preset))
        files.append(str(f))
    r = subprocess.run(['java', '-cp', cp + ':' + str(tmp_path), 'ValidateNetcfg'] + files,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count(': VALID') == len(PRESETS)


@pytest.mark.parametrize('fig', range(1, 9))
def test_docs_examples_are_the_presets_netcfg(fig):
    """docs/examples/figN.json is exactly what preset figN generates (the tested topology), so the
    documented examples cannot drift from what the end-to-end tests run."""
    path = os.path.join(os.path.dirname(DESIGN), 'examples', 'fig%d.json' % fig)
    assert json.load(open(path)) == fwlbnet.build_netcfg('fig%d' % fig), \
        'regenerate: mininet-topos/bin/fwlbnet netcfg fig%d > docs/examples/fig%d.json' % (fig, fig)
