"""Build and drive a topology: Net (in-process, owns the Mininet object), Attached (a topology
brought up by `python3 -m fwlbnet up`, driven from another process), and the helpers both share.

Commands inside hosts run through nsenter into the host's network namespace (not Mininet's
host.cmd, whose single shell cannot serve two callers at once): helpers are thread-safe and may
run concurrently on the same host (e.g. a long transfer while ab runs).
"""
import itertools
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from . import firewall, paced, tools
from .netcfg import build_netcfg
from .spec import load_spec, parse_controller, static_mac_entries

MARK_ENV = 'FWLBNET_OWNER'
STATE_DIR = os.environ.get('FWLBNET_STATE_DIR', '/run/fwlbnet')
PKG_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = '/usr/bin/python3'
KEEP = object()          # "controller as in the spec"
_PACED_IDS = itertools.count(1)
_ACTIVE = set()          # prefixes of the Nets started by this process


#: management network of the L7/3 dispatcher hosts (root namespace end: MGMT_ROOT_IP)
MGMT_NET = '10.254.0.%d'
MGMT_ROOT_IP = '10.254.0.254'


class NetError(RuntimeError):
    """A topology could not be built, started, reached or stopped; the message says why."""


# ----------------------------------------------------------------------------------------------
# small process helpers
# ----------------------------------------------------------------------------------------------

def sh(cmd, timeout=60, check=False, input=None):
    """Run a command in the root namespace; returns CompletedProcess (text)."""
    p = subprocess.run(cmd if isinstance(cmd, list) else ['sh', '-c', cmd], capture_output=True,
                       text=True, timeout=timeout, input=input)
    if check and p.returncode != 0:
        raise NetError('command failed (%d): %s\n%s' % (p.returncode, cmd, (p.stderr or p.stdout).strip()))
    return p


def pid_alive(pid):
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().split(')')[-1].split()[0] != 'Z'
    except OSError:
        return False


def marked_pids(prefix):
    """PIDs of processes carrying FWLBNET_OWNER=<prefix> in their environment (everything the
    harness started for that prefix: Mininet shells, servers, holders), except this process."""
    tag = ('%s=%s' % (MARK_ENV, prefix)).encode() + b'\0'
    me = os.getpid()
    out = []
    for d in os.listdir('/proc'):
        if not d.isdigit() or int(d) == me:
            continue
        try:
            with open('/proc/%s/environ' % d, 'rb') as f:
                env = f.read() + b'\0'
        except OSError:
            continue
        if b'\0' + tag in b'\0' + env:
            out.append(int(d))
    return out


def kill_pids(pids, timeout=3.0):
    pids = [p for p in pids if p != os.getpid()]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for p in pids:
            try:
                os.kill(p, sig)
            except OSError:
                pass
        deadline = time.time() + timeout
        while time.time() < deadline and any(pid_alive(p) for p in pids):
            time.sleep(0.02)
        pids = [p for p in pids if pid_alive(p)]
        if not pids:
            return
    # zombies of our own children are reaped by their parent; nothing else to do


def ovs_running():
    return sh(['ovs-vsctl', '--timeout=5', 'show'], timeout=10).returncode == 0


def state_path(prefix):
    return os.path.join(STATE_DIR, prefix + '.json')


def read_state(prefix):
    try:
        with open(state_path(prefix)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_state(prefix, state):
    os.makedirs(STATE_DIR, exist_ok=True)
    tmp = state_path(prefix) + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(state, f, indent=1)
    os.replace(tmp, state_path(prefix))


def cleanup_prefix(prefix, host_names=(), bridges=(), quiet=True, keep_pids=()):
    """Remove everything the harness owns under `prefix`: marked processes, named netns
    <prefix>-*, OVS bridges <prefix>*, root-namespace interfaces <prefix>* (and, when given, stale
    root-namespace host interfaces of a spec). Bridges are deleted one per ovs-vsctl call, before
    anything is re-created (the stale-bridge pitfall). Returns a list of what was removed."""
    removed = []
    pids = [p for p in marked_pids(prefix) if p not in keep_pids]
    if pids:
        kill_pids(pids)
        removed.append('%d processes' % len(pids))
    ns = sh(['ip', 'netns', 'list'], timeout=10).stdout.split('\n')
    for line in ns:
        n = line.split(' ')[0].strip()
        if n.startswith(prefix + '-'):
            sh(['ip', 'netns', 'del', n], timeout=10)
            removed.append('netns ' + n)
    if ovs_running():
        brs = sh(['ovs-vsctl', '--timeout=10', 'list-br'], timeout=20).stdout.split()
        for br in sorted(set([b for b in brs if b.startswith(prefix)]) | set(b for b in bridges if b in brs)):
            sh(['ovs-vsctl', '--timeout=10', '--if-exists', 'del-br', br], timeout=20)
            removed.append('bridge ' + br)
    links = sh(['ip', '-o', 'link', 'show'], timeout=10).stdout
    for line in links.splitlines():
        try:
            name = line.split(':')[1].strip().split('@')[0]
        except IndexError:
            continue
        if name.startswith(prefix) or any(name.startswith(h + '-eth') for h in host_names):
            sh(['ip', 'link', 'del', name], timeout=10)
            removed.append('interface ' + name)
    st = read_state(prefix)
    if st is not None and not pid_alive(st.get('holder')):
        try:
            os.unlink(state_path(prefix))
        except OSError:
            pass
    if removed and not quiet:
        print('cleanup %s: removed %s' % (prefix, ', '.join(removed)))
    return removed


def _switch_port_mac(dpid, port):
    return '0e:%s:%s:%s:%s:%02x' % (dpid[8:10], dpid[10:12], dpid[12:14], dpid[14:16], port)


# ----------------------------------------------------------------------------------------------
# hosts
# ----------------------------------------------------------------------------------------------

class HostHandle:
    """A Mininet host reached through its network namespace (by the PID of its shell)."""

    def __init__(self, name, pid, prefix, spec_host=None):
        self.name = name
        self.pid = pid
        self.prefix = prefix
        self.spec = spec_host

    def __repr__(self):
        return '<host %s pid=%s>' % (self.name, self.pid)

    def _argv(self, cmd):
        inner = cmd if isinstance(cmd, list) else ['sh', '-c', cmd]
        return ['nsenter', '-t', str(self.pid), '-n', '--'] + inner

    def _env(self):
        env = dict(os.environ)
        env[MARK_ENV] = self.prefix
        env['PYTHONPATH'] = PKG_PARENT + (':' + env['PYTHONPATH'] if env.get('PYTHONPATH') else '')
        return env

    def run(self, cmd, timeout=60, check=False, input=None):
        """Run cmd (shell string or argv list) in the host; CompletedProcess with text output."""
        try:
            p = subprocess.run(self._argv(cmd), capture_output=True, text=True, timeout=timeout,
                               input=input, env=self._env())
        except subprocess.TimeoutExpired as e:
            raise NetError('%s: command timed out after %ss: %s' % (self.name, timeout, cmd)) from e
        if check and p.returncode != 0:
            raise NetError('%s: command failed (%d): %s\n%s' % (self.name, p.returncode, cmd,
                                                                (p.stderr or p.stdout).strip()))
        return p

    def cmd(self, cmd, timeout=60):
        """Run and return stdout+stderr as one string (like Mininet's host.cmd)."""
        p = self.run(cmd, timeout=timeout)
        return p.stdout + p.stderr

    def popen(self, cmd, log=None, **kw):
        """Start a background process in the host (own session, marked as ours)."""
        out = open(log, 'ab') if log else subprocess.DEVNULL
        try:
            return subprocess.Popen(self._argv(cmd), stdout=kw.pop('stdout', out),
                                    stderr=kw.pop('stderr', subprocess.STDOUT if log else subprocess.DEVNULL),
                                    stdin=subprocess.DEVNULL, start_new_session=True, env=self._env(), **kw)
        finally:
            if log:
                out.close()

    def listening(self, proto='tcp'):
        """Ports in LISTEN state in the host (read from /proc, no subprocess)."""
        ports = set()
        for fn in ('/proc/%d/net/%s' % (self.pid, proto), '/proc/%d/net/%s6' % (self.pid, proto)):
            try:
                with open(fn) as f:
                    next(f)
                    for line in f:
                        w = line.split()
                        if proto == 'udp' or w[3] == '0A':
                            ports.add(int(w[1].rsplit(':', 1)[1], 16))
            except OSError:
                pass
        return ports


# ----------------------------------------------------------------------------------------------
# shared helpers (Net and Attached)
# ----------------------------------------------------------------------------------------------

class Topology:
    """What tests call: commands in hosts, traffic, firewall/switch counters, services, links.
    Host arguments are host names (or HostHandle); switch arguments are spec switch names."""

    def __init__(self, spec):
        self.spec = load_spec(spec)
        self.prefix = self.spec.prefix
        self.hosts = {}              # name -> HostHandle
        self.workdir = os.path.join(STATE_DIR, self.prefix)
        self._ports_lock = threading.Lock()
        self._next_port = {}         # host -> next unused source port (requests(unique_ports=True))
        self._transfers = []         # paced transfers started here (stopped by Net.stop)

    # -- basics -------------------------------------------------------------------------------
    def host(self, h):
        if isinstance(h, HostHandle):
            return h
        try:
            return self.hosts[h]
        except KeyError:
            raise NetError('unknown host %r (hosts: %s)' % (h, ', '.join(self.hosts))) from None

    def __getitem__(self, name):
        return self.host(name)

    def run(self, host, command, timeout=60, check=False):
        return self.host(host).run(command, timeout=timeout, check=check)

    def cmd(self, host, command, timeout=60):
        return self.host(host).cmd(command, timeout=timeout)

    def ip(self, host, intf=0):
        """IP address (string) of a host's interface (index, name, or 'outside'/'inside')."""
        h = self.spec.hosts[self.host(host).name]
        if intf == 'outside':
            intf = 0
        elif intf == 'inside':
            intf = 1
        itf = h.intfs[intf] if isinstance(intf, int) else h.intf(intf)
        return str(itf.ip.ip)

    def netcfg(self):
        return build_netcfg(self.spec)

    def bridge(self, switch):
        if switch in self.spec.switches:
            return self.spec.switches[switch].bridge
        if any(s.bridge == switch for s in self.spec.switches.values()):
            return switch
        raise NetError('unknown switch %r (switches: %s)' % (switch, ', '.join(self.spec.switches)))

    # -- switches -----------------------------------------------------------------------------
    def ofctl(self, switch, *args, timeout=30):
        p = sh(['ovs-ofctl', '-O', 'OpenFlow13'] + [args[0], self.bridge(switch)] + list(args[1:]),
               timeout=timeout)
        if p.returncode != 0:
            raise NetError('ovs-ofctl %s %s: %s' % (args[0], switch, p.stderr.strip()))
        return p.stdout

    def sync_stats(self):
        """Wait for OVS to fold datapath counters into OpenFlow flow statistics (the userspace
        datapath updates n_packets/n_bytes lazily, every revalidation round: 500 ms)."""
        if sh(['ovs-appctl', 'revalidator/wait'], timeout=30).returncode != 0:
            time.sleep(1.0)          # "can't wait on multiple udpifs" (another datapath type exists)

    def flows(self, switch, table=None, sync=True):
        """Flows of a switch as dicts (see tools.parse_flows); sync: fresh counters first."""
        if sync:
            self.sync_stats()
        args = ['dump-flows'] + (['table=%d' % table] if table is not None else [])
        return tools.parse_flows(self.ofctl(switch, *args))

    def port_stats(self, switch):
        """{port: {'rx_packets', 'rx_bytes', 'tx_packets', ...}} of a switch."""
        return tools.parse_port_stats(self.ofctl(switch, 'dump-ports'))

    def connected_switches(self):
        """Names of the controlled switches whose controller connection is up."""
        p = sh(['ovs-vsctl', '--timeout=10', '-f', 'json', '--columns=name,controller', 'list', 'Bridge'])
        c = sh(['ovs-vsctl', '--timeout=10', '-f', 'json', '--columns=_uuid,is_connected', 'list',
                'Controller'])
        if p.returncode or c.returncode:
            return set()
        up = {row[0][1] for row in json.loads(c.stdout)['data'] if row[1] is True}
        by_bridge = {s.bridge: n for n, s in self.spec.switches.items()}
        out = set()
        for name, ctl in json.loads(p.stdout)['data']:
            uuids = [ctl[1]] if ctl[0] == 'uuid' else [u[1] for u in ctl[1]]
            if name in by_bridge and any(u in up for u in uuids):
                out.add(by_bridge[name])
        return out

    def controlled_switches(self):
        return {n for n, s in self.spec.switches.items() if s.controlled} if self.controller else set()

    def wait_connected(self, timeout=30.0):
        """Wait until every controlled switch is connected to the controller."""
        want = self.controlled_switches()
        deadline = time.time() + timeout
        while True:
            have = self.connected_switches()
            if want <= have:
                return
            if time.time() > deadline:
                raise NetError('switches not connected to the controller %s:%s after %ss: %s'
                               % (self.controller + (timeout, ', '.join(sorted(want - have)))))
            time.sleep(0.1)

    # -- firewalls ----------------------------------------------------------------------------
    def _fw(self, fw):
        h = self.host(fw)
        if self.spec.hosts[h.name].role != 'firewall':
            raise NetError('%s is not a firewall' % h.name)
        return h

    def fw_counters(self, fw):
        """{counter: {'packets', 'bytes'}} of a firewall's named nftables counters."""
        p = self._fw(fw).run(['nft', '-j', 'list', 'counters', 'table', 'inet', firewall.TABLE],
                             check=True)
        return firewall.parse_counters(p.stdout)

    def all_fw_counters(self):
        return {fw.name: self.fw_counters(fw.name) for fw in self.spec.firewalls}

    def reset_fw_counters(self, fw=None):
        for name in [fw] if fw else [f.name for f in self.spec.firewalls]:
            self._fw(name).run(['nft', 'reset', 'counters', 'table', 'inet', firewall.TABLE], check=True)

    def conntrack(self, fw, proto='tcp'):
        """A firewall's conntrack entries (see firewall.parse_conntrack)."""
        args = ['conntrack', '-L'] + (['-p', proto] if proto else [])
        return firewall.parse_conntrack(self._fw(fw).run(args).stdout)

    def flush_conntrack(self, fw=None):
        for name in [fw] if fw else [f.name for f in self.spec.firewalls]:
            self._fw(name).run(['conntrack', '-F'])

    # -- traffic ------------------------------------------------------------------------------
    def ping(self, src, dst, count=1, timeout=1.0, interval=0.2):
        """Ping dst (IP or host name) from src; tools.PingResult."""
        dst = self._addr(dst)
        out = self.host(src).cmd(['ping', '-n', '-c', str(count), '-W', str(timeout), '-i',
                                  str(interval), dst], timeout=count * (interval + timeout) + 10)
        return tools.parse_ping(out)

    def _addr(self, x):
        if x in self.spec.hosts:
            return str(self.spec.hosts[x].intfs[0].ip.ip)
        return str(x)

    def curl(self, host, url, timeout=5.0, extra=()):
        """(http code, body) of one request; code 0 when no HTTP answer came."""
        p = self.host(host).run(['curl', '-s', '-m', str(timeout), '-w', '\n%{http_code}'] + list(extra)
                                + [url], timeout=timeout + 10)
        body, _, code = p.stdout.rpartition('\n')
        return (int(code) if code.strip().isdigit() else 0), body

    def ab(self, host, url, n, concurrency=1, timeout=10, keepalive=False, extra=()):
        """ApacheBench: n requests (each on a new connection unless keepalive) from host.
        Returns tools.LoadResult (completed, failed, non2xx, rps, latency/connect percentiles)."""
        os.makedirs(self.workdir, exist_ok=True)
        gp = os.path.join(self.workdir, 'ab-%s-%d-%d.tsv' % (self.host(host).name, os.getpid(),
                                                             threading.get_ident()))
        argv = ['ab', '-q', '-r', '-l', '-n', str(n), '-c', str(concurrency), '-s', str(timeout),
                '-g', gp] + (['-k'] if keepalive else []) + list(extra) + [url]
        p = self.host(host).run(argv, timeout=max(60, n * timeout / max(1, concurrency) + 30))
        try:
            with open(gp) as f:
                g = f.read()
            os.unlink(gp)
        except OSError:
            g = None
        return tools.parse_ab(p.stdout + p.stderr, n, g, p.returncode)

    def requests(self, host, url, n, concurrency=1, timeout=10, headers=(), unique_ports=True):
        """Exactly n HTTP/1.0 GETs, each on its own new connection, `concurrency` at a time
        (fwlbnet.loadgen; ~1-3k connections/s). LoadResult with .servers = {X-Server: count}:
        which back-end answered, counted at the client. With unique_ports (default) every connection
        of the host gets a source port no earlier run of this topology used (a reused 5-tuple would
        follow its pin without a new decision, so placement counts would not add up)."""
        argv = [PYTHON, '-m', 'fwlbnet.loadgen', url, '-n', str(n), '-c', str(concurrency),
                '--timeout', str(timeout)]
        if unique_ports:
            argv += ['--ports', str(self._take_ports(host, n))]
        for h in headers:
            argv += ['-H', h]
        p = self.host(host).run(argv, timeout=max(60, n * timeout / max(1, concurrency) + 30))
        return tools.parse_loadgen(p.stdout, p.returncode)

    def _take_ports(self, host, n):
        """A block of n source ports of a host not handed out before (wraps in 20000..59999)."""
        name = self.host(host).name
        with self._ports_lock:
            first = self._next_port.get(name, 20000)
            if first + n > 60000:
                first = 20000
            self._next_port[name] = first + n
            return first

    def syn_flood(self, host, dst_ip, dst_port=80, pps=20000, seconds=10, rand_source=True):
        """Starts a bounded SYN flood from host (fwlbnet.synflood: valid SYNs, random public sources unless
        rand_source=False, paced at pps, stops by itself after `seconds`). Returns a SynFlood; its wait()
        gives {sent, seconds, pps, errors}."""
        argv = [PYTHON, '-m', 'fwlbnet.synflood', dst_ip, '--port', str(dst_port), '--pps', str(pps),
                '--seconds', str(seconds)] + ([] if rand_source else ['--fixed-source'])
        proc = self.host(host).popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return SynFlood(proc, seconds)

    def wrk(self, host, url, duration=5, connections=10, threads=1, close=False, timeout=5,
            extra=()):
        """wrk for `duration` seconds; close=True sends "Connection: close" (a new connection per
        request). Returns tools.LoadResult."""
        argv = ['wrk', '--latency', '-t', str(threads), '-c', str(connections), '-d', '%ds' % duration,
                '--timeout', '%ds' % timeout] + (['-H', 'Connection: close'] if close else []) \
            + list(extra) + [url]
        p = self.host(host).run(argv, timeout=duration + timeout + 30)
        return tools.parse_wrk(p.stdout + p.stderr, p.returncode)

    def paced_transfer(self, host, server_ip, size, rate, port=80, src_port=None, timeout=None,
                       seed=None, stall_timeout=None, path='/', tls=False, host_header=None,
                       corrupt=None):
        """Start a paced download in the background: `host` fetches `size` bytes from the harness
        HTTP server at server_ip:port (path <path>paced/<size>), paced by the SERVER at `rate`
        (bytes/s, or '500k' / '1M' with k = 1024), so it lasts at least size/rate seconds.
        The client (fwlbnet.pacedclient, in the host's netns) binds src_port if given (else an
        ephemeral port, reported as .client_port), checks every byte against the content of `seed`
        (random if None) and logs its progress every 40 ms. timeout: whole transfer (default
        size/rate + 30 s); stall_timeout: give up after that long without a byte. Returns a
        PacedTransfer (.client_port, .progress(), .running(), .assert_running(), .wait_started(),
        .bytes_at(t), .stop(), .wait() -> tools.TransferResult)."""
        h = self.host(host)
        rate_bps = paced.parse_rate(rate)
        if size < 0:
            raise NetError('paced_transfer: size %r < 0' % size)
        if timeout is None:
            timeout = (size / rate_bps if rate_bps else 0) + 30
        if seed is None:
            seed = random.getrandbits(31)
        server = self._addr(server_ip)
        d = os.path.join(self.workdir, 'paced')
        os.makedirs(d, exist_ok=True)
        base = os.path.join(d, '%s-%d-%d' % (h.name, os.getpid(), next(_PACED_IDS)))
        files = (base + '.progress', base + '.result.json', base + '.log')
        for f in files:
            try:
                os.unlink(f)
            except OSError:
                pass
        argv = [PYTHON, '-m', 'fwlbnet.pacedclient', '--host', server, '--port', str(port),
                '--size', str(size), '--rate', str(rate_bps), '--seed', str(seed), '--timeout',
                str(timeout), '--path', path, '--progress', files[0], '--result', files[1]]
        for opt, v in (('--src-port', src_port), ('--stall-timeout', stall_timeout),
                       ('--host-header', host_header), ('--corrupt', corrupt)):
            if v is not None:
                argv += [opt, str(v)]
        if tls:
            argv.append('--tls')
        t0 = time.monotonic()
        p = h.popen(argv, log=files[2])
        t = PacedTransfer(p, h.name, server, port, size, rate_bps, seed, timeout, files, src_port, t0)
        self._transfers = [x for x in self._transfers if not x.done()] + [t]
        return t

    def long_transfer(self, host, url, size, rate='1M', timeout=120):
        """A paced transfer (see paced_transfer) addressed by URL, kept for the callers written for
        curl --limit-rate: `url` is a base URL ending in '/' (or ending in /bytes/<n>, whose base is
        used); the paced path <base>paced/<size> is fetched at `rate` ('1M', '500k': k = 1024, as
        curl). Unlike curl's --limit-rate, which curl 7.88 does not enforce on fast paths, the
        server paces: the transfer lasts at least size/rate seconds. Returns a PacedTransfer
        (.done(), .wait() -> TransferResult as before, plus everything paced_transfer offers)."""
        u = urlsplit(url)
        if u.scheme not in ('http', 'https') or not u.hostname:
            raise NetError('long_transfer: %r is not an http(s) URL' % url)
        path = u.path or '/'
        if not path.endswith('/'):
            m = re.fullmatch(r'(.*/)bytes/\d+', path)
            if not m:
                raise NetError('long_transfer: %r: give a base URL ending in "/" (the paced path '
                               'paced/<size> is appended)' % url)
            path = m.group(1)
        tls = u.scheme == 'https'
        return self.paced_transfer(host, u.hostname, size, rate, port=u.port or (443 if tls else 80),
                                   timeout=timeout, path=path, tls=tls, host_header=u.netloc)

    # -- services -----------------------------------------------------------------------------
    def _svc_files(self, host, type_, port):
        base = os.path.join(self.workdir, '%s.%s.%d' % (host, type_, port))
        return base + '.pid', base + '.stats.json', base + '.log'

    def _daemon(self, host, type_, port=None):
        h = self.spec.hosts[self.host(host).name]
        for d in h.daemons:
            if d.type == type_ and (port is None or d.port == port):
                return d
        if port is None:
            from .spec import DAEMONS
            port = DAEMONS[type_]
        from .spec import Daemon
        return Daemon(type_, port, {})

    def start_service(self, host, type_='http', port=None, wait=True, **options):
        """Start (or restart) a service daemon (http|https|ftp) in a host, as the spec describes it
        unless port/options say otherwise. Waits until it listens."""
        h = self.host(host)
        d = self._daemon(h.name, type_, port)
        opts = dict(d.options)
        opts.update(options)
        self.stop_service(h.name, type_, d.port)
        pidf, statsf, logf = self._svc_files(h.name, type_, d.port)
        os.makedirs(self.workdir, exist_ok=True)
        if type_ in ('http', 'https'):
            argv = [PYTHON, '-m', 'fwlbnet.httpserver', '--name', h.name, '--port', str(d.port),
                    '--stats', statsf]
            if opts.get('cookie'):
                argv += ['--cookie', opts['cookie']]
            if type_ == 'https':
                cert, key = self._tls_cert()
                argv += ['--tls-cert', cert, '--tls-key', key]
        elif type_ == 'ftp':
            lo, hi = opts.get('passivePorts', (30000, 30099))
            argv = [PYTHON, '-m', 'fwlbnet.ftpserver', '--name', h.name, '--port', str(d.port),
                    '--root', os.path.join(self.workdir, 'ftp-' + h.name), '--passive', '%d-%d' % (lo, hi),
                    '--file-size', str(opts.get('fileSize', 1 << 20)), '--stats', statsf]
            if opts.get('masquerade'):
                argv += ['--masquerade', opts['masquerade']]
        else:
            raise NetError('unknown service type %r' % type_)
        try:
            os.unlink(statsf)
        except OSError:
            pass
        p = h.popen(argv, log=logf)
        with open(pidf, 'w') as f:
            f.write(str(p.pid))
        self._children.append(p)
        if wait:
            self.wait_listening([(h.name, d.port, logf, p)])
        return p.pid

    def wait_listening(self, items, timeout=15.0):
        deadline = time.time() + timeout
        pending = list(items)
        while pending:
            pending = [(h, port, log, p) for h, port, log, p in pending
                       if port not in self.host(h).listening()]
            for h, port, log, p in pending:
                if p is not None and p.poll() is not None:
                    raise NetError('%s: service on port %d exited (%s); log %s:\n%s'
                                   % (h, port, p.returncode, log, _tail(log)))
            if not pending:
                return
            if time.time() > deadline:
                h, port, log, _ = pending[0]
                raise NetError('%s: nothing listens on port %d after %ss; log %s:\n%s'
                               % (h, port, timeout, log, _tail(log)))
            time.sleep(0.02)

    def stop_service(self, host, type_='http', port=None):
        """Stop a service daemon (SIGTERM, then SIGKILL); returns True if one was running."""
        h = self.host(host)
        d = self._daemon(h.name, type_, port)
        pidf = self._svc_files(h.name, type_, d.port)[0]
        try:
            with open(pidf) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return False
        running = pid_alive(pid)
        if running:
            # the nsenter process execs into the daemon: its pid is the daemon's
            kill_pids([pid])
        for c in list(self._children):
            if c.pid == pid:
                c.wait()
                self._children.remove(c)
        os.unlink(pidf)
        return running

    def service_stats(self, host, type_='http', port=None):
        """Counters of a service daemon (http/https: connections, active, requests, status,
        bytesSent; ftp: connections, logins, filesSent, dataConnections). HTTP(S) counters are
        read live from the server's /stats (not counted itself); otherwise, or when the server is
        gone, from the file it writes (every 0.2 s and at exit). {} if none."""
        d = self._daemon(self.host(host).name, type_, port)
        if type_ in ('http', 'https') and d.port in self.host(host).listening():
            url = '%s://127.0.0.1:%d/stats' % (type_, d.port)
            p = self.host(host).run(['curl', '-s', '-k', '-m', '3', url], timeout=10)
            try:
                return json.loads(p.stdout)
            except ValueError:
                pass
        try:
            with open(self._svc_files(self.host(host).name, type_, d.port)[1]) as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def http_connections(self, hosts=None, type_='http'):
        """{host: TCP connections accepted} for hosts running an http (or https) daemon."""
        out = {}
        for h in self.spec.hosts.values():
            if hosts is not None and h.name not in hosts:
                continue
            for d in h.daemons:
                if d.type == type_:
                    out[h.name] = self.service_stats(h.name, type_, d.port).get('connections', 0)
        return out

    def _tls_cert(self):
        cert = os.path.join(self.workdir, 'tls-cert.pem')
        key = os.path.join(self.workdir, 'tls-key.pem')
        if not (os.path.exists(cert) and os.path.exists(key)):
            sh(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
                '-nodes', '-days', '2', '-subj', '/CN=fwlbnet', '-keyout', key, '-out', cert],
               timeout=30, check=True)
        return cert, key

    # -- links and routes ---------------------------------------------------------------------
    def set_intf(self, host, intf, up):
        """Set both ends of a host interface's link up or down (the switch sees a port status)."""
        h = self.spec.hosts[self.host(host).name]
        itf = h.intfs[intf] if isinstance(intf, int) else (
            h.outside if intf == 'outside' else h.inside if intf == 'inside' else h.intf(intf))
        state = 'up' if up else 'down'
        sw_if = '%s-eth%d' % (self.spec.switches[itf.switch].bridge, itf.port)
        sh(['ip', 'link', 'set', sw_if, state], check=True)
        self.host(host).run(['ip', 'link', 'set', itf.name, state], check=True)

    def cut_firewall(self, fw):
        """Take a firewall down the hard way: both its links down (outside and inside)."""
        self._fw(fw)
        self.set_intf(fw, 0, False)
        self.set_intf(fw, 1, False)

    def restore_firewall(self, fw):
        self._fw(fw)
        self.set_intf(fw, 0, True)
        self.set_intf(fw, 1, True)
        self.host(fw).run(['ethtool', '-K', '%s-eth0' % self.host(fw).name, 'tx', 'off'])
        self.host(fw).run(['ethtool', '-K', '%s-eth1' % self.host(fw).name, 'tx', 'off'])

    def set_link(self, sw_a, sw_b, up):
        """Set a switch-switch link up or down."""
        for ln in self.spec.links:
            if {ln.a, ln.b} == {sw_a, sw_b}:
                for sw, port in ((ln.a, ln.a_port), (ln.b, ln.b_port)):
                    sh(['ip', 'link', 'set', '%s-eth%d' % (self.spec.switches[sw].bridge, port),
                        'up' if up else 'down'], check=True)
                return
        raise NetError('no link between %s and %s' % (sw_a, sw_b))

    def set_route(self, host, to, via):
        """Add or replace a route in a host ('default' or a.b.c.d/len via a gateway)."""
        self.host(host).run(['ip', 'route', 'replace', to, 'via', str(via)], check=True)

    def del_route(self, host, to):
        self.host(host).run(['ip', 'route', 'del', to])

    def set_arp(self, host, ip, mac, intf=0):
        """Static neighbour entry in a host (e.g. to stand in for the controller's ARP answer in
        tests without a controller)."""
        h = self.spec.hosts[self.host(host).name]
        name = h.intfs[intf].name if isinstance(intf, int) else intf
        self.host(host).run(['ip', 'neigh', 'replace', str(ip), 'lladdr', mac, 'dev', name,
                             'nud', 'permanent'], check=True)

    def add_flows(self, switch, flows):
        """Add OpenFlow 1.3 flows (ovs-ofctl syntax, one per line or a list) to a switch."""
        text = flows if isinstance(flows, str) else '\n'.join(flows)
        p = sh(['ovs-ofctl', '-O', 'OpenFlow13', 'add-flows', self.bridge(switch), '-'], input=text + '\n')
        if p.returncode != 0:
            raise NetError('add-flows %s: %s' % (switch, p.stderr.strip()))

    def arp_flush(self, host=None):
        for h in [host] if host else list(self.hosts):
            self.host(h).run(['ip', 'neigh', 'flush', 'all'])


class SynFlood:
    """A running fwlbnet.synflood (see Topology.syn_flood)."""

    def __init__(self, proc, seconds):
        self.proc = proc
        self.seconds = seconds

    def wait(self):
        """Waits for the flood to end by itself; its report. A flood that overruns its deadline by 10 s is
        killed and reported as an error (NetError)."""
        try:
            out, err = self.proc.communicate(timeout=self.seconds + 10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()
            raise NetError('synflood did not stop by itself after %ss' % self.seconds)
        if self.proc.returncode != 0:
            raise NetError('synflood failed (%d): %s' % (self.proc.returncode, err.decode(errors='replace')))
        return json.loads(out.decode().strip().splitlines()[-1])


class PacedTransfer:
    """A paced download running in the background (Topology.paced_transfer, long_transfer).

    Progress comes from the client's log (a record every 40 ms; CLOCK_MONOTONIC times, comparable
    with time.monotonic() here): progress(), running(), bytes_at(t), timeline()."""

    def __init__(self, proc, host, server, port, size, rate, seed, timeout, files, src_port=None,
                 launched=None):
        self.proc = proc
        self.host = host
        self.server = server
        self.port = port
        self.size = size
        self.rate = rate
        self.seed = seed
        self.timeout = timeout
        self.progress_file, self.result_file, self.log_file = files
        self.launched = launched if launched is not None else time.monotonic()
        self.result = None
        self._port = src_port

    def __repr__(self):
        return '<PacedTransfer %s>' % self.describe()

    # -- progress -----------------------------------------------------------------------------
    @property
    def client_port(self):
        """The client's source port (src_port if given; else waits up to 10 s for the client to
        bind and report it)."""
        if self._port:
            return self._port
        deadline = time.monotonic() + 10
        while True:
            head = paced.read_progress(self.progress_file)[0]
            if 'port' in head:
                self._port = int(head['port'])
                return self._port
            if self.done():
                r = self.wait()
                if r.client_port:
                    self._port = r.client_port
                    return self._port
                raise NetError('paced client ended before binding a port: %s; log:\n%s'
                               % (r.error, _tail(self.log_file)))
            if time.monotonic() > deadline:
                raise NetError('paced client did not report its port within 10 s; log:\n%s'
                               % _tail(self.log_file))
            time.sleep(0.02)

    def timeline(self):
        """[(monotonic seconds, body bytes received)], one record per 40 ms of the client's life."""
        return paced.read_progress(self.progress_file)[1]

    def progress(self):
        """(bytes received, seconds since the count last grew — since the launch while none came)."""
        pts = self.timeline()
        now = time.monotonic()
        if not pts or pts[-1][1] == 0:
            return 0, now - self.launched
        b = pts[-1][1]
        since = pts[-1][0]
        for t, n in reversed(pts):
            if n < b:
                break
            since = t
        return b, now - since

    def bytes_at(self, t):
        """Bytes the client had received at monotonic time t (from its log: the last record at or
        before t; 0 before the first)."""
        out = 0
        for when, n in self.timeline():
            if when > t:
                break
            out = n
        return out

    def done(self):
        return self.proc.poll() is not None

    def running(self):
        """Started (a byte arrived), not finished, a byte arrived within the last second, and
        fewer than size bytes so far."""
        if self.done():
            return False
        b, since = self.progress()
        return 0 < b < self.size and since < 1.0

    def describe(self):
        b, since = self.progress()
        s = '%s -> %s:%d (%d B at %d B/s, seed %d, client port %s): %d/%d B' % (
            self.host, self.server, self.port, self.size, self.rate, self.seed,
            self._port or '?', b, self.size)
        if self.done():
            r = self.wait()
            return s + ', finished after %.2f s: ok=%s%s' % (r.seconds, r.ok,
                                                              (', ' + r.error) if r.error else '')
        if b == 0:
            return s + ', no byte yet after %.2f s' % since
        if b >= self.size:
            return s + ', all bytes received (finishing)'
        return s + ', last byte %.2f s ago' % since

    def assert_running(self, what=''):
        """AssertionError (with the details) unless running()."""
        if not self.running():
            raise AssertionError('%stransfer not running: %s' % (what + ': ' if what else '', self.describe()))

    def wait_started(self, timeout=10.0):
        """Wait until the first body byte arrived; returns the bytes so far. AssertionError if the
        transfer ended first or nothing came within timeout."""
        deadline = time.monotonic() + timeout
        while True:
            b = self.progress()[0]
            if b > 0:
                return b
            if self.done() or time.monotonic() > deadline:
                raise AssertionError('transfer did not start: %s' % self.describe())
            time.sleep(0.02)

    # -- end ----------------------------------------------------------------------------------
    def stop(self):
        """End the transfer now (SIGTERM: the client records error "terminated"); the result."""
        if not self.done():
            try:
                self.proc.terminate()
            except OSError:
                pass
        return self.wait(timeout=5)

    def wait(self, timeout=None):
        """Wait for the end (at most `timeout`, default the transfer's timeout + 30 s; then it is
        stopped) and return its tools.TransferResult."""
        if self.result is not None:
            return self.result
        try:
            rc = self.proc.wait(timeout=timeout if timeout is not None else self.timeout + 30)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                rc = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                rc = self.proc.wait()
        try:
            with open(self.result_file) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            pts = self.timeline()
            self.result = tools.TransferResult(
                False, 0, pts[-1][1] if pts else 0, self.size, time.monotonic() - self.launched, rc,
                'paced client exited with code %s and no result; log:\n%s' % (rc, _tail(self.log_file)),
                client_port=self._port or 0, seed=self.seed, rate=self.rate)
            return self.result
        names = ('client_port', 'server_saw', 'sha256', 'expected_sha256', 'seed', 'rate', 'start',
                 'first_byte', 'end')
        self.result = tools.TransferResult(doc['ok'], doc['http_code'], doc['bytes'], doc['expected'],
                                           doc['seconds'], rc, doc['error'],
                                           **{k: doc.get(k) for k in names})
        if doc.get('client_port'):
            self._port = doc['client_port']
        return self.result


Transfer = PacedTransfer          # the name long_transfer's objects had


def _tail(path, n=20):
    try:
        with open(path, errors='replace') as f:
            return ''.join(f.readlines()[-n:])
    except OSError:
        return '(no log)'


# ----------------------------------------------------------------------------------------------
# Net: the in-process owner of a Mininet topology
# ----------------------------------------------------------------------------------------------

def _mininet_classes():
    from mininet.node import Host, OVSSwitch

    class NoV6Host(Host):
        """IPv6 off in the host before any link exists: no RS/MLD/DAD noise towards switches."""

        def __init__(self, name, **kw):
            Host.__init__(self, name, **kw)
            self.cmd('sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1')

    class FwlbSwitch(OVSSwitch):
        """OVS userspace switch that connects only to its own controllers (none = standalone)."""

        def __init__(self, name, fwlb_controllers=(), **kw):
            OVSSwitch.__init__(self, name, **kw)
            self.fwlb_controllers = list(fwlb_controllers)

        def start(self, controllers):
            OVSSwitch.start(self, self.fwlb_controllers)

    return NoV6Host, FwlbSwitch


class _Ctl:
    """What OVSSwitch.start needs of a controller: a remote OpenFlow endpoint."""

    def __init__(self, ip, port):
        self.name = 'c0'
        self.protocol = 'tcp'
        self.ip = ip
        self.port = port

    def IP(self):
        return self.ip


class Net(Topology):
    """A topology built from a spec and owned by this process.

        with fwlbnet.Net('fig1', controller=('127.0.0.1', 6653)) as net:
            net.ab('c1', 'http://10.0.2.100/', 300, 8)

    controller: (ip, port), 'ip:port', 'none' / None (standalone switches), or omitted (the
    spec's). wait_connected: seconds to wait for every controlled switch to connect (0: don't).
    services: start the daemons the spec lists (default True).
    """

    def __init__(self, spec, controller=KEEP, wait_connected=0.0, services=True, log_level='error',
                 mode='inprocess'):
        Topology.__init__(self, spec)
        self.controller = self.spec.controller if controller is KEEP else parse_controller(
            controller if controller is not None else 'none')
        self.wait_connected_s = wait_connected
        self.start_services = services
        self.log_level = log_level
        self.mode = mode
        self.mn = None
        self._children = []
        self._started = False
        self._old_handlers = {}
        self.timings = {}

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- start --------------------------------------------------------------------------------
    def _check_free(self):
        if self.prefix in _ACTIVE:
            raise NetError('this process already runs a topology with prefix %r: stop it first, or '
                           'give the spec another prefix' % self.prefix)
        st = read_state(self.prefix)
        if st and pid_alive(st.get('holder')) and st.get('holder') != os.getpid():
            raise NetError('a topology with prefix %r is already up (%s, pid %s): run `python3 -m '
                           'fwlbnet down %s` first' % (self.prefix, st.get('name'), st.get('holder'),
                                                       st.get('name')))

    def start(self):
        if self._started:
            return self
        if os.geteuid() != 0:
            raise NetError('Mininet needs root')
        self._check_free()
        if not ovs_running():
            raise NetError('Open vSwitch is not running: run scripts/setup-net.sh')
        self._install_signal_handlers()
        self._started = True
        _ACTIVE.add(self.prefix)
        t0 = time.time()
        try:
            self._build()
            self.timings['build'] = time.time() - t0
            t1 = time.time()
            self._configure()
            self.timings['configure'] = time.time() - t1
            self._write_state(ready=True)
            if self.wait_connected_s and self.controller:
                self.wait_connected(self.wait_connected_s)
        except BaseException:
            self.stop()
            raise
        self.timings['start'] = time.time() - t0
        return self

    def _install_signal_handlers(self):
        if threading.current_thread() is not threading.main_thread():
            return

        def bye(signum, frame):
            raise SystemExit(128 + signum)

        for s in (signal.SIGTERM, signal.SIGHUP):
            try:
                if signal.getsignal(s) in (signal.SIG_DFL, None):
                    self._old_handlers[s] = signal.signal(s, bye)
            except (ValueError, OSError):
                pass

    def _build(self):
        from mininet.log import setLogLevel
        from mininet.net import Mininet
        setLogLevel(self.log_level)
        spec = self.spec
        # root namespace: switch-side veths are created here and must not speak IPv6
        if sh(['sysctl', '-n', 'net.ipv6.conf.default.disable_ipv6']).stdout.strip() != '1':
            sh(['sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1'], check=True)
        # stale leftovers first, each bridge in its own ovs-vsctl call (stale-bridge pitfall)
        cleanup_prefix(self.prefix, host_names=list(spec.hosts),
                       bridges=[s.bridge for s in spec.switches.values()], keep_pids=(os.getpid(),))
        os.makedirs(self.workdir, exist_ok=True)
        # the previous run's paced-transfer logs (kept after stop for post-mortems) go now
        shutil.rmtree(os.path.join(self.workdir, 'paced'), ignore_errors=True)
        NoV6Host, FwlbSwitch = _mininet_classes()
        ctl = [_Ctl(*self.controller)] if self.controller else []
        old_mark = os.environ.get(MARK_ENV)
        os.environ[MARK_ENV] = self.prefix          # inherited by every Mininet shell
        try:
            self.mn = mn = Mininet(topo=None, build=False, controller=None, autoSetMacs=False,
                                   autoStaticArp=False, waitConnected=False)
            nodes = {}
            for s in spec.switches.values():
                controlled = s.controlled and self.controller is not None
                nodes[s.name] = mn.addSwitch(
                    s.bridge, cls=FwlbSwitch, dpid=s.dpid, datapath='user', protocols='OpenFlow13',
                    failMode=s.fail_mode if controlled else 'standalone', inband=False,
                    reconnectms=1000, batch=True, fwlb_controllers=ctl if controlled else [])
            for h in spec.hosts.values():
                nodes[h.name] = mn.addHost(h.name, cls=NoV6Host, ip=None)
            for ln in spec.links:
                da, db = spec.switches[ln.a].dpid, spec.switches[ln.b].dpid
                mn.addLink(nodes[ln.a], nodes[ln.b], port1=ln.a_port, port2=ln.b_port,
                           addr1=_switch_port_mac(da, ln.a_port), addr2=_switch_port_mac(db, ln.b_port))
            for h in spec.hosts.values():
                for itf in h.intfs:
                    mn.addLink(nodes[h.name], nodes[itf.switch], port1=itf.index, port2=itf.port,
                               addr1=itf.mac, addr2=_switch_port_mac(spec.switches[itf.switch].dpid, itf.port))
            mn.build()
            mn.start()
        finally:
            if old_mark is None:
                os.environ.pop(MARK_ENV, None)
            else:
                os.environ[MARK_ENV] = old_mark
        for h in spec.hosts.values():
            self.hosts[h.name] = HostHandle(h.name, mn.get(h.name).pid, self.prefix, h)

    def _host_script(self, h):
        s = ['set -e', 'ip link set lo up',
             'sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.default.arp_ignore=1 '
             'net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.default.arp_announce=2']
        for itf in h.intfs:
            if itf.mtu != 1500:
                s.append('ip link set dev %s mtu %d' % (itf.name, itf.mtu))
            s.append('ip addr add %s dev %s' % (itf.ip.with_prefixlen, itf.name))
            s.append('ip link set dev %s up' % itf.name)
            s.append('ethtool -K %s tx off >/dev/null' % itf.name)
        for v in h.vips:
            s.append('ip addr add %s/32 dev lo' % v)
        if h.role == 'firewall':
            s.append('sysctl -qw ' + ' '.join('%s=%s' % kv for kv in firewall.SYSCTLS.items()))
            s.append('nft -f %s' % shlex.quote(os.path.join(self.workdir, h.name + '.nft')))
        elif len(h.intfs) > 1:
            # several interfaces: answer from the interface that owns the source address
            for k, itf in enumerate(h.intfs):
                table = 100 + k
                s.append('ip rule add from %s table %d priority %d' % (itf.ip.ip, table, 1000 + k))
                s.append('ip route add %s dev %s src %s table %d'
                         % (itf.ip.network, itf.name, itf.ip.ip, table))
                gw = itf.network.gateway_ip if itf.network is not None else None
                if h.gateway is not None and h.gateway in itf.ip.network:
                    gw = h.gateway
                if gw is not None:
                    s.append('ip route add default via %s dev %s table %d' % (gw, itf.name, table))
        if h.gateway is not None:
            s.append('ip route replace default via %s' % h.gateway)
        for to, via in h.routes:
            s.append('ip route replace %s via %s' % (to, via))
        if h.sysctls:
            s.append('sysctl -qw ' + ' '.join('%s=%s' % kv for kv in sorted(h.sysctls.items())))
        return '\n'.join(s) + '\n'

    def _configure(self):
        spec = self.spec
        for fw in spec.firewalls:
            with open(os.path.join(self.workdir, fw.name + '.nft'), 'w') as f:
                f.write(firewall.ruleset(fw.policy, fw.outside.name, fw.inside.name))

        def conf(h):
            p = self.hosts[h.name].run(['sh', '-c', self._host_script(h)], timeout=60)
            if p.returncode != 0:
                raise NetError('configuring host %s failed: %s' % (h.name, (p.stderr or p.stdout).strip()))

        with ThreadPoolExecutor(max_workers=8) as ex:
            list(ex.map(conf, spec.hosts.values()))
        # switch-switch links: MTU on both root-namespace ends
        for ln in spec.links:
            for sw, port in ((ln.a, ln.a_port), (ln.b, ln.b_port)):
                sh(['ip', 'link', 'set', 'dev', '%s-eth%d' % (spec.switches[sw].bridge, port), 'mtu',
                    str(ln.mtu)], check=True)
        # standalone switches: static MAC entries (virtual MACs never show up as a source)
        for s in spec.switches.values():
            if s.controlled:
                continue
            entries = static_mac_entries(spec, s.name)
            if entries:
                flows = ''.join('priority=1000,dl_dst=%s,actions=output:%d\n' % e for e in entries)
                p = sh(['ovs-ofctl', '-O', 'OpenFlow13', 'add-flows', s.bridge, '-'], input=flows)
                if p.returncode != 0:
                    raise NetError('static MAC entries on %s: %s' % (s.name, p.stderr.strip()))
        # named network namespaces: `ip netns exec <prefix>-<host> ...` works from any shell
        for h in self.hosts.values():
            sh(['ip', 'netns', 'attach', spec.netns(h.name), str(h.pid)], check=True)
        self._management()
        if self.start_services:
            self._start_all_services()

    def _management(self):
        """L7/3 dispatcher hosts (role dispatcher) get a management interface `mgmt0` on a root-namespace
        Linux bridge <prefix>mgmt (MGMT_ROOT_IP), out of band of the data network: their processes talk to
        the controller's REST there (reports, directory). Host addresses: MGMT_NET .1, .2, ... in spec order."""
        hosts = [h for h in self.spec.hosts.values() if h.role == 'dispatcher']
        if not hosts:
            return
        br = self.prefix + 'mgmt'
        sh(['ip', 'link', 'add', br, 'type', 'bridge'], check=True)
        sh(['ip', 'addr', 'add', MGMT_ROOT_IP + '/24', 'dev', br], check=True)
        sh(['ip', 'link', 'set', br, 'up'], check=True)
        for k, h in enumerate(hosts):
            root_end = (self.prefix + 'm' + h.name)[:15]
            pid = str(self.hosts[h.name].pid)
            sh(['ip', 'link', 'add', root_end, 'type', 'veth', 'peer', 'name', 'mgmt0', 'netns', pid], check=True)
            sh(['ip', 'link', 'set', root_end, 'master', br, 'up'], check=True)
            p = self.hosts[h.name].run(['sh', '-c', 'ip addr add %s/24 dev mgmt0 && ip link set mgmt0 up && '
                                        'ethtool -K mgmt0 tx off >/dev/null' % self.management_ip(h.name)])
            if p.returncode != 0:
                raise NetError('management interface of %s: %s' % (h.name, (p.stderr or p.stdout).strip()))

    def management_ip(self, host):
        """The management address of a dispatcher host (see _management)."""
        hosts = [h.name for h in self.spec.hosts.values() if h.role == 'dispatcher']
        return MGMT_NET % (hosts.index(host) + 1)

    def _start_all_services(self):
        waits = []
        for h in self.spec.hosts.values():
            for d in h.daemons:
                pid = self.start_service(h.name, d.type, d.port, wait=False)
                p = next(c for c in self._children if c.pid == pid)
                waits.append((h.name, d.port, self._svc_files(h.name, d.type, d.port)[2], p))
        self.wait_listening(waits)

    def _write_state(self, ready):
        st = {'name': self.spec.name, 'spec': self.spec.source, 'prefix': self.prefix,
              'holder': os.getpid(), 'mode': self.mode, 'ready': ready, 'started': time.time(),
              'workdir': self.workdir, 'controller': list(self.controller) if self.controller else None,
              'hosts': {n: {'pid': h.pid, 'netns': self.spec.netns(n),
                            'interfaces': [{'name': i.name, 'ip': str(i.ip), 'mac': i.mac,
                                            'switch': i.switch, 'port': i.port}
                                           for i in self.spec.hosts[n].intfs]}
                        for n, h in self.hosts.items()},
              'switches': {n: {'bridge': s.bridge, 'dpid': s.dpid,
                               'controlled': bool(s.controlled and self.controller)}
                           for n, s in self.spec.switches.items()}}
        write_state(self.prefix, st)

    # -- stop ---------------------------------------------------------------------------------
    def stop(self):
        """Stop everything this topology started; safe to call twice. Ends with a sweep of
        everything still owned by the prefix (so an interrupted start leaves nothing)."""
        if not self._started:
            return
        self._started = False
        t0 = time.time()
        try:
            for t in self._transfers:
                if not t.done():
                    try:
                        t.proc.kill()
                        t.proc.wait(timeout=3)
                    except (OSError, subprocess.TimeoutExpired):
                        pass
            self._transfers = []
            for c in self._children:
                if c.poll() is None:
                    try:
                        c.terminate()
                    except OSError:
                        pass
            deadline = time.time() + 3
            for c in self._children:
                try:
                    c.wait(timeout=max(0.05, deadline - time.time()))
                except subprocess.TimeoutExpired:
                    c.kill()
                    c.wait()
            self._children = []
            if self.mn is not None:
                try:
                    self.mn.stop()
                except Exception as e:          # keep going: the sweep below removes the rest
                    print('fwlbnet: mininet stop: %s' % e, file=sys.stderr)
        finally:
            self.mn = None
            _ACTIVE.discard(self.prefix)
            cleanup_prefix(self.prefix, host_names=list(self.spec.hosts),
                           bridges=[s.bridge for s in self.spec.switches.values()],
                           keep_pids=(os.getpid(),))
            try:
                st = read_state(self.prefix)
                if st is None or st.get('holder') == os.getpid():
                    os.unlink(state_path(self.prefix))
            except OSError:
                pass
            for s, old in self._old_handlers.items():
                try:
                    signal.signal(s, old)
                except (ValueError, OSError):
                    pass
            self._old_handlers = {}
            self.timings['stop'] = time.time() - t0


# ----------------------------------------------------------------------------------------------
# Attached: drive a topology another process holds
# ----------------------------------------------------------------------------------------------

class Attached(Topology):
    """A topology started by `python3 -m fwlbnet up` (or by a Net in another process), found
    through its state file. Same helpers as Net; does not own the topology."""

    def __init__(self, spec):
        Topology.__init__(self, spec)
        st = read_state(self.prefix)
        if st is None or not pid_alive(st.get('holder')):
            raise NetError('topology %s (prefix %s) is not up' % (self.spec.name, self.prefix))
        if st.get('name') != self.spec.name:
            raise NetError('prefix %s is held by topology %s, not %s'
                           % (self.prefix, st.get('name'), self.spec.name))
        if not st.get('ready'):
            raise NetError('topology %s is still starting' % self.spec.name)
        self.state = st
        self.workdir = st['workdir']
        self.controller = tuple(st['controller']) if st.get('controller') else None
        self._children = []
        for n, h in st['hosts'].items():
            self.hosts[n] = HostHandle(n, h['pid'], self.prefix, self.spec.hosts.get(n))


def attach(spec):
    """Attached topology for a spec that is up (see Attached)."""
    return Attached(spec)
