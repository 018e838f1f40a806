"""What bench-sandwich.py and bench-dispatch.py measure the same way (issue 13): one ApacheBench run per mode
with the CPU the controller and ovs-vswitchd spent on it and the client's SYN retransmissions; a run that did
not complete is FAILED with its reason (never a number); the table of every mode against the baseline.
"""
import os
import re
import subprocess

TICK = os.sysconf('SC_CLK_TCK')
MODE_KEYS = ('connectionsPerSecond', 'connectP50ms', 'connectP99ms', 'completed', 'failed')


def cpu_ticks(pid):
    """utime + stime of a process (clock ticks), or None when it is gone."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None


def ovs_pid():
    """ovs-vswitchd's pid (every bridge of the harness is in this one userspace process)."""
    out = subprocess.run(['pidof', 'ovs-vswitchd'], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else None


def tcp_counters(net, host):
    """The host namespace's TCP retransmission counters (nstat absolute values)."""
    out = net.cmd(host, 'nstat -az TcpRetransSegs TcpExtTCPSynRetrans')
    vals = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ('TcpRetransSegs', 'TcpExtTCPSynRetrans') and parts[1].isdigit():
            vals[parts[0]] = int(parts[1])
    return vals


def partial(r):
    """Requests an aborted ab run completed (it prints 'Total of N requests completed' instead of its summary)."""
    m = re.search(r'Total of (\d+) requests completed', r.output)
    return max(r.completed, int(m.group(1))) if m else r.completed


def failure_reason(r):
    """Why an ab run does not count, from its result and the tail of its output; None if it completed."""
    if r.ok:
        return None
    tail = [ln.strip() for ln in r.output.strip().splitlines()[-6:] if ln.strip()]
    aborted = [ln for ln in tail if ln.startswith('apr_') or 'timeout' in ln.lower()]
    parts = []
    if r.completed < r.requested:
        parts.append('ab aborted after %d of %d requests' % (partial(r), r.requested))
    if aborted:
        parts.append(' / '.join(aborted))
    if r.failed:
        parts.append('%d failed (%s)' % (r.failed, r.failures))
    if r.non2xx:
        parts.append('%d non-2xx' % r.non2xx)
    if r.rc and not parts:
        parts.append('ab exited %d' % r.rc)
    return '; '.join(parts) or 'incomplete'


def measure(net, host, url, requests, concurrency, controller_pid=None, timeout=10):
    """One ab run (every request a new connection). Returns the mode's result: the numbers when it completed,
    status FAILED and a reason when not; CPU µs per connection of the controller (None without one) and of
    ovs-vswitchd; the client's SYN retransmissions and retransmitted segments during the run."""
    opid = ovs_pid()
    t0 = tcp_counters(net, host)
    c0 = cpu_ticks(controller_pid) if controller_pid else None
    o0 = cpu_ticks(opid) if opid else None
    r = net.ab(host, url, n=requests, concurrency=concurrency, timeout=timeout)
    c1 = cpu_ticks(controller_pid) if controller_pid else None
    o1 = cpu_ticks(opid) if opid else None
    t1 = tcp_counters(net, host)
    done = max(1, partial(r))
    per_conn = (lambda a, b: round((b - a) * 1e6 / TICK / done, 1) if a is not None and b is not None else None)
    res = {'requests': requests, 'concurrency': concurrency, 'completed': partial(r), 'failed': r.failed,
           'non2xx': r.non2xx,
           'controllerCpuUsPerConnection': per_conn(c0, c1),
           'ovsCpuUsPerConnection': per_conn(o0, o1),
           'synRetransmissions': t1.get('TcpExtTCPSynRetrans', 0) - t0.get('TcpExtTCPSynRetrans', 0),
           'retransmittedSegments': t1.get('TcpRetransSegs', 0) - t0.get('TcpRetransSegs', 0)}
    reason = failure_reason(r)
    if reason:
        res.update({'status': 'FAILED', 'reason': reason, 'connectionsPerSecond': None, 'connectP50ms': None,
                    'connectP99ms': None, 'latencyP50ms': None, 'latencyP99ms': None})
        print('   FAILED: %s' % reason)
    else:
        res.update({'status': 'ok', 'connectionsPerSecond': round(r.rps, 1), 'connectP50ms': r.connect.get('p50'),
                    'connectP99ms': r.connect.get('p99'), 'latencyP50ms': r.latency.get('p50'),
                    'latencyP99ms': r.latency.get('p99')})
    return res


def failed(reason):
    """A mode that could not be measured at all (its set-up failed)."""
    print('   FAILED: %s' % reason)
    return {'status': 'FAILED', 'reason': reason, 'connectionsPerSecond': None, 'connectP50ms': None,
            'connectP99ms': None, 'completed': 0, 'failed': None}


def ratio(results, mode, base='baseline'):
    """A mode's conn/s over the baseline's, or None when either did not complete."""
    a, b = results.get(mode) or {}, results.get(base) or {}
    if a.get('status') != 'ok' or b.get('status') != 'ok' or not b.get('connectionsPerSecond'):
        return None
    return round(a['connectionsPerSecond'] / b['connectionsPerSecond'], 3)


def table(results, modes, extra=()):
    """Prints one line per mode: conn/s, its ratio to the baseline, connect p50/p99, CPU per connection, SYN
    retransmissions, packet-ins per connection; FAILED modes with their reason."""
    print('%-22s %9s %8s %9s %9s %11s %9s %8s %11s' % ('mode', 'conn/s', 'vs base', 'conn p50', 'conn p99',
                                                       'ctrl us/c', 'ovs us/c', 'SYN rtx', 'pkt-in/conn'))
    for k in modes:
        r = results.get(k)
        if r is None:
            continue
        if r.get('status') != 'ok':
            print('%-22s FAILED: %s' % (k, r.get('reason')))
            continue
        q = ratio(results, k)
        print('%-22s %9s %8s %6s ms %6s ms %11s %9s %8s %11s'
              % (k, r['connectionsPerSecond'], '-' if q is None else '%.0f %%' % (100 * q), _num(r['connectP50ms']),
                 _num(r['connectP99ms']), r.get('controllerCpuUsPerConnection'), r.get('ovsCpuUsPerConnection'),
                 r.get('synRetransmissions'), r.get('packetInsPerConnection')))
    for line in extra:
        print(line)


def _num(v):
    """A latency as the table shows it: one decimal (loadgen's are floats, ab's whole ms), '-' when absent."""
    return '-' if v is None else '%.1f' % v


def any_failed(results, modes):
    return [k for k in modes if (results.get(k) or {}).get('status') != 'ok']
