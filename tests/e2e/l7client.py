"""HTTP client for the L7 end-to-end tests, run inside a Mininet client host (no dependencies).

    l7client.py get URL -n N [-c C] [--timeout S] [-H 'Name: value']...
        N GET requests, each on its own new TCP connection ("Connection: close"), C at a time. Prints one
        JSON object: {"records": [{status, server, dispatcher, relayedBy, fwlbServer, setCookie, ms}],
        "errors": [{kind, ms}], "duration"} - one record per answered request, with the headers the L7
        dispatcher and the fwlbnet HTTP server add (X-Server, X-Fwlb-Dispatcher, X-Fwlb-Relayed-By,
        X-Fwlb-Server) and the FWLBSRV value of Set-Cookie, if any.
    l7client.py status URL [--timeout S] [-H 'Name: value']...
        One GET on a new connection; prints {"status": N, "headers": {...}} (N = null if no answer).
    l7client.py raw HOST PORT FILE... [--timeout S]
        Each file's bytes on a new connection; reads until the peer closes (half-closing after 2 s of
        silence). Prints {"results": [{file, status, closedByPeer, ms, bytes}]}.
"""
import argparse
import asyncio
import json
import socket
import sys
import time
from urllib.parse import urlsplit

COOKIE = 'FWLBSRV'


def parse_head(data):
    head = data.split(b'\r\n\r\n', 1)[0].decode('latin-1').split('\r\n')
    parts = head[0].split(' ')
    if len(parts) < 2 or not parts[1].isdigit():
        return None
    h = {}
    cookie = None
    for line in head[1:]:
        k, _, v = line.partition(':')
        k, v = k.strip().lower(), v.strip()
        h[k] = v
        if k == 'set-cookie' and v.startswith(COOKIE + '='):
            cookie = v.split(';', 1)[0][len(COOKIE) + 1:]
    return {'status': int(parts[1]), 'server': h.get('x-server'), 'dispatcher': h.get('x-fwlb-dispatcher'),
            'relayedBy': h.get('x-fwlb-relayed-by'), 'fwlbServer': h.get('x-fwlb-server'), 'setCookie': cookie}


async def one(host, port, path, headers, timeout, out):
    t0 = time.perf_counter()
    writer = None
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        req = 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s\r\n' % (
            path, host, ''.join(h + '\r\n' for h in headers))
        writer.write(req.encode())
        data = await asyncio.wait_for(reader.read(-1), timeout)
    except asyncio.TimeoutError:
        out['errors'].append({'kind': 'timeout', 'ms': (time.perf_counter() - t0) * 1000})
        return
    except OSError as e:
        out['errors'].append({'kind': type(e).__name__, 'ms': (time.perf_counter() - t0) * 1000})
        return
    finally:
        if writer is not None:
            writer.close()
    rec = parse_head(data)
    if rec is None:
        out['errors'].append({'kind': 'bad-response', 'ms': (time.perf_counter() - t0) * 1000})
        return
    rec['ms'] = (time.perf_counter() - t0) * 1000
    out['records'].append(rec)


async def get(url, n, c, timeout, headers):
    u = urlsplit(url)
    host, port = u.hostname, u.port or 80
    path = (u.path or '/') + ('?' + u.query if u.query else '')
    out = {'records': [], 'errors': []}
    counter = iter(range(n))

    async def worker():
        for _ in counter:
            await one(host, port, path, headers, timeout, out)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, min(c, n)))))
    out['duration'] = time.perf_counter() - t0
    return out


def raw(host, port, path, timeout):
    with open(path, 'rb') as f:
        payload = f.read()
    t0 = time.perf_counter()
    s = socket.create_connection((host, port), timeout=timeout)
    data = b''
    closed = False
    half_closed = False
    try:
        try:
            s.sendall(payload)
        except OSError:
            pass                                   # the dispatcher may answer and close before all of it is sent
        s.settimeout(0.2)
        deadline = t0 + timeout
        quiet_since = time.perf_counter()
        while time.perf_counter() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                if not half_closed and time.perf_counter() - quiet_since > 2.0:
                    half_closed = True             # like `nc -q`: end of input, wait for the answer
                    try:
                        s.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                continue
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            data += chunk
            quiet_since = time.perf_counter()
    finally:
        s.close()
    line = data.split(b'\r\n', 1)[0].decode('latin-1')
    parts = line.split(' ')
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    return {'file': path, 'status': status, 'statusLine': line, 'closedByPeer': closed, 'halfClosed': half_closed,
            'ms': (time.perf_counter() - t0) * 1000, 'bytes': len(data)}


def status(url, timeout, headers):
    u = urlsplit(url)
    host, port = u.hostname, u.port or 80
    path = (u.path or '/') + ('?' + u.query if u.query else '')
    req = 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n%s\r\n' % (
        path, host, ''.join(h + '\r\n' for h in headers))
    data = b''
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(req.encode())
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError as e:
        if not data:
            return {'status': None, 'error': type(e).__name__}
    head = data.split(b'\r\n\r\n', 1)[0].decode('latin-1').split('\r\n')
    parts = head[0].split(' ')
    hdrs = {}
    for line in head[1:]:
        k, _, v = line.partition(':')
        hdrs[k.strip().lower()] = v.strip()
    return {'status': int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None, 'headers': hdrs}


def main(argv=None):
    ap = argparse.ArgumentParser(prog='l7client')
    sub = ap.add_subparsers(dest='cmd', required=True)
    g = sub.add_parser('get')
    g.add_argument('url')
    g.add_argument('-n', type=int, required=True)
    g.add_argument('-c', type=int, default=1)
    g.add_argument('--timeout', type=float, default=10.0)
    g.add_argument('-H', action='append', default=[], dest='headers')
    st = sub.add_parser('status')
    st.add_argument('url')
    st.add_argument('--timeout', type=float, default=5.0)
    st.add_argument('-H', action='append', default=[], dest='headers')
    r = sub.add_parser('raw')
    r.add_argument('host')
    r.add_argument('port', type=int)
    r.add_argument('files', nargs='+')
    r.add_argument('--timeout', type=float, default=8.0)
    a = ap.parse_args(argv)
    if a.cmd == 'get':
        print(json.dumps(asyncio.run(get(a.url, a.n, a.c, a.timeout, a.headers))))
    elif a.cmd == 'status':
        print(json.dumps(status(a.url, a.timeout, a.headers)))
    else:
        print(json.dumps({'results': [raw(a.host, a.port, f, a.timeout) for f in a.files]}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
