"""L7/3 dispatchers with server cookies end to end (issue 6, "Proof"), on the FIG 5 preset: the first stage d1
(L4/2 switch, one-armed, round robin) spreads client connections for the VIP 10.0.1.100:80 over the hosts d7a
d7b d7c, each running the project's L7 dispatcher process (l7-dispatcher/, one JVM per host, in its network
namespace) in front of its own two servers on its own back network (d7a: srv1 srv2, d7b: srv3 srv4, d7c: srv5
srv6). The dispatchers report to the standalone runtime (the controller, REST over HTTPS on 0.0.0.0 so the
management network 10.254.0.0/24 reaches it; the dispatchers verify its certificate and address) as its user
`l7` (role l7-reporter: reports and the directory only, HTTP BASIC from the controller URL's user-info) and
take its directory; their control REST (:8082) is read from the
root namespace over the same management network.

Evidence is collected at three independent places: at the client (status, X-Server of the fwlbnet HTTP
server, the dispatcher's debug headers X-Fwlb-Dispatcher / X-Fwlb-Relayed-By, Set-Cookie), at the servers
(their own request and accepted-connection counters), and at the dispatchers / controller (GET /stats, /table,
/onos/cluster-dispatch/l7). The dispatchers health-check their servers with `GET /stats` over one persistent
connection: the fwlbnet server counts neither that request nor its connection, so every request and every
accepted connection a server counts in a test comes from client traffic.

1. test_cookie_sticks_..._controller_directory / ..._broadcast: 500 (resp. 150) new connections with a cookie
   all reach its server; those landing on the two other dispatchers are relayed (peer table, headers).
2. test_forged_or_tampered_cookie_never_selects_its_server
3. test_killed_server_falls_back_with_a_fresh_cookie_and_nothing_hangs
4. test_server_connections_stay_pooled_while_1000_client_connections_churn
5. test_malformed_requests_are_answered_and_never_reach_a_server
6. test_controller_counts_and_dead_dispatcher_gets_no_new_connections
7. test_control_and_relay_ports_refuse_the_unauthenticated (issue 14: secure defaults)
"""
import base64
import hashlib
import hmac
import json
import os
import random
import signal
import string
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

import fwlbnet
from conftest import fwlb_section, start_topology, stop_topology
from fwlbtest import ROOT, Capture, RestTls, wait_for

API = '/onos/cluster-dispatch/'
VIP = '10.0.1.100'
MGMT_RUNTIME = fwlbnet.net.MGMT_ROOT_IP                # the runtime on the Mininet management network
URL = 'http://%s/' % VIP
KEY = 'fig5-e2e-shared-secret-0123456789'
COOKIE = 'FWLBSRV'
# the control REST needs credentials (l7-dispatcher/README.md "Security"): the suite reads it with a read token
CONTROL_TOKEN = 'fig5-e2e-read-token-0123456789abcdef'
CONTROL_ADMIN = ('ops', 'fig5-e2e-admin-password')
POOL = 8                                                   # pool.maxPerServer
FWLB_L7 = os.path.join(ROOT, 'l7-dispatcher', 'bin', 'fwlb-l7')
L7_JAR = os.path.join(ROOT, 'l7-dispatcher', 'target', 'fwlb-l7-dispatcher.jar')
L7CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'l7client.py')
MALFORMED = os.path.join(ROOT, 'l7-dispatcher', 'src', 'test', 'resources', 'malformed')
PYTHON = '/usr/bin/python3'
SERVERS = ['srv%d' % i for i in range(1, 7)]
# a relay-port GET /_fwlb/has/... (broadcast lookup): TCP payload starting "GET /_fw"
HAS_QUERY = ('tcp dst port 8081 and tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420 '
             'and tcp[((tcp[12:1] & 0xf0) >> 2) + 4:4] = 0x2f5f6677')


# ---- cookies ----------------------------------------------------------------------------------------------

def mac(key, signed):
    d = hmac.new(key.encode(), b'fwlb2:' + signed.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(d).decode().rstrip('=')[:22]


def sign(server, issued=None, key=KEY, last=None):
    """Cookie format 2 (the README's): server.first.last.mac."""
    issued = int(time.time()) if issued is None else issued
    last = issued if last is None else last
    return '%s.%d.%d.%s' % (server, issued, last, mac(key, '%s.%d.%d' % (server, issued, last)))


def verify(value, key=KEY):
    """The server a cookie value names if its MAC is right (the README's format 2), else None."""
    parts = (value or '').split('.')
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return parts[0] if hmac.compare_digest(mac(key, '.'.join(parts[:3])), parts[3]) else None


# ---- the L7 dispatcher processes ----------------------------------------------------------------------------

class Fleet:
    """One L7 dispatcher process per L7/3 host of the netcfg, started in the host's namespace."""

    def __init__(self, topo, workdir):
        self.topo = topo
        self.workdir = os.path.join(workdir, 'l7')
        os.makedirs(self.workdir, exist_ok=True)
        f = fwlb_section(topo.netcfg)
        self.dispatchers = {d['id']: d for d in f['dispatchers'] if d['kind'] == 'L7/3'}
        self.server_ip = {s['id']: s['ip'] for s in f['servers']}
        self.owner = {s: d['id'] for d in self.dispatchers.values() for s in d['reaches']}
        self.procs = {}
        self.mode = None

    def names(self):
        return sorted(self.dispatchers)

    def config(self, name, mode):
        d = self.dispatchers[name]
        # secure defaults: the runtime serves HTTPS, the dispatcher checks its certificate (controllerCaFile) and
        # the management address it names, and reports as its own user
        user, password = self.topo.reporter
        directory = {'mode': mode, 'reportIntervalMs': 500, 'controllerCaFile': self.topo.runtime.tls.cert,
                     'controllerUrl': 'https://%s:%s@%s:%d/onos/cluster-dispatch'
                                      % (user, password, MGMT_RUNTIME, self.topo.runtime.rest_port)}
        if mode == 'broadcast':
            directory['peers'] = [{'id': p, 'relay': '%s:8081' % self.dispatchers[p]['ip']}
                                  for p in self.names() if p != name]
        return {'id': name,
                'listen': {'ip': '0.0.0.0', 'port': 80},
                'relay': {'ip': d['ip'], 'port': 8081},
                'control': {'ip': self.topo.net.management_ip(name), 'port': 8082,
                            'users': [{'user': CONTROL_ADMIN[0], 'password': CONTROL_ADMIN[1], 'role': 'admin'}],
                            'tokens': [{'token': CONTROL_TOKEN, 'role': 'read'}]},
                'cookie': {'name': COOKIE, 'key': KEY},
                'policy': d.get('policy', 'round-robin'),
                'servers': [{'id': s, 'ip': self.server_ip[s], 'port': 80} for s in d['reaches']],
                'pool': {'maxPerServer': POOL, 'idleMs': 30000},
                'health': {'intervalMs': 500, 'downAfter': 3, 'upAfter': 2, 'kind': 'http', 'path': '/stats'},
                'directory': directory,
                'workers': 2,
                'debugHeaders': True}

    def start(self, names=None, mode='controller', timeout=40):
        names = names or self.names()
        for n in names:
            assert n not in self.procs, n
            path = os.path.join(self.workdir, '%s-%s.json' % (n, mode))
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as f:   # keys: owner only
                json.dump(self.config(n, mode), f, indent=1)
            self.procs[n] = self.topo.net.host(n).popen([FWLB_L7, '--config', path, '--log-level', 'info'],
                                                        log=os.path.join(self.workdir, n + '.log'))
        self.mode = mode
        self.wait_ready(names, timeout)

    def wait_ready(self, names, timeout=40):
        """Each process answers on its control port, reaches the controller and sees its servers up; the
        controller lists it healthy."""
        def ready():
            for n in names:
                p = self.procs[n]
                if p.poll() is not None:
                    raise AssertionError('%s exited with %s:\n%s' % (n, p.returncode, self.log_tail(n)))
                try:
                    h = self.control(n, '/health')
                    s = self.control(n, '/stats')
                except (OSError, ValueError):
                    return False
                if h.get('status') != 'up' or h.get('controller') != 'connected':
                    return False
                if not all(x['health'] == 'up' for x in s['servers']):
                    return False
            l7 = {x['id']: x for x in self.topo.runtime.get(API + 'l7')['l7']}
            return all(l7[n]['health'] == 'up' and l7[n]['reportAgeMs'] >= 0 for n in names)
        wait_for(ready, timeout, interval=0.3, what='L7 dispatchers %s ready' % names)

    def stop(self, name, sig=signal.SIGTERM, timeout=15):
        p = self.procs.pop(name)
        if p.poll() is None:
            os.kill(p.pid, sig)          # nsenter execs the launcher, which execs java: p.pid is the JVM
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(10)
        return p.returncode

    def stop_all(self):
        for n in list(self.procs):
            self.stop(n)

    def log_tail(self, name, n=30):
        try:
            with open(os.path.join(self.workdir, name + '.log'), errors='replace') as f:
                return ''.join(f.readlines()[-n:])
        except OSError:
            return ''

    def control(self, name, path):
        url = 'http://%s:8082%s' % (self.topo.net.management_ip(name), path)
        req = urllib.request.Request(url, headers={'Authorization': 'Bearer ' + CONTROL_TOKEN})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read())

    def stats(self):
        return {n: self.control(n, '/stats') for n in self.names() if n in self.procs}

    def tables(self):
        return {n: self.control(n, '/table') for n in self.names() if n in self.procs}


# ---- helpers -----------------------------------------------------------------------------------------------

def http_get(topo, host, n, concurrency=1, cookie=None, timeout=5, url=URL):
    argv = [PYTHON, L7CLIENT, 'get', url, '-n', str(n), '-c', str(concurrency), '--timeout', str(timeout)]
    if cookie is not None:
        argv += ['-H', 'Cookie: %s=%s' % (COOKIE, cookie)]
    p = topo.net.host(host).run(argv, timeout=n * timeout / concurrency + 60)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout)


def count(records, key):
    out = {}
    for r in records:
        out[r[key]] = out.get(r[key], 0) + 1
    return out


def server_stats(topo):
    return {s: topo.net.service_stats(s, 'http') for s in SERVERS}


def server_delta(after, before, field):
    return {s: after[s].get(field, 0) - before[s].get(field, 0) for s in SERVERS}


def table_counts(tables):
    return {n: dict(t['counts']) for n, t in tables.items()}


def stat_delta(after, before, field):
    return {n: after[n][field] - before[n][field] for n in after}


def per_server(stats, field):
    return {s['id']: s[field] for st in stats.values() for s in st['servers']}


def l7_view(rt):
    return {x['id']: x for x in rt.get(API + 'l7')['l7']}


def capture_front(topo, host, workdir, tag):
    name = topo.spec.hosts[host].intfs[0].name
    return Capture(name, os.path.join(workdir, '%s-%s.pcap' % (tag, name)),
                   netns_pid=topo.net.host(host).pid).start()


def get_cookie(topo, fleet, server, host='c1'):
    """A cookie the system issued for `server`: new connections until the policy picks it."""
    for _ in range(4):
        res = http_get(topo, host, 12, concurrency=1)
        for r in res['records']:
            if r['server'] == server and r['setCookie']:
                assert verify(r['setCookie']) == server, r
                return r['setCookie']
    raise AssertionError('no response from %s in 48 requests' % server)


# ---- fixtures ----------------------------------------------------------------------------------------------

@pytest.fixture(scope='class')
def fig5(workdir):
    if not os.path.exists(L7_JAR):
        pytest.skip('L7 dispatcher not built (mvn -pl l7-dispatcher install)')
    tls = RestTls(os.path.join(workdir, 'fig5-rest-tls'), ips=('127.0.0.1', MGMT_RUNTIME))
    t = start_topology('fig5', workdir, extra=['--rest-address', '0.0.0.0'], tls=tls)
    # the dispatchers' own user: it may report and read the directory, nothing else
    t.reporter = ('l7', base64.urlsafe_b64encode(os.urandom(18)).decode())
    t.runtime.add_user(*t.reporter, roles=['l7-reporter'])
    fleet = Fleet(t, workdir)
    try:
        wait_for(lambda: any(20000 <= f['priority'] < 21000 for f in t.net.flows('d1', sync=False)), 40,
                 what='SYN punt rules on d1')
        fleet.start(mode='controller')
        t.fleet = fleet
        # warm-up: the JVMs' first requests (JIT, first pooled connections, first relays)
        http_get(t, 'c1', 30, concurrency=3)
        http_get(t, 'c1', 30, concurrency=3, cookie=sign('srv1'))
        yield t
    finally:
        try:
            fleet.stop_all()
        finally:
            stop_topology(t)


# ---- tests -------------------------------------------------------------------------------------------------

class TestFig5L7:

    def _stickiness(self, topo, n, tag, workdir):
        """A cookie from server S; n requests on new connections carrying it, landing on all three dispatchers
        (d1 round robin): every one answered by S; those that landed on another dispatcher relayed to S's
        dispatcher (X-Fwlb-Relayed-By = S's dispatcher, entries and totals in its matching table, relayedOut /
        relayedIn counters), the reply coming back through the dispatcher the client reached. Returns
        (S, owner, has-queries captured on the owner's front interface per source IP)."""
        fleet = topo.fleet
        first = http_get(topo, 'c2', 1)
        assert not first['errors'] and first['records'][0]['status'] == 200, first
        rec = first['records'][0]
        server, cookie = rec['server'], rec['setCookie']
        assert cookie and verify(cookie) == server, rec            # signed with the configured key, names S
        assert rec['fwlbServer'] == server and rec['dispatcher'] == fleet.owner[server], rec
        owner = fleet.owner[server]
        others = [d for d in fleet.names() if d != owner]

        cap = capture_front(topo, owner, workdir, tag)
        srv0, st0, tb0 = server_stats(topo), fleet.stats(), table_counts(fleet.tables())
        res = http_get(topo, 'c1', n, concurrency=4, cookie=cookie)
        time.sleep(0.3)
        srv1, st1, tables = server_stats(topo), fleet.stats(), fleet.tables()
        tb1 = table_counts(tables)
        assert cap.stop() == 0, cap.stderr
        recs = res['records']

        # the client: all n answered by S, no new cookie
        assert res['errors'] == [] and len(recs) == n, res['errors'][:5]
        assert count(recs, 'status') == {200: n}, count(recs, 'status')
        assert count(recs, 'server') == {server: n}, count(recs, 'server')
        assert count(recs, 'fwlbServer') == {server: n}
        assert [r for r in recs if r['setCookie']] == [], 'a valid cookie for a live server got a new one'
        # landed everywhere (d1 round robin); relayed exactly when landing elsewhere than S's dispatcher
        landed = count(recs, 'dispatcher')
        assert set(landed) == set(fleet.names()), landed
        for d in fleet.names():
            assert abs(landed[d] - n / 3) <= n * 0.05 + 2, landed
        for r in recs:
            assert r['relayedBy'] == (owner if r['dispatcher'] != owner else None), r
        relayed = {d: landed[d] for d in others}
        # the owner's matching table: per via->S, exactly the relays the client saw through each other one
        for d in others:
            key = '%s->%s' % (d, server)
            assert tb1[owner].get(key, 0) - tb0[owner].get(key, 0) == relayed[d], (key, tb0[owner], tb1[owner])
        assert sum(tb1[owner].values()) - sum(tb0[owner].values()) == sum(relayed.values()), tb1[owner]
        c1_ip = topo.net.ip('c1')
        recent = tables[owner]['entries'][:sum(relayed.values())]
        assert recent and all(e['server'] == server and e['via'] in others and e['client'].split(':')[0] == c1_ip
                              and e['serverConn'] for e in recent), recent[:3]
        for d in others:                                          # nobody else's table moved
            assert tb1[d] == tb0[d], (d, tb0[d], tb1[d])
        so = stat_delta(st1, st0, 'relayedOut')
        si = stat_delta(st1, st0, 'relayedIn')
        assert so == dict(relayed, **{owner: 0}), so
        assert si == {d: (sum(relayed.values()) if d == owner else 0) for d in fleet.names()}, si
        assert sum(stat_delta(st1, st0, 'relayRefused').values()) == 0
        # the servers: S served all n, nobody else anything
        d = server_delta(srv1, srv0, 'requests')
        assert d == {s: (n if s == server else 0) for s in SERVERS}, d
        print('%s: cookie for %s (%s): %d requests, landed %s, relayed %s, owner table %s; %.0f req/s'
              % (tag, server, owner, n, landed, relayed, tb1[owner], n / res['duration']))
        has = {}
        for ln in cap.lines(HAS_QUERY):
            src = ln.split(' IP ', 1)[1].split(' > ')[0].rsplit('.', 1)[0]
            has[src] = has.get(src, 0) + 1
        return server, owner, has

    def test_cookie_sticks_across_dispatchers_controller_directory(self, fig5, workdir):
        """Item 1 (directory mode controller): 500 new connections with S's cookie all reach S, 2/3 of them
        relayed; no dispatcher broadcast a /_fwlb/has query (they used the controller's directory)."""
        assert fig5.fleet.mode == 'controller'
        server, owner, has = self._stickiness(fig5, 500, 'sticky-controller', workdir)
        assert has == {}, has

    def test_forged_or_tampered_cookie_never_selects_its_server(self, fig5):
        """Item 2: 100 requests whose cookie names srv6 but is not validly signed (random MAC, srv1's issued+MAC
        spliced onto srv6, srv6's timestamp changed, signed with another key): none is relayed, each gets a fresh
        validly signed cookie naming the server that answered, srv6 gets no more than the policy's share (only
        via d7c, which reaches it), and the dispatchers counted 100 invalid cookies. Control: the same request
        with a correctly signed srv6 cookie always reaches srv6."""
        topo, fleet = fig5, fig5.fleet
        now = int(time.time())
        good1 = sign('srv1', now)
        good6 = sign('srv6', now)
        rnd = ''.join(random.choice(string.ascii_letters + string.digits + '-_') for _ in range(22))
        forged = {'random-mac': 'srv6.%d.%s' % (now, rnd),
                  'spliced': 'srv6.' + good1.split('.', 1)[1],
                  'timestamp': 'srv6.%d.%d.%s' % (now + 1, now + 1, good6.rsplit('.', 1)[1]),
                  'other-key': sign('srv6', now, key='not-the-shared-key-at-all')}
        for v in forged.values():
            assert verify(v) is None, v
        st0, srv0, tb0 = fleet.stats(), server_stats(topo), fleet.tables()
        recs = []
        for kind, value in forged.items():
            res = http_get(topo, 'c1', 25, concurrency=4, cookie=value)
            assert res['errors'] == [] and len(res['records']) == 25, (kind, res['errors'][:3])
            recs += res['records']
        st1, srv1, tb1 = fleet.stats(), server_stats(topo), fleet.tables()
        assert count(recs, 'status') == {200: 100}, count(recs, 'status')
        for r in recs:
            assert r['setCookie'] and verify(r['setCookie']) == r['server'], r      # fresh, valid, names its server
            assert r['relayedBy'] is None, r                                       # never relayed toward srv6
        served = count(recs, 'server')
        landed = count(recs, 'dispatcher')
        print('forged srv6 cookies: served %s, landed %s' % (served, landed))
        assert served.get('srv6', 0) <= landed.get('d7c', 0), (served, landed)
        assert served.get('srv6', 0) <= 100 / 6 + 6, served                     # at most its fair share
        assert len(served) == 6, served                                         # the policy spread them
        assert sum(stat_delta(st1, st0, 'cookieInvalid').values()) == 100, stat_delta(st1, st0, 'cookieInvalid')
        assert sum(stat_delta(st1, st0, 'relayedOut').values()) == 0
        assert tb1['d7c']['total'] == tb0['d7c']['total']
        assert server_delta(srv1, srv0, 'requests') == {s: served.get(s, 0) for s in SERVERS}
        # control: a correctly signed srv6 cookie selects srv6 from every dispatcher
        res = http_get(topo, 'c1', 30, concurrency=3, cookie=sign('srv6'))
        assert count(res['records'], 'server') == {'srv6': 30}, count(res['records'], 'server')

    def test_killed_server_falls_back_with_a_fresh_cookie_and_nothing_hangs(self, fig5):
        """Item 3: srv3's HTTP daemon is killed; requests with srv3's cookie (landing on all dispatchers: direct
        on d7b, relayed from d7a/d7c) right after the kill and again once d7b's checks marked it down (and the
        controller learnt it from d7b's report) all complete within the timeout, from another server, with a
        fresh cookie naming it; srv3 back up serves its cookie again."""
        topo, fleet = fig5, fig5.fleet
        cookie = get_cookie(topo, fleet, 'srv3')
        res = http_get(topo, 'c1', 9, concurrency=3, cookie=cookie)
        assert count(res['records'], 'server') == {'srv3': 9}, res
        try:
            assert topo.net.stop_service('srv3', 'http')
            t0 = time.time()
            phases = {'just killed': http_get(topo, 'c1', 60, concurrency=3, cookie=cookie, timeout=5)}
            wait_for(lambda: {s['id']: s['health'] for s in fleet.control('d7b', '/stats')['servers']}['srv3']
                     == 'down', 10, what='d7b sees srv3 down')
            detected = time.time() - t0
            wait_for(lambda: topo.runtime.get(API + 'servers/srv3')['health'] == 'down', 5,
                     what='controller sees srv3 down')
            phases['marked down'] = http_get(topo, 'c1', 60, concurrency=3, cookie=cookie, timeout=5)
            for phase, res in phases.items():
                recs = res['records']
                lat = sorted(r['ms'] for r in recs)
                print('srv3 %s (down after %.1f s): served %s, landed %s, max %.0f ms'
                      % (phase, detected, count(recs, 'server'), count(recs, 'dispatcher'), lat[-1] if lat else -1))
                assert res['errors'] == [] and len(recs) == 60, (phase, res['errors'][:5])
                assert count(recs, 'status') == {200: 60}, (phase, count(recs, 'status'))
                assert 'srv3' not in count(recs, 'server'), phase
                for r in recs:
                    assert r['setCookie'] and verify(r['setCookie']) == r['server'] != 'srv3', (phase, r)
                assert lat[-1] < 3000, (phase, lat[-5:])
                assert set(count(recs, 'dispatcher')) == set(fleet.names()), (phase, count(recs, 'dispatcher'))
        finally:
            topo.net.start_service('srv3', 'http')
        wait_for(lambda: {s['id']: s['health'] for s in fleet.control('d7b', '/stats')['servers']}['srv3'] == 'up',
                 10, what='srv3 up again')
        res = http_get(topo, 'c1', 9, concurrency=3, cookie=cookie)
        assert count(res['records'], 'server') == {'srv3': 9}, res

    def test_server_connections_stay_pooled_while_1000_client_connections_churn(self, fig5):
        """Item 4: ab -n 1000 -c 8 without keep-alive (1000 client connections, no cookie) and, at the same time,
        300 new connections with srv1's cookie (2/3 relayed to d7a): each server accepted at most maxPerServer
        new TCP connections (counted by the server; equal to its dispatcher's openedTotal), while the servers
        answered all 1300 requests; peer relay connections stay within their pool as well."""
        topo, fleet = fig5, fig5.fleet
        cookie = get_cookie(topo, fleet, 'srv1', host='c2')
        conn0, srv0, st0 = topo.net.http_connections(SERVERS), server_stats(topo), fleet.stats()
        out = {}
        th = threading.Thread(target=lambda: out.update(sticky=http_get(topo, 'c2', 300, concurrency=4,
                                                                         cookie=cookie)))
        th.start()
        ab = topo.net.ab('c1', URL, 1000, concurrency=8)
        th.join()
        # a server counts a request after it wrote the answer, so the client may be done first
        wait_for(lambda: sum(server_delta(server_stats(topo), srv0, 'requests').values()) >= 1300, 5,
                 what='the servers to count 1300 requests')
        conn1, srv1, st1 = topo.net.http_connections(SERVERS), server_stats(topo), fleet.stats()
        sticky = out['sticky']
        accepted = {s: conn1[s] - conn0[s] for s in SERVERS}
        opened = {s: per_server(st1, 'openedTotal')[s] - per_server(st0, 'openedTotal')[s] for s in SERVERS}
        reqs = server_delta(srv1, srv0, 'requests')
        peers0 = {(n, p['relay']): p['openedTotal'] for n, st in st0.items() for p in st['peerConnections']}
        peers = {(n, p['relay']): p['openedTotal'] - peers0.get((n, p['relay']), 0)
                 for n, st in st1.items() for p in st['peerConnections']}
        print('churn: ab %d done %.0f req/s failed %d; sticky %s; server requests %s; accepted %s; pool opened %s; '
              'peer pools opened %s' % (ab.completed, ab.rps, ab.failed, count(sticky['records'], 'server'), reqs,
                                        accepted, opened, peers))
        assert ab.completed == 1000 and ab.failed == 0 and ab.non2xx == 0, ab.output[-2000:]
        assert sticky['errors'] == [] and count(sticky['records'], 'server') == {'srv1': 300}, sticky['errors'][:3]
        assert sum(reqs.values()) == 1300 and reqs['srv1'] >= 300, reqs
        assert all(reqs[s] > 100 for s in SERVERS), reqs
        for s in SERVERS:
            assert 0 <= accepted[s] <= POOL, (s, accepted)
        assert accepted == opened, (accepted, opened)
        assert sum(accepted.values()) <= len(SERVERS) * POOL < 1300 / 10
        assert all(v <= POOL for v in peers.values()), peers

    def test_malformed_requests_are_answered_and_never_reach_a_server(self, fig5):
        """Item 5: the 34 malformed inputs of l7-dispatcher/src/test/resources/malformed, each on a new connection
        from c1 to the VIP (so spread over the three dispatchers by d1): each gets the status its file name
        says, the dispatcher closes the connection, and no server sees a request, a bad request or a connection;
        the dispatchers counted one bad request per case."""
        topo, fleet = fig5, fig5.fleet
        files = sorted(os.path.join(MALFORMED, f) for f in os.listdir(MALFORMED) if f.endswith('.txt'))
        assert len(files) >= 20, files
        srv0, conn0, st0 = server_stats(topo), topo.net.http_connections(SERVERS), fleet.stats()
        p = topo.net.host('c1').run([PYTHON, L7CLIENT, 'raw', VIP, '80'] + files + ['--timeout', '8'],
                                    timeout=len(files) * 10 + 30)
        assert p.returncode == 0, p.stderr[-2000:]
        results = json.loads(p.stdout)['results']
        time.sleep(0.5)
        srv1, conn1, st1 = server_stats(topo), topo.net.http_connections(SERVERS), fleet.stats()
        wrong = []
        for r in results:
            want = int(os.path.basename(r['file']).split('-', 1)[0])
            if r['status'] != want or not r['closedByPeer'] or r['ms'] > 5000:
                wrong.append((os.path.basename(r['file']), want, r['statusLine'], r['closedByPeer'], round(r['ms'])))
        print('malformed: %d cases, statuses %s, slowest %.0f ms'
              % (len(results), count(results, 'status'), max(r['ms'] for r in results)))
        assert wrong == [], wrong
        assert len(results) == len(files)
        for field in ('requests', 'badRequests', 'connections'):
            assert server_delta(srv1, srv0, field) == {s: 0 for s in SERVERS}, (field, server_delta(srv1, srv0, field))
        assert conn1 == conn0
        bad = stat_delta(st1, st0, 'badRequests')
        assert sum(bad.values()) == len(files), bad
        assert sum(1 for v in bad.values() if v) >= 2, bad                    # several dispatchers got some
        assert sum(stat_delta(st1, st0, 'requests').values()) == 0
        assert sum(per_server(st1, 'requests').values()) == sum(per_server(st0, 'requests').values())

    def test_controller_counts_and_dead_dispatcher_gets_no_new_connections(self, fig5):
        """Item 6 (controller side): GET /onos/cluster-dispatch/l7 lists d7a-d7c healthy with request counts equal
        to what the clients saw per dispatcher and per server (and what the servers counted). SIGKILL d7b: the
        controller marks it down within ~2 s (3 report intervals + sweep) and d1 sends it no new connection (60
        requests all succeed, none via d7b, none on srv3/srv4); restarted, it is up again and gets its third."""
        topo, fleet, rt = fig5, fig5.fleet, fig5.runtime
        v0, srv0 = l7_view(rt), server_stats(topo)
        assert all(v0[n]['health'] == 'up' for n in fleet.names()), v0
        res = http_get(topo, 'c3', 90, concurrency=3)
        assert res['errors'] == [] and count(res['records'], 'status') == {200: 90}, res['errors'][:3]
        landed, served = count(res['records'], 'dispatcher'), count(res['records'], 'server')
        srv_counted = server_delta(server_stats(topo), srv0, 'requests')

        def counted():
            v = l7_view(rt)
            d = {n: v[n]['requests'] - v0[n]['requests'] for n in fleet.names()}
            s = {sid: v[n]['servers'][sid]['requests'] - v0[n]['servers'][sid]['requests']
                 for n in fleet.names() for sid in v[n]['servers']}
            return (d, s) if d == {n: landed.get(n, 0) for n in fleet.names()} else None
        by_dispatcher, by_server = wait_for(counted, 5, what='the reports to show the 90 requests')
        assert by_server == {s: served.get(s, 0) for s in SERVERS} == srv_counted, (by_server, served, srv_counted)
        assert sum(by_dispatcher.values()) == 90 and all(v >= 25 for v in by_dispatcher.values()), by_dispatcher
        print('controller l7 view: per dispatcher %s, per server %s' % (by_dispatcher, by_server))

        try:
            fleet.stop('d7b', sig=signal.SIGKILL)
            t0 = time.time()
            wait_for(lambda: rt.get(API + 'dispatchers/d7b')['health'] == 'down', 6, interval=0.05,
                     what='controller marks d7b down')
            detected = time.time() - t0
            print('d7b marked down %.2f s after SIGKILL' % detected)
            assert detected <= 2.5, detected
            assert l7_view(rt)['d7b']['health'] == 'down'
            srv_b0 = server_stats(topo)
            res = http_get(topo, 'c3', 60, concurrency=3, timeout=5)
            assert res['errors'] == [] and count(res['records'], 'status') == {200: 60}, res['errors'][:5]
            landed = count(res['records'], 'dispatcher')
            assert set(landed) == {'d7a', 'd7c'} and abs(landed['d7a'] - 30) <= 2, landed
            assert not {'srv3', 'srv4'} & set(count(res['records'], 'server')), count(res['records'], 'server')
            d = server_delta(server_stats(topo), srv_b0, 'requests')
            assert d['srv3'] == d['srv4'] == 0, d
        finally:
            if 'd7b' not in fleet.procs:
                fleet.start(['d7b'], mode=fleet.mode)
        wait_for(lambda: rt.get(API + 'dispatchers/d7b')['health'] == 'up', 10, what='d7b up again')
        res = http_get(topo, 'c3', 60, concurrency=3)
        landed = count(res['records'], 'dispatcher')
        assert res['errors'] == [] and abs(landed.get('d7b', 0) - 20) <= 3, landed

    def test_control_and_relay_ports_refuse_the_unauthenticated(self, fig5):
        """Issue 14: a host on the fabric asking d7a's relay port without the relay key (a relay naming srv1 with a
        valid cookie, a /_fwlb/has query, forged relay headers) gets 403 and srv1 sees nothing; d7a's control REST
        answers 401 without credentials and 403 to the read token on a change. The dispatchers' link to the
        controller is HTTPS (no controller_insecure warning) and their logs never show the reporter's password."""
        topo, fleet = fig5, fig5.fleet
        relay = 'http://%s:8081' % fleet.dispatchers['d7a']['ip']
        srv0 = server_stats(topo)
        cookie = 'Cookie: %s=%s' % (COOKIE, sign('srv1'))
        probes = [('/', ['X-Fwlb-Relay: d7b', 'X-Fwlb-Server: srv1', cookie]), ('/_fwlb/has/srv1', []),
                  ('/', ['X-Fwlb-Relay: d7b', 'X-Fwlb-Server: srv1', cookie, 'X-Fwlb-Ts: %d' % (time.time() * 1000),
                         'X-Fwlb-Nonce: AAAAAAAAAAAAAAAAAAAAAA', 'X-Fwlb-Sig: forged'])]
        for path, headers in probes:
            argv = [PYTHON, L7CLIENT, 'status', relay + path]
            for h in headers:
                argv += ['-H', h]
            p = topo.net.host('d7b').run(argv, timeout=30)
            assert p.returncode == 0, p.stderr[-2000:]
            r = json.loads(p.stdout)
            assert r['status'] == 403 and r['headers'].get('x-fwlb-refused') == 'auth', (path, r)
        assert server_delta(server_stats(topo), srv0, 'requests')['srv1'] == 0
        url = 'http://%s:8082' % topo.net.management_ip('d7a')
        for path in ('/health', '/stats', '/table'):
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(url + path, timeout=5)
            assert e.value.code == 401, path
        put = urllib.request.Request(url + '/servers/srv1', data=b'{"weight":1}', method='PUT',
                                     headers={'Authorization': 'Bearer ' + CONTROL_TOKEN})
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(put, timeout=5)
        assert e.value.code == 403
        assert fleet.stats()['d7a']['relayForbidden'] >= len(probes)
        for n in fleet.names():                          # the controller link: HTTPS, credentials never logged
            log = fleet.log_tail(n, n=100000)
            assert 'event=started' in log and 'controller=https://***@%s:' % MGMT_RUNTIME in log, log[-2000:]
            assert 'controller_insecure' not in log and topo.reporter[1] not in log, log[-2000:]
            assert 'config_readable_by_others' not in log, log[-2000:]

    def test_cookie_sticks_across_dispatchers_broadcast_directory(self, fig5, workdir):
        """Item 1 (directory mode broadcast): the dispatchers restarted with mode broadcast and static peers;
        150 new connections with S's cookie all reach S, relayed from the two others, and S's dispatcher received
        /_fwlb/has queries from both of them (captured on its front interface) - the lookup went over the peers."""
        topo, fleet = fig5, fig5.fleet
        fleet.stop_all()
        try:
            fleet.start(mode='broadcast')
            http_get(topo, 'c1', 12, concurrency=3)                     # warm-up after the restart
            server, owner, has = self._stickiness(topo, 150, 'sticky-broadcast', workdir)
            others = {fleet.dispatchers[d]['ip'] for d in fleet.names() if d != owner}
            assert set(has) == others, (has, others)
        finally:
            fleet.stop_all()
            fleet.start(mode='controller')
