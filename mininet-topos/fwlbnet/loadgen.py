"""Exact-count HTTP client: N requests, each on its own new TCP connection, C at a time.

    /usr/bin/python3 -m fwlbnet.loadgen URL -n N [-c C] [--timeout S] [-H 'Name: value']...
                                            [--ports FIRST]

Prints one JSON object: completed, failed, non2xx, rps, duration, latency/connect percentiles (ms),
servers ({X-Server header value: count}), status ({code: count}), errors ({kind: count}).
Unlike ab, it never opens a connection it does not use (ab may open up to C-1 extra ones at the
end of a run), and it reports which back-end answered each request (the X-Server header of the
fwlbnet HTTP server), so distributions can be checked from the client side.

With --ports FIRST the i-th connection binds source port FIRST+i: no 5-tuple repeats within a run
(Linux picks ephemeral ports at random, so a few hundred connections to one address reuse some ports
within seconds, and a reused 5-tuple follows its live pin without a new decision).
"""
import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))]


async def one(host, port, path, headers, timeout, res, src_port=None):
    t0 = time.perf_counter()
    writer = None
    try:
        local = ('0.0.0.0', src_port) if src_port else None
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port, local_addr=local), timeout)
        t1 = time.perf_counter()
        req = 'GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: fwlbnet-loadgen\r\n%s\r\n' % (
            path, host, ''.join(h + '\r\n' for h in headers))
        writer.write(req.encode())
        data = await asyncio.wait_for(reader.read(-1), timeout)
        t2 = time.perf_counter()
    except asyncio.TimeoutError:
        res['errors']['timeout'] = res['errors'].get('timeout', 0) + 1
        return
    except OSError as e:
        k = type(e).__name__
        res['errors'][k] = res['errors'].get(k, 0) + 1
        return
    finally:
        if writer is not None:
            writer.close()
    head = data.split(b'\r\n\r\n', 1)[0].decode('latin-1').split('\r\n')
    parts = head[0].split(' ')
    if len(parts) < 2 or not parts[1].isdigit():
        res['errors']['bad-response'] = res['errors'].get('bad-response', 0) + 1
        return
    code = int(parts[1])
    res['status'][code] = res['status'].get(code, 0) + 1
    server = None
    for h in head[1:]:
        k, _, v = h.partition(':')
        if k.strip().lower() == 'x-server':
            server = v.strip()
    res['servers'][server or '?'] = res['servers'].get(server or '?', 0) + 1
    res['connect'].append((t1 - t0) * 1000)
    res['latency'].append((t2 - t0) * 1000)


async def run(url, n, c, timeout, headers, first_port=None):
    u = urlsplit(url)
    host, port = u.hostname, u.port or 80
    path = (u.path or '/') + ('?' + u.query if u.query else '')
    res = {'status': {}, 'servers': {}, 'errors': {}, 'connect': [], 'latency': []}
    counter = iter(range(n))

    async def worker():
        for i in counter:
            await one(host, port, path, headers, timeout, res, first_port + i if first_port else None)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, min(c, n)))))
    dur = time.perf_counter() - t0
    completed = sum(res['status'].values())
    return {'requested': n, 'completed': completed, 'failed': sum(res['errors'].values()),
            'non2xx': sum(v for k, v in res['status'].items() if not 200 <= k < 300),
            'rps': completed / dur if dur > 0 else 0.0, 'duration': dur,
            'latency': {('p%d' % p): pct(res['latency'], p) for p in (50, 90, 99)},
            'connect': {('p%d' % p): pct(res['connect'], p) for p in (50, 90, 99)},
            'servers': res['servers'], 'status': {str(k): v for k, v in res['status'].items()},
            'errors': res['errors']}


def main(argv=None):
    ap = argparse.ArgumentParser(prog='fwlbnet.loadgen')
    ap.add_argument('url')
    ap.add_argument('-n', type=int, required=True)
    ap.add_argument('-c', type=int, default=1)
    ap.add_argument('--timeout', type=float, default=10.0)
    ap.add_argument('-H', action='append', default=[], dest='headers')
    ap.add_argument('--ports', type=int, default=None, help='source port of the first connection')
    a = ap.parse_args(argv)
    if a.ports is not None and not 1024 <= a.ports <= 65535 - a.n:
        ap.error('--ports: %d..%d is not within 1024..65535' % (a.ports, a.ports + a.n))
    print(json.dumps(asyncio.run(run(a.url, a.n, a.c, a.timeout, a.headers, a.ports))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
