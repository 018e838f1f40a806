"""Parsers for the tools the harness drives (ab, wrk, ping, curl, ovs-ofctl). Pure functions,
unit-tested on recorded outputs; the Topology methods in net.py run the tools and call these."""
import re
from dataclasses import dataclass, field
from typing import Dict, Optional


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100) of a list of numbers; None when empty."""
    if not values:
        return None
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))
    return s[k]


@dataclass
class LoadResult:
    """Outcome of a load run (ab or wrk). Latencies in milliseconds."""
    tool: str
    requested: int = 0            # ab: -n; wrk: 0 (duration based)
    completed: int = 0            # requests answered (any status)
    failed: int = 0               # ab: failed requests (connect/receive/exceptions); wrk: socket errors
    non2xx: int = 0
    rps: float = 0.0
    duration: float = 0.0         # seconds
    latency: Dict[str, float] = field(default_factory=dict)   # {'p50': ms, 'p90':, 'p99':, 'max':}
    connect: Dict[str, float] = field(default_factory=dict)   # ab only: connect time percentiles
    failures: Dict[str, int] = field(default_factory=dict)    # ab: connect/receive/length/exceptions
    servers: Dict[str, int] = field(default_factory=dict)     # loadgen: X-Server value -> responses
    rc: int = 0
    output: str = ''

    @property
    def ok(self):
        """Every request completed, none failed, all 2xx."""
        done = self.completed >= self.requested if self.requested else self.completed > 0
        return self.rc == 0 and done and self.failed == 0 and self.non2xx == 0


def _num(pattern, text, cast=float, default=0):
    m = re.search(pattern, text, re.M)
    return cast(m.group(1)) if m else default


def parse_ab(text, requested=0, gnuplot=None, rc=0):
    """ApacheBench output (+ optional -g gnuplot file content for per-request connect times)."""
    r = LoadResult('ab', requested=requested, rc=rc, output=text)
    r.completed = _num(r'^Complete requests:\s+(\d+)', text, int)
    failed = _num(r'^Failed requests:\s+(\d+)', text, int)
    m = re.search(r'\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)', text)
    if m:
        r.failures = dict(zip(('connect', 'receive', 'length', 'exceptions'), map(int, m.groups())))
        # ab is run with -l (variable length bodies): length mismatches are not failures
        r.failed = r.failures['connect'] + r.failures['receive'] + r.failures['exceptions']
    else:
        r.failed = failed
    r.non2xx = _num(r'^Non-2xx responses:\s+(\d+)', text, int)
    r.rps = _num(r'^Requests per second:\s+([\d.]+)', text)
    r.duration = _num(r'^Time taken for tests:\s+([\d.]+)', text)
    pct = dict((int(a), float(b)) for a, b in re.findall(r'^\s+(\d+)%\s+(\d+)', text, re.M))
    for k in (50, 90, 99):
        if k in pct:
            r.latency['p%d' % k] = pct[k]
    if 100 in pct:
        r.latency['max'] = pct[100]
    if gnuplot:
        ctimes, ttimes = [], []
        for line in gnuplot.splitlines()[1:]:
            w = line.split('\t')
            if len(w) >= 5:
                try:
                    ctimes.append(float(w[2]))
                    ttimes.append(float(w[4]))
                except ValueError:
                    pass
        for k in (50, 90, 99):
            if ctimes:
                r.connect['p%d' % k] = percentile(ctimes, k)
            if ttimes:
                r.latency['p%d' % k] = percentile(ttimes, k)
        if ctimes:
            r.connect['max'] = max(ctimes)
    return r


_UNIT = {'us': 0.001, 'ms': 1.0, 's': 1000.0, 'm': 60000.0}


def _ms(s):
    m = re.match(r'^([\d.]+)(us|ms|s|m)$', s)
    return float(m.group(1)) * _UNIT[m.group(2)] if m else None


def parse_wrk(text, rc=0):
    """wrk --latency output."""
    r = LoadResult('wrk', rc=rc, output=text)
    m = re.search(r'^\s*(\d+) requests in ([\d.]+)(us|ms|s|m),', text, re.M)
    if m:
        r.completed = int(m.group(1))
        r.duration = _ms(m.group(2) + m.group(3)) / 1000.0
    m = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', text)
    if m:
        r.failures = dict(zip(('connect', 'read', 'write', 'timeout'), map(int, m.groups())))
        r.failed = sum(r.failures.values())
    r.non2xx = _num(r'Non-2xx or 3xx responses:\s+(\d+)', text, int)
    r.rps = _num(r'^Requests/sec:\s+([\d.]+)', text)
    for p, v in re.findall(r'^\s+(50|75|90|99)%\s+(\S+)', text, re.M):
        if _ms(v) is not None:
            r.latency['p' + p] = _ms(v)
    m = re.search(r'^\s+Latency\s+\S+\s+\S+\s+(\S+)', text, re.M)
    if m and _ms(m.group(1)) is not None:
        r.latency['max'] = _ms(m.group(1))
    return r


def parse_loadgen(text, rc=0):
    """JSON printed by fwlbnet.loadgen."""
    import json
    r = LoadResult('loadgen', rc=rc, output=text)
    try:
        d = json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        r.rc = rc or 1
        return r
    r.requested, r.completed, r.failed, r.non2xx = d['requested'], d['completed'], d['failed'], d['non2xx']
    r.rps, r.duration = d['rps'], d['duration']
    r.latency = {k: v for k, v in d['latency'].items() if v is not None}
    r.connect = {k: v for k, v in d['connect'].items() if v is not None}
    r.servers = d['servers']
    r.failures = d['errors']
    return r


@dataclass
class PingResult:
    sent: int
    received: int
    rtt_avg: Optional[float]
    output: str = ''

    @property
    def ok(self):
        return self.sent > 0 and self.received == self.sent

    @property
    def loss(self):
        return 1.0 - (self.received / self.sent) if self.sent else 1.0


def parse_ping(text):
    m = re.search(r'(\d+) packets transmitted, (\d+) (?:packets )?received', text)
    sent, recv = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    m = re.search(r'= [\d.]+/([\d.]+)/', text)
    return PingResult(sent, recv, float(m.group(1)) if m else None, text)


_META = ('cookie', 'duration', 'table', 'n_packets', 'n_bytes', 'idle_timeout', 'hard_timeout',
         'idle_age', 'hard_age', 'importance', 'reset_counts', 'priority')
_INT_META = ('table', 'n_packets', 'n_bytes', 'idle_timeout', 'hard_timeout', 'idle_age',
             'hard_age', 'importance', 'priority')


def parse_flows(text):
    """`ovs-ofctl -O OpenFlow13 dump-flows BR` -> [{'cookie': int, 'duration': float, 'table': int,
    'n_packets': int, 'n_bytes': int, 'priority': int, 'idle_timeout': int, 'hard_timeout': int,
    'flags': [..], 'match': {field: value or True}, 'actions': str}] (absent priority = 32768)."""
    flows = []
    for line in text.splitlines():
        line = line.strip()
        if ' actions=' not in line and not line.startswith('actions='):
            continue
        left, _, actions = line.partition('actions=')
        f = {'priority': 32768, 'idle_timeout': 0, 'hard_timeout': 0, 'flags': [], 'match': {},
             'actions': actions.strip()}
        for tok in left.replace(', ', ' ').split():
            tok = tok.rstrip(',')
            if not tok:
                continue
            items = tok.split(',')
            k0 = items[0].split('=', 1)[0]
            if len(items) == 1 and k0 in _META and k0 != 'priority':
                k, _, v = tok.partition('=')
                if k == 'cookie':
                    f[k] = int(v, 16) if v.startswith('0x') else int(v)
                elif k == 'duration':
                    f[k] = float(v.rstrip('s'))
                elif k in _INT_META:
                    f[k] = int(v)
                continue
            if len(items) == 1 and '=' not in tok and tok in ('send_flow_rem', 'check_overlap',
                                                               'reset_counts', 'no_packet_counts',
                                                               'no_byte_counts'):
                f['flags'].append(tok)
                continue
            for it in items:
                k, sep, v = it.partition('=')
                if k == 'priority':
                    f['priority'] = int(v)
                else:
                    f['match'][k] = v if sep else True
        flows.append(f)
    return flows


def parse_port_stats(text):
    """`ovs-ofctl -O OpenFlow13 dump-ports BR` -> {port (int, or 'LOCAL'): {'rx_packets', 'rx_bytes',
    'rx_dropped', 'rx_errors', 'tx_packets', 'tx_bytes', 'tx_dropped', 'tx_errors'}}."""
    out = {}
    cur = None
    for line in text.splitlines():
        m = re.match(r'^\s*port\s+"?([^:"]+)"?:\s+rx (.*)$', line)
        if m:
            p = m.group(1).strip()
            cur = int(p) if p.isdigit() else p
            out[cur] = {}
            _kv_into(out[cur], 'rx', m.group(2))
            continue
        m = re.match(r'^\s+tx (.*)$', line)
        if m and cur is not None:
            _kv_into(out[cur], 'tx', m.group(1))
    return out


def _kv_into(d, prefix, s):
    names = {'pkts': 'packets', 'bytes': 'bytes', 'drop': 'dropped', 'errs': 'errors'}
    for k, v in re.findall(r'(\w+)=(\??\d*)', s):
        if k in names:
            d['%s_%s' % (prefix, names[k])] = int(v) if v.isdigit() else 0


@dataclass
class TransferResult:
    """Outcome of a transfer. Paced transfers (net.PacedTransfer, also behind long_transfer): ok =
    HTTP 200, every byte received and equal to the seed's content (position and SHA-256), no error;
    rc = the client's exit code; times are CLOCK_MONOTONIC seconds (start, first_byte, end)."""
    ok: bool
    http_code: int
    bytes: int
    expected: int
    seconds: float
    rc: int
    error: str = ''
    client_port: int = 0          # the client's source port
    server_saw: str = ''          # the client address the server saw (X-Client), "ip:port"
    sha256: str = ''              # of the bytes received
    expected_sha256: str = ''     # of the content the seed must produce
    seed: int = 0
    rate: int = 0                 # bytes/s the server paced at (0: unpaced)
    start: Optional[float] = None
    first_byte: Optional[float] = None
    end: Optional[float] = None


def parse_curl_w(text, expected, rc, err=''):
    """Output of curl -w '%{http_code} %{size_download} %{time_total}'."""
    w = text.strip().split()
    code, size, secs = 0, 0, 0.0
    if len(w) >= 3:
        try:
            code, size, secs = int(w[-3]), int(float(w[-2])), float(w[-1])
        except ValueError:
            pass
    return TransferResult(rc == 0 and code == 200 and size == expected, code, size, expected, secs,
                          rc, err.strip())
