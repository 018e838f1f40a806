"""Helpers for the end-to-end tests: start/stop the fwlb standalone runtime, talk to its REST API and CLI.

The runtime is started exactly as a user starts it (bin/fwlb run), on ports of its own so a test run
never collides with a runtime a developer keeps running, with its users file in the test's work directory:
on first start it creates the user admin with a random password in `credentials` next to it (secure
default, nothing disabled), and every REST call and CLI run here sends those credentials.
"""
import base64
import json
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FWLB = os.path.join(ROOT, 'bin', 'fwlb')
OF_PORT = int(os.environ.get('FWLB_TEST_OF_PORT', '16653'))
REST_PORT = int(os.environ.get('FWLB_TEST_REST_PORT', '18181'))


class RuntimeError_(Exception):
    pass


class Runtime:
    """One fwlb runtime process."""

    def __init__(self, netcfg, workdir, of_port=OF_PORT, rest_port=REST_PORT, extra=(), tls=None):
        """tls: a RestTls to serve REST over HTTPS with (every call here then checks its certificate)."""
        extra = list(extra) + (['--log-level', os.environ['FWLB_TEST_LOG_LEVEL']] if os.environ.get('FWLB_TEST_LOG_LEVEL') else [])
        self.tls = tls
        if tls:
            extra += tls.runtime_args()
        self.netcfg = netcfg
        self.workdir = workdir
        self.of_port = of_port
        self.rest_port = rest_port
        self.extra = list(extra)
        self.proc = None
        self.log = os.path.join(workdir, 'runtime.log')
        self.out = None
        self.users = os.path.join(workdir, 'users.properties')
        self.credentials = os.path.join(workdir, 'credentials')    # written by the runtime on first start
        self.auth = None                                            # (user, password) once read

    def start(self, timeout=90):
        for port in (self.rest_port, self.of_port):
            # a stale runtime (a killed test's) on our ports would answer for this one: refuse to start
            with socket.socket() as s:
                if s.connect_ex(('127.0.0.1', port)) == 0:
                    raise RuntimeError_('port %d is already in use (a runtime left running?): %s'
                                        % (port, _listener(port)))
        cfg = os.path.join(self.workdir, 'netcfg.json')
        with open(cfg, 'w') as f:
            json.dump(self.netcfg, f, indent=1)
        self.out = open(os.path.join(self.workdir, 'runtime.out'), 'ab')
        offset = self.out.tell()
        cmd = [FWLB, 'run', '--config', cfg, '--of-port', str(self.of_port), '--rest-port',
               str(self.rest_port), '--log-file', self.log, '--users', self.users] + self.extra
        self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError_('runtime exited with %s; see %s' % (self.proc.returncode, self.out.name))
            try:
                # its own ready line, not just an answer on the port: another runtime may hold it
                if not self._printed_ready(offset):
                    time.sleep(0.3)
                    continue
                self.auth = self.auth or read_credentials(self.credentials)
                self.get('/onos/v1/network/configuration')
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError_('runtime not ready after %ss' % timeout)

    def _printed_ready(self, offset):
        with open(self.out.name, 'rb') as f:
            f.seek(offset)
            return b'fwlb runtime ready:' in f.read()

    def kill(self):
        """Crash: SIGKILL, the rules stay on the switches."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout=30):
        """Clean shutdown (SIGTERM): the runtime removes the rules it installed."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if self.out:
            self.out.close()

    # ---- REST ------------------------------------------------------------------------
    def endpoint(self):
        return '%s://127.0.0.1:%d' % ('https' if self.tls else 'http', self.rest_port)

    def url(self, path):
        return self.endpoint() + path

    def request(self, method, path, body=None, auth=True, content_type='application/json', headers=None):
        """One REST call; returns (status, parsed JSON or text). auth: True = the runtime's admin,
        None = no credentials, (user, password) = those. body: JSON-serialisable, or bytes sent as they are."""
        data = None if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
        h = dict(headers or {})
        if content_type:
            h['Content-Type'] = content_type
        who = self.auth if auth is True else auth
        if who:
            h['Authorization'] = basic_auth(*who)
        req = urllib.request.Request(self.url(path), data=data, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=15, context=self.tls.context() if self.tls else None) as r:
                raw = r.read()
                return r.status, (json.loads(raw) if raw.strip() else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors='replace')

    def get(self, path):
        code, body = self.request('GET', path)
        if code != 200:
            raise RuntimeError_('GET %s -> %s %s' % (path, code, body))
        return body

    def post(self, path, body=None):
        return self.request('POST', path, body if body is not None else {})

    def firewalls(self):
        return {f['id']: f for f in self.get('/onos/fwlb/firewalls')['firewalls']}

    def counters(self):
        return self.get('/onos/fwlb/counters')

    def connections(self, **flt):
        q = '&'.join('%s=%s' % kv for kv in flt.items())
        return self.get('/onos/fwlb/connections' + ('?' + q if q else ''))['connections']

    def ready(self):
        """The packet path's readiness: (bool, {device: "ready" or what it waits for})."""
        code, body = self.request('GET', '/onos/fwlb/ready')
        if code not in (200, 503) or not isinstance(body, dict):
            raise RuntimeError_('GET /onos/fwlb/ready -> %s %s' % (code, body))
        return bool(body.get('ready')), body.get('devices', {})

    def wait_ready(self, timeout=30):
        """Waits until every switch of the configuration is connected and its base rules are confirmed."""
        last = [None]

        def check():
            ok, devices = self.ready()
            last[0] = devices
            return ok
        try:
            return wait_for(check, timeout, interval=0.2, what='the runtime to be ready')
        except AssertionError:
            raise AssertionError('runtime not ready after %ss: %s' % (timeout, last[0]))

    def push_netcfg(self, netcfg):
        code, body = self.post('/onos/v1/network/configuration', netcfg)
        if code != 200:
            raise RuntimeError_('netcfg rejected: %s %s' % (code, body))
        return body

    def cli_env(self, auth=True):
        """Environment for bin/fwlb: the credentials file the runtime wrote, or other (user, password)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith('FWLB_WEB_') and k != 'FWLB_CREDENTIALS'}
        if auth is True:
            env['FWLB_CREDENTIALS'] = self.credentials
        elif auth:
            env['FWLB_WEB_USER'], env['FWLB_WEB_PASS'] = auth
        else:
            env['FWLB_CREDENTIALS'] = ''          # send none (not even ~/.fwlb/credentials)
        if self.tls:
            env['FWLB_TRUSTSTORE'], env['FWLB_TRUSTSTORE_PASSWORD'] = self.tls.truststore, self.tls.PW
        return env

    def cli(self, *args, auth=True):
        p = subprocess.run([FWLB, '--rest', self.endpoint()] + list(args), capture_output=True,
                           text=True, timeout=60, env=self.cli_env(auth))
        return p.returncode, p.stdout + p.stderr

    def add_user(self, name, password, roles):
        """bin/fwlb user-password on this runtime's users file (the runtime re-reads it at the next request)."""
        argv = [FWLB, 'user-password', '--users', self.users, name]
        for r in roles:
            argv += ['--role', r]
        p = subprocess.run(argv, input=password + '\n', capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError_('user-password %s: %s' % (name, p.stdout + p.stderr))


class RestTls:
    """A self-signed certificate for the runtime's HTTPS REST naming the IP addresses its clients connect to
    (clients verify the name): PEM for Python and the L7 dispatchers (controllerCaFile), a PKCS12 key store for
    the runtime (--rest-key-store) and a trust store for bin/fwlb (FWLB_TRUSTSTORE)."""

    PW = 'e2e-rest-store-pw'

    def __init__(self, d, ips=('127.0.0.1',)):
        os.makedirs(d, exist_ok=True)
        self.cert, key = os.path.join(d, 'rest-cert.pem'), os.path.join(d, 'rest-key.pem')
        self.keystore, self.truststore = os.path.join(d, 'rest.p12'), os.path.join(d, 'rest-trust.p12')
        self.pwfile = os.path.join(d, 'rest-store.pw')
        with open(self.pwfile, 'w') as f:
            f.write(self.PW + '\n')
        os.chmod(self.pwfile, 0o600)
        san = 'subjectAltName=' + ','.join('IP:' + ip for ip in ips)
        _run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
              '-days', '2', '-subj', '/CN=fwlb-e2e-runtime', '-addext', san, '-keyout', key, '-out', self.cert])
        _run(['openssl', 'pkcs12', '-export', '-name', 'rest', '-inkey', key, '-in', self.cert, '-out', self.keystore,
              '-passout', 'pass:' + self.PW])
        java = os.path.realpath(_run(['which', 'java']).strip())
        _run([os.path.join(os.path.dirname(java), 'keytool'), '-importcert', '-noprompt', '-keystore', self.truststore,
              '-storetype', 'PKCS12', '-storepass', self.PW, '-alias', 'rest', '-file', self.cert])
        os.chmod(key, 0o600)

    def runtime_args(self):
        return ['--rest-key-store', self.keystore, '--rest-key-store-password', 'file:' + self.pwfile]

    def context(self):
        return ssl.create_default_context(cafile=self.cert)


def _run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError_('%s: %s' % (' '.join(argv), p.stdout + p.stderr))
    return p.stdout


def read_credentials(path):
    """(user, password) from a credentials file the runtime wrote (`user = ...`, `password = ...`)."""
    values = {}
    with open(path) as f:
        for line in f:
            if '=' in line and not line.lstrip().startswith('#'):
                k, v = line.split('=', 1)
                values[k.strip()] = v.strip()
    return values['user'], values['password']


def basic_auth(user, password):
    return 'Basic ' + base64.b64encode(('%s:%s' % (user, password)).encode()).decode()


def _listener(port):
    p = subprocess.run(['ss', '-ltnpH', 'sport = :%d' % port], capture_output=True, text=True)
    return p.stdout.strip() or '?'


def wait_for(pred, timeout, interval=0.2, what='condition'):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError('timed out after %ss waiting for %s (last: %r)' % (timeout, what, last))


class Capture:
    """tcpdump on one interface into a pcap file, in the root namespace (switch ports: `<bridge>-eth<n>`)
    or in a host's network namespace (netns_pid = the host's pid). Read back with count(filter)."""

    def __init__(self, iface, path, netns_pid=None, snaplen=128):
        self.iface = iface
        self.path = path
        self.netns_pid = netns_pid
        self.snaplen = snaplen
        self.proc = None
        self.stderr = ''

    def _ns(self, argv):
        return (['nsenter', '-t', str(self.netns_pid), '-n', '--'] + argv) if self.netns_pid else argv

    def start(self, timeout=10):
        errf = open(self.path + '.err', 'wb')
        self.proc = subprocess.Popen(self._ns(['tcpdump', '-i', self.iface, '-nn', '-U', '-s', str(self.snaplen),
                                               '-w', self.path]),
                                     stdout=subprocess.DEVNULL, stderr=errf, start_new_session=True)
        errf.close()
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.path + '.err') as f:
                if 'listening on' in f.read():
                    return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError_('tcpdump on %s did not start: %s' % (self.iface, self.stderr))

    def stop(self):
        """Stops the capture; returns the packets the kernel dropped (must be 0 for a count to mean anything)."""
        if self.proc and self.proc.poll() is None:
            time.sleep(0.3)                       # let the last frames in
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        with open(self.path + '.err') as f:
            self.stderr = f.read()
        m = [ln for ln in self.stderr.splitlines() if 'dropped by kernel' in ln]
        return int(m[-1].split()[0]) if m else 0

    def lines(self, flt='', link=False):
        argv = ['tcpdump', '-r', self.path, '-nn'] + (['-e'] if link else []) + ([flt] if flt else [])
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError_('tcpdump -r %s %r: %s' % (self.path, flt, p.stderr.strip()))
        return [ln for ln in p.stdout.splitlines() if ln.strip()]

    def count(self, flt='', link=False):
        """Frames in the capture matching a pcap filter (tagged frames need `vlan and ...`)."""
        return len(self.lines(flt, link))
