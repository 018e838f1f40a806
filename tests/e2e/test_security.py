"""Attacks on the standalone runtime with its secure defaults, on real Open vSwitch (FIG 1 preset).

REST (users file made on first start, HTTP BASIC, roles as ONOS's):
  - no or wrong credentials: 401, nothing changes; a viewer reads but every change is 403;
  - what a web page could send cross-site (text/plain or form bodies, a bodiless POST, a foreign Origin): refused,
    nothing runs; the CLI needs an admin's credentials;
  - the L7/3 report endpoint needs a user with role l7-reporter, which may do nothing else;
  - netcfg: a VIP or member address outside the sandwich's subnets is refused naming the field (REST and
    `bin/fwlb run --config`), a document above the size limit is 413; traffic flows on.
OpenFlow:
  - a second connection presenting the datapath id of a connected switch is refused before it gets anything
    (no config, no rule) while the real switch stays connected and traffic flows;
  - TLS in strict mode with OVS (ovs-vsctl set-ssl): the switches connect and forward; a client whose trusted
    certificate is not the one the device's netcfg names, or one speaking plain TCP, is refused.
"""
import json
import os
import socket
import ssl
import struct
import subprocess
import time

import pytest

import fwlbnet
from conftest import fwlb_section, start_topology, stop_topology
from fwlbtest import FWLB, Runtime, wait_for

NETCFG = '/onos/v1/network/configuration'
OFPT = {0: 'HELLO', 1: 'ERROR', 2: 'ECHO_REQUEST', 3: 'ECHO_REPLY', 5: 'FEATURES_REQUEST', 9: 'SET_CONFIG',
        13: 'PACKET_OUT', 14: 'FLOW_MOD', 18: 'MULTIPART_REQUEST', 20: 'BARRIER_REQUEST', 29: 'METER_MOD'}


def tune(f):
    f['timeouts'] = {'idleSeconds': 3, 'closingSeconds': 1}


@pytest.fixture(scope='module')
def topo(workdir):
    t = start_topology('fig1', workdir, tune)
    t.stopped = False
    try:
        wait_for(lambda: set(t.net.connected_switches()) >= {'so', 'si'}, 30, what='switches connected')
        wait_for(lambda: t.net.curl('c1', 'http://10.0.2.21/', timeout=5)[0] == 200, 30, what='traffic through')
        t.runtime.add_user('ops', 'ops-viewer-pw', ['viewer'])
        t.runtime.add_user('l7', 'l7-reporter-pw', ['l7-reporter'])
        yield t
    finally:
        stop_plain(t)


def stop_plain(t):
    """The TLS tests need the same preset and ports: the plain topology goes first (one Mininet run at a time)."""
    if not t.stopped:
        t.stopped = True
        stop_topology(t)


def log_since(path, offset):
    with open(path) as f:
        f.seek(offset)
        return f.read()


def admin_states(rt):
    return {k: v['adminState'] for k, v in rt.firewalls().items()}


def traffic_flows(t):
    code, _ = t.net.curl('c1', 'http://10.0.2.21/', timeout=5)
    return code == 200


# ---- REST ---------------------------------------------------------------------------------------------------

def test_no_or_wrong_credentials_get_401_and_change_nothing(topo):
    rt = topo.runtime
    before_cfg, before = rt.get(NETCFG), admin_states(rt)
    for auth in (None, ('admin', 'wrong'), ('nobody', 'x'), (rt.auth[0], rt.auth[1] + 'x')):
        code, body = rt.request('GET', NETCFG, auth=auth)
        assert code == 401 and body['code'] == 401, (auth, code, body)
        code, body = rt.request('POST', '/onos/fwlb/firewalls/fw1/drain', {}, auth=auth)
        assert code == 401, (auth, code, body)
        code, body = rt.request('POST', NETCFG, {'apps': {}}, auth=auth)
        assert code == 401, (auth, code, body)
        code, body = rt.request('POST', '/fwlb-runtime/cli', {'args': ['fwlb:firewall-drain', 'fw1']}, auth=auth)
        assert code == 401, (auth, code, body)
    assert rt.get(NETCFG) == before_cfg and admin_states(rt) == before
    rc, out = rt.cli('fwlb:firewall-drain', 'fw1', auth=None)
    assert rc == 4 and 'answered 401' in out, out
    rc, out = rt.cli('fwlb:firewall-drain', 'fw1', auth=('admin', 'wrong'))
    assert rc == 4 and 'refused the user name or password' in out, out
    assert admin_states(rt) == before
    log = log_since(rt.log, 0)
    assert 'authentication failed from 127.0.0.1' in log
    with open(rt.out.name, errors='replace') as f:
        log += f.read()                                               # and the console (stdout, stderr)
    assert rt.auth[1] not in log, 'the generated password is never logged'
    assert 'a random password, which is in %s (mode 0600' % os.path.abspath(rt.credentials) in log, \
        'the first start says where the password is'
    assert oct(os.stat(rt.credentials).st_mode & 0o777) == '0o600'


def test_a_viewer_reads_but_every_change_is_403(topo):
    rt = topo.runtime
    viewer = ('ops', 'ops-viewer-pw')
    before_cfg, before = rt.get(NETCFG), admin_states(rt)
    assert rt.request('GET', '/onos/fwlb/firewalls', auth=viewer)[0] == 200
    assert rt.request('GET', '/onos/cluster-dispatch/services', auth=viewer)[0] == 200
    assert rt.request('GET', NETCFG, auth=viewer)[0] == 200
    code, body = rt.request('POST', '/onos/fwlb/firewalls/fw1/drain', {}, auth=viewer)
    assert code == 403 and 'insufficient privilege' in body['message'], body
    assert rt.request('POST', NETCFG, {'apps': {}}, auth=viewer)[0] == 403
    assert rt.request('DELETE', NETCFG, auth=viewer, content_type=None)[0] == 403
    rc, out = rt.cli('fwlb:firewall-drain', 'fw1', auth=viewer)
    assert rc == 4 and 'user ops may not run commands' in out, out
    assert rt.get(NETCFG) == before_cfg and admin_states(rt) == before


def test_what_a_web_page_can_send_cross_site_is_refused(topo):
    """A browser that remembers the operator's BASIC credentials sends them with any request a page triggers;
    without a CORS preflight a page can only send text/plain, form or bodiless requests (and it cannot hide
    its Origin). Each is refused and nothing runs."""
    rt = topo.runtime
    before_cfg, before = rt.get(NETCFG), admin_states(rt)
    drain = json.dumps({'args': ['fwlb:firewall-drain', 'fw1']}).encode()
    for ctype in ('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'):
        code, body = rt.request('POST', '/fwlb-runtime/cli', drain, content_type=ctype)
        assert code == 415 and 'application/json' in body['message'], (ctype, code, body)
        moved = json.loads(json.dumps(topo.netcfg))
        fwlb_section(moved)['sandwich']['firewalls'][0]['outside']['ip'] = '10.0.1.99'
        code, body = rt.request('POST', NETCFG, json.dumps(moved).encode(), content_type=ctype)
        assert code == 415, (ctype, code, body)
        code, body = rt.request('POST', '/onos/fwlb/firewalls/fw1/drain', b'', content_type=ctype)
        assert code == 415, (ctype, code, body)
    code, body = rt.request('POST', '/onos/fwlb/firewalls/fw1/drain', None, content_type=None)
    assert code == 415 and 'none given' in body['message'], body
    code, body = rt.request('POST', '/fwlb-runtime/cli', {'args': ['fwlb:firewall-drain', 'fw1']},
                            headers={'Origin': 'http://attacker.example'})
    assert code == 403 and 'cross-origin' in body['message'], body
    assert rt.get(NETCFG) == before_cfg and admin_states(rt) == before
    assert traffic_flows(topo)


def test_l7_reports_need_the_reporter_role_which_may_do_nothing_else(topo):
    rt = topo.runtime
    reporter = ('l7', 'l7-reporter-pw')
    report = '/onos/cluster-dispatch/l7/d7x/report'
    assert rt.request('POST', report, {}, auth=None)[0] == 401
    assert rt.request('POST', report, {}, auth=('ops', 'ops-viewer-pw'))[0] == 403
    code, body = rt.request('POST', report, {}, auth=reporter)
    assert code == 404 and 'd7x' in json.dumps(body), (code, body)    # past the guard: FIG 1 has no L7/3 host
    assert rt.request('GET', '/onos/cluster-dispatch/directory', auth=reporter)[0] == 200
    before = admin_states(rt)
    for method, path in (('GET', '/onos/cluster-dispatch/connections'), ('GET', '/onos/fwlb/firewalls'),
                         ('GET', NETCFG), ('POST', '/onos/fwlb/firewalls/fw1/drain'),
                         ('POST', '/onos/cluster-dispatch/members/fw1/state')):
        code, body = rt.request(method, path, {'state': 'down'} if method == 'POST' else None, auth=reporter)
        assert code == 403, (method, path, code, body)
    assert admin_states(rt) == before


def _with_outside_address(netcfg, field):
    cfg = json.loads(json.dumps(netcfg))
    f = fwlb_section(cfg)
    f['servers'] = [{'id': 'srv9', 'ip': '10.0.2.29', 'mac': '02:fb:00:09:00:09',
                     'location': {'deviceId': f['sandwich']['internal']['deviceId'], 'port': 9}, 'services': ['http']}]
    f['dispatchers'] = [{'id': 'd9', 'kind': 'L4/3', 'deviceId': f['sandwich']['internal']['deviceId'],
                         'mac': '02:fb:00:09:00:01', 'ip': '10.0.2.100', 'reaches': ['srv9']}]
    f['services'] = [{'id': 'web9', 'vip': '10.0.2.100', 'port': 80, 'serviceType': 'http', 'firstStage': 'd9'}]
    if field == 'vip':
        f['services'][0]['vip'] = f['dispatchers'][0]['ip'] = '10.9.9.100'
    else:
        f['servers'][0]['ip'] = '192.168.9.29'
    return cfg


@pytest.mark.parametrize('field,expect', [
    ('vip', 'services[0].vip: 10.9.9.100 is outside every configured subnet'),
    ('server', 'servers[0].ip: 192.168.9.29 is outside every configured subnet'),
])
def test_an_address_outside_the_subnets_is_refused_and_traffic_flows_on(topo, workdir, field, expect):
    rt = topo.runtime
    before = rt.get(NETCFG)
    code, body = rt.post(NETCFG, _with_outside_address(topo.netcfg, field))
    assert code == 400 and expect in body['message'], body
    assert rt.get(NETCFG) == before
    assert traffic_flows(topo)

    # the same file at start-up: the runtime does not start
    d = os.path.join(workdir, 'bad-' + field)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, 'netcfg.json')
    with open(path, 'w') as f:
        json.dump(_with_outside_address(topo.netcfg, field), f)
    p = subprocess.run([FWLB, 'run', '--config', path, '--no-openflow', '--rest-port', '0', '--log-file', 'none',
                        '--users', os.path.join(d, 'users.properties')], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and 'invalid network configuration' in p.stderr and expect in p.stderr, p.stderr


def test_a_document_above_the_size_limit_is_413(topo):
    rt = topo.runtime
    before = rt.get(NETCFG)
    body = json.dumps(topo.netcfg).encode()
    body = body[:-1] + b', "padding": "' + b'x' * (1 << 20) + b'"}'
    code, answer = rt.request('POST', NETCFG, body)
    assert code == 413 and 'larger than the limit of 1048576 bytes' in answer['message'], (code, answer)
    assert rt.get(NETCFG) == before
    assert traffic_flows(topo)


# ---- OpenFlow: a second connection for a connected datapath -----------------------------------------------------

def impostor(port, dpid, wrap=None, timeout=15):
    """Speaks OpenFlow 1.3 as a switch with datapath id `dpid` until the controller closes the connection.
    Returns (closed, [message types received])."""
    raw = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    s = wrap(raw) if wrap else raw
    got = []
    try:
        s.sendall(struct.pack('!BBHI', 4, 0, 8, 1))                     # HELLO
        buf = b''
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, ssl.SSLError):
                return True, got
            if not chunk:
                return True, got
            buf += chunk
            while len(buf) >= 8:
                _, typ, length, xid = struct.unpack('!BBHI', buf[:8])
                if len(buf) < length:
                    break
                buf = buf[length:]
                got.append(OFPT.get(typ, typ))
                if typ == 5:                                             # FEATURES_REQUEST
                    s.sendall(struct.pack('!BBHIQIBB2xII', 4, 6, 32, xid, dpid, 0, 254, 0, 0, 0))
                elif typ == 2:                                           # ECHO_REQUEST
                    s.sendall(struct.pack('!BBHI', 4, 3, 8, xid))
        return False, got
    finally:
        s.close()


def test_a_second_connection_with_a_connected_dpid_is_refused_while_traffic_flows(topo):
    net, rt = topo.net, topo.runtime
    dpid = topo.spec.switches['so'].dpid
    assert traffic_flows(topo)
    offset = os.path.getsize(rt.log)      # the log is shared with test_runtime's FIG 1 runtime (same work dir)
    closed, got = impostor(rt.of_port, int(dpid, 16))
    assert closed, 'the impostor was not disconnected; it got %s' % got
    assert set(got) <= {'HELLO', 'FEATURES_REQUEST', 'ECHO_REQUEST'}, 'the impostor got %s' % got
    assert set(net.connected_switches()) >= {'so', 'si'}
    assert traffic_flows(topo)
    log = log_since(rt.log, offset)
    assert 'refusing a second connection for of:%s' % dpid in log, log[-3000:]
    assert 'switch of:%s disconnected' % dpid not in log, 'the real switch stayed connected'


# ---- OpenFlow over TLS, strict mode, with OVS -------------------------------------------------------------------

def sh(argv, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60, **kw)
    if p.returncode != 0:
        raise AssertionError('%s: %s' % (' '.join(argv), p.stdout + p.stderr))
    return p.stdout


class Pki:
    """Self-signed certificates: the controller's, the one OVS presents for every bridge (ovs-vswitchd has one
    SSL identity), and another that the trust store also vouches for. Controller key store: its key pair plus
    the OVS certificate under alias 'ovs' (strict mode compares with it); trust store: both switch certificates."""

    PW = 'e2e-store-pw'

    def __init__(self, d):
        self.d = d
        os.makedirs(d, exist_ok=True)
        self.pwfile = self.path('store.pw')
        with open(self.pwfile, 'w') as f:
            f.write(self.PW + '\n')
        os.chmod(self.pwfile, 0o600)
        for name in ('controller', 'ovs', 'other'):
            sh(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
                '-days', '2', '-subj', '/CN=fwlb-e2e-' + name, '-keyout', self.path(name + '-key.pem'),
                '-out', self.path(name + '-cert.pem')])
        self.keystore = self.path('controller.p12')
        self.truststore = self.path('trust.p12')
        sh(['openssl', 'pkcs12', '-export', '-name', 'controller', '-inkey', self.path('controller-key.pem'),
            '-in', self.path('controller-cert.pem'), '-out', self.keystore, '-passout', 'pass:' + self.PW])
        keytool = os.path.join(os.path.dirname(os.path.realpath(sh(['which', 'java']).strip())), 'keytool')
        for store, alias, cert in ((self.keystore, 'ovs', 'ovs'), (self.truststore, 'ovs', 'ovs'),
                                   (self.truststore, 'other', 'other')):
            sh([keytool, '-importcert', '-noprompt', '-keystore', store, '-storetype', 'PKCS12', '-storepass', self.PW,
                '-alias', alias, '-file', self.path(cert + '-cert.pem')])

    def path(self, name):
        return os.path.join(self.d, name)

    def client(self, name):
        """A TLS client context presenting certificate `name`."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.load_verify_locations(self.path('controller-cert.pem'))
        ctx.load_cert_chain(self.path(name + '-cert.pem'), self.path(name + '-key.pem'))
        return lambda sock: ctx.wrap_socket(sock)


@pytest.fixture(scope='class')
def tls_topo(workdir, topo):
    """FIG 1 again, its runtime in OpenFlow TLS strict mode; OVS connects with ssl: targets (after the plain
    topology of this module, which it replaces: one Mininet run at a time)."""
    stop_plain(topo)
    pki = Pki(os.path.join(workdir, 'pki'))
    spec = fwlbnet.load_spec('fig1')
    netcfg = fwlbnet.build_netcfg(spec)
    tune(fwlb_section(netcfg))
    netcfg['devices'] = {'of:' + spec.switches[s].dpid: {'openflow': {'keyAlias': 'ovs'}} for s in ('so', 'si')}
    d = os.path.join(workdir, 'fig1-tls')
    os.makedirs(d, exist_ok=True)
    pw = 'file:' + pki.pwfile
    rt = Runtime(netcfg, d, extra=['--of-tls-mode', 'strict', '--of-key-store', pki.keystore,
                                   '--of-key-store-password', pw, '--of-trust-store', pki.truststore,
                                   '--of-trust-store-password', pw]).start()
    net = None
    try:
        sh(['ovs-vsctl', 'set-ssl', pki.path('ovs-key.pem'), pki.path('ovs-cert.pem'), pki.path('controller-cert.pem')])
        net = fwlbnet.Net(spec, controller=('127.0.0.1', rt.of_port), wait_connected=0)
        net.start()
        for s in ('so', 'si'):
            sh(['ovs-vsctl', 'set-controller', spec.switches[s].bridge, 'ssl:127.0.0.1:%d' % rt.of_port])
        net.wait_connected(60)
        t = type('TlsTopology', (), {})()
        t.spec, t.net, t.runtime, t.pki = spec, net, rt, pki
        yield t
    finally:
        try:
            if net:
                net.stop()
        finally:
            rt.stop()
            subprocess.run(['ovs-vsctl', 'del-ssl'], capture_output=True)


class TestOpenFlowTlsStrict:

    def test_ovs_connects_over_tls_and_traffic_flows(self, tls_topo):
        t = tls_topo
        assert set(t.net.connected_switches()) >= {'so', 'si'}
        wait_for(lambda: t.net.curl('c1', 'http://10.0.2.21/', timeout=5)[0] == 200, 30, what='traffic over TLS')
        targets = sh(['ovs-vsctl', 'get-controller', t.spec.switches['so'].bridge])
        assert targets.strip() == 'ssl:127.0.0.1:%d' % t.runtime.of_port, targets
        with open(t.runtime.log) as f:
            log = f.read()
        assert '(TLS strict)' in log, log[:3000]

    def test_impostors_are_refused_and_the_switches_stay(self, tls_topo):
        t = tls_topo
        dpid = t.spec.switches['so'].dpid
        log = t.runtime.log
        cases = [('other', "its certificate is not the one under alias ovs for of:%s" % dpid),   # trusted, not so's
                 (None, 'not TLS: this listener requires TLS (tlsMode strict)'),
                 ('ovs', 'refusing a second connection for of:%s' % dpid)]                  # so's, but so is connected
        for cert, expect in cases:
            offset = os.path.getsize(log)
            closed, got = impostor(t.runtime.of_port, int(dpid, 16), wrap=t.pki.client(cert) if cert else None)
            assert closed and set(got) <= {'HELLO', 'FEATURES_REQUEST'}, (cert, got)
            wait_for(lambda: expect in log_since(log, offset), 10, what=expect)
        assert set(t.net.connected_switches()) >= {'so', 'si'}
        assert t.net.curl('c2', 'http://10.0.2.22/', timeout=5)[0] == 200
