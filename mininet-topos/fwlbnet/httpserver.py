"""Minimal fast HTTP/1.1 server for test back-ends (asyncio protocol, no dependencies).

    /usr/bin/python3 -m fwlbnet.httpserver --name srv1 [--port 80] [--bind 0.0.0.0]
        [--stats FILE] [--cookie NAME] [--tls-cert CERT --tls-key KEY]

Every response carries the header ``X-Server: <name>``. Paths:
  /              body "<name>\\n" (any other unknown path too)
  /stats         JSON counters (this request and its connection are not counted)
  /bytes/N       N bytes of payload, streamed with flow control (as fast as the path allows)
  /paced/N?rate=R&seed=K
                 N bytes of deterministic content (fwlbnet.paced.Content(K), default seed 0) paced by
                 the sender at R bytes/s (chunks of ~1/20 s, each sent when its last byte is due: the
                 transfer lasts at least N/R s); rate absent or 0: unpaced. Headers X-Paced (size,
                 rate, seed) and X-Client (the peer address as this server sees it). Self-test hook:
                 &corrupt=OFFSET flips the byte at OFFSET
  /sleep/MS      answers after MS milliseconds (long-lived connections)
  /status/CODE   answers with that status code
  /headers       JSON of the request line and headers as received (what a proxy forwarded)
  POST/PUT       body is read (Content-Length or chunked); answer "<name> <length>\\n"
With --cookie NAME every response sets ``NAME=<name>; Path=/``.
Counters: connections accepted, active, requests, responses by status, bytes sent; written to
--stats (atomically, every 0.2 s when changed, and at exit) and served on /stats.
Keep-alive per HTTP/1.1 (HTTP/1.0 only with "Connection: keep-alive"). Malformed requests get 400
and the connection is closed.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
import time
from urllib.parse import parse_qs

from .paced import Content, chunk_size, parse_rate

MAX_HEADER = 65536
CHUNK = 65536
REASONS = {200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found',
           400: 'Bad Request', 404: 'Not Found', 408: 'Request Timeout',
           413: 'Payload Too Large', 431: 'Request Header Fields Too Large',
           500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable'}


class Stats:
    def __init__(self, name):
        self.name = name
        self.started = time.time()
        self.connections = 0
        self.active = 0
        self.requests = 0
        self.bytes_sent = 0
        self.status = {}
        self.bad_requests = 0
        self.version = 0

    def as_dict(self):
        return {'name': self.name, 'pid': os.getpid(), 'started': self.started,
                'connections': self.connections, 'active': self.active, 'requests': self.requests,
                'bytesSent': self.bytes_sent, 'badRequests': self.bad_requests,
                'status': {str(k): v for k, v in sorted(self.status.items())}}


class BadRequest(Exception):
    def __init__(self, code=400):
        Exception.__init__(self, code)
        self.code = code


class HttpProtocol(asyncio.Protocol):
    def __init__(self, srv):
        self.srv = srv
        self.stats = srv.stats
        self.transport = None
        self.buf = bytearray()
        self.counted = False
        self.served = 0
        self.busy = False          # a response is being produced (sleep/stream): queue input
        self.closing = False
        self.can_write = None

    # -- connection ---------------------------------------------------------------------------
    def connection_made(self, transport):
        self.transport = transport
        self.stats.connections += 1
        self.stats.active += 1
        self.stats.version += 1
        self.counted = True
        self.can_write = asyncio.Event()
        self.can_write.set()

    def connection_lost(self, exc):
        self.stats.active -= 1
        self.stats.version += 1
        self.closing = True
        self.can_write.set()

    def pause_writing(self):
        self.can_write.clear()

    def resume_writing(self):
        self.can_write.set()

    def data_received(self, data):
        self.buf += data
        if not self.busy:
            self.process()

    # -- parsing ------------------------------------------------------------------------------
    def process(self):
        while self.buf and not self.busy and not self.closing:
            try:
                req = self.parse()
            except BadRequest as e:
                self.stats.bad_requests += 1
                self.respond(e.code, b'bad request\n', keep=False)
                return
            if req is None:
                if len(self.buf) > MAX_HEADER:
                    self.stats.bad_requests += 1
                    self.respond(431, b'header too large\n', keep=False)
                return
            self.handle(*req)

    def parse(self):
        end = self.buf.find(b'\r\n\r\n')
        if end < 0:
            return None
        if end > MAX_HEADER:
            raise BadRequest(431)
        head = bytes(self.buf[:end]).decode('latin-1')
        lines = head.split('\r\n')
        parts = lines[0].split(' ')
        if len(parts) != 3 or not parts[0].isalpha() or not parts[2].startswith('HTTP/1.'):
            raise BadRequest()
        method, target, version = parts
        headers = {}
        for ln in lines[1:]:
            k, sep, v = ln.partition(':')
            if not sep or not k or k != k.strip():
                raise BadRequest()
            k = k.lower()
            headers[k] = (headers[k] + ', ' + v.strip()) if k in headers else v.strip()
        pos = end + 4
        body = b''
        te = headers.get('transfer-encoding', '').lower()
        if te:
            if te != 'chunked':
                raise BadRequest()
            res = self.parse_chunked(pos)
            if res is None:
                return None
            body, pos = res
        elif 'content-length' in headers:
            cl = headers['content-length']
            if not cl.isdigit():
                raise BadRequest()
            n = int(cl)
            if len(self.buf) - pos < n:
                return None
            body = bytes(self.buf[pos:pos + n])
            pos += n
        del self.buf[:pos]
        return method, target, version, headers, body

    def parse_chunked(self, pos):
        body = bytearray()
        while True:
            eol = self.buf.find(b'\r\n', pos)
            if eol < 0:
                return None
            size_s = bytes(self.buf[pos:eol]).split(b';')[0].strip()
            try:
                size = int(size_s, 16)
            except ValueError:
                raise BadRequest()
            pos = eol + 2
            if size == 0:
                # trailers until an empty line
                while True:
                    eol = self.buf.find(b'\r\n', pos)
                    if eol < 0:
                        return None
                    if eol == pos:
                        return bytes(body), eol + 2
                    pos = eol + 2
            if len(self.buf) < pos + size + 2:
                return None
            body += self.buf[pos:pos + size]
            if self.buf[pos + size:pos + size + 2] != b'\r\n':
                raise BadRequest()
            pos += size + 2

    # -- responses ----------------------------------------------------------------------------
    def handle(self, method, target, version, headers, body):
        conn = headers.get('connection', '').lower()
        keep = ('close' not in conn) if version == 'HTTP/1.1' else ('keep-alive' in conn)
        path = target.split('?', 1)[0]
        if path == '/stats':
            if self.counted and self.served == 0:
                self.counted = False
                self.stats.connections -= 1
            doc = self.stats.as_dict()
            if not self.counted:
                doc['active'] -= 1          # this /stats connection is not counted
            self.respond(200, (json.dumps(doc) + '\n').encode(), keep,
                         ctype='application/json', count=False, head=method == 'HEAD')
            return
        self.stats.requests += 1
        self.served += 1
        head_only = method == 'HEAD'
        try:
            if path.startswith('/bytes/'):
                n = int(path[7:])
                self.busy = True
                asyncio.ensure_future(self.stream(n, keep, head_only))
                return
            if path.startswith('/paced/'):
                n = int(path[7:])
                q = parse_qs(target.split('?', 1)[1] if '?' in target else '')
                rate = parse_rate(q.get('rate', ['0'])[0])
                seed = int(q.get('seed', ['0'])[0])
                corrupt = int(q['corrupt'][0]) if 'corrupt' in q else None
                if n < 0 or seed < 0:
                    raise ValueError(path)
                self.busy = True
                asyncio.ensure_future(self.paced(n, rate, seed, corrupt, keep, head_only))
                return
            if path.startswith('/sleep/'):
                ms = int(path[7:])
                self.busy = True
                asyncio.get_event_loop().call_later(ms / 1000.0, self.after_sleep, keep, head_only)
                return
            if path.startswith('/status/'):
                code = int(path[8:])
                if not 100 <= code <= 599:
                    raise ValueError(code)
                self.respond(code, ('%s %d\n' % (self.srv.name, code)).encode(), keep, head=head_only)
                return
        except ValueError:
            self.respond(404, b'not found\n', keep, head=head_only)
            return
        if path == '/headers':
            doc = {'server': self.srv.name, 'method': method, 'target': target, 'version': version,
                   'headers': headers, 'bodyLength': len(body)}
            self.respond(200, (json.dumps(doc) + '\n').encode(), keep, ctype='application/json',
                         head=head_only)
        elif method in ('POST', 'PUT'):
            self.respond(200, ('%s %d\n' % (self.srv.name, len(body))).encode(), keep)
        else:
            self.respond(200, self.srv.body, keep, head=head_only)

    def header_block(self, code, length, keep, ctype='text/plain', extra=()):
        h = ['HTTP/1.1 %d %s' % (code, REASONS.get(code, 'Status')),
             'Server: fwlbnet', 'X-Server: ' + self.srv.name, 'Content-Type: ' + ctype,
             'Content-Length: %d' % length, 'Connection: ' + ('keep-alive' if keep else 'close')]
        h += list(extra)
        if self.srv.cookie:
            h.append('Set-Cookie: %s=%s; Path=/' % (self.srv.cookie, self.srv.name))
        return ('\r\n'.join(h) + '\r\n\r\n').encode()

    def respond(self, code, body, keep, ctype='text/plain', count=True, head=False):
        if self.closing:
            return
        data = self.header_block(code, len(body), keep, ctype) + (b'' if head else body)
        self.transport.write(data)
        if count:
            self.stats.status[code] = self.stats.status.get(code, 0) + 1
            self.stats.bytes_sent += len(data)
        self.stats.version += 1
        if not keep:
            self.closing = True
            self.transport.close()

    def after_sleep(self, keep, head):
        self.busy = False
        self.respond(200, self.srv.body, keep, head=head)
        self.process()

    async def stream(self, n, keep, head):
        self.transport.write(self.header_block(200, n, keep, 'application/octet-stream'))
        left = 0 if head else n
        chunk = b'x' * CHUNK
        while left > 0 and not self.closing:
            await self.can_write.wait()
            if self.closing:
                break
            k = min(left, CHUNK)
            self.transport.write(chunk if k == CHUNK else chunk[:k])
            self.stats.bytes_sent += k
            left -= k
        self.stats.status[200] = self.stats.status.get(200, 0) + 1
        self.stats.version += 1
        self.busy = False
        if not keep:
            self.closing = True
            self.transport.close()
        else:
            self.process()


    async def paced(self, n, rate, seed, corrupt, keep, head):
        peer = self.transport.get_extra_info('peername') or ('?', 0)
        self.transport.write(self.header_block(
            200, n, keep, 'application/octet-stream',
            extra=['X-Paced: size=%d rate=%d seed=%d' % (n, rate, seed),
                   'X-Client: %s:%s' % (peer[0], peer[1])]))
        left = 0 if head else n
        content = Content(seed)
        chunk = chunk_size(rate)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        sent = 0
        while sent < left and not self.closing:
            k = min(chunk, left - sent)
            if rate > 0:
                due = t0 + (sent + k) / rate
                now = loop.time()
                if due > now:
                    await asyncio.sleep(due - now)
                elif now - due > 0.25:
                    t0 += now - due          # fell behind (flow control, a stall): no catch-up burst
            await self.can_write.wait()
            if self.closing:
                break
            data = content.slice(sent, k)
            if corrupt is not None and sent <= corrupt < sent + k:
                i = corrupt - sent
                data = data[:i] + bytes([data[i] ^ 0xff]) + data[i + 1:]
            self.transport.write(data)
            self.stats.bytes_sent += k
            sent += k
        self.stats.status[200] = self.stats.status.get(200, 0) + 1
        self.stats.version += 1
        self.busy = False
        if not keep:
            self.closing = True
            self.transport.close()
        elif not self.closing:
            self.process()


class Server:
    def __init__(self, name, cookie=None):
        self.name = name
        self.cookie = cookie
        self.body = (name + '\n').encode()
        self.stats = Stats(name)


def write_stats(path, stats):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(stats.as_dict(), f)
    os.replace(tmp, path)


async def main_async(args):
    srv = Server(args.name, args.cookie)
    loop = asyncio.get_running_loop()
    ctx = None
    if args.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
    server = await loop.create_server(lambda: HttpProtocol(srv), args.bind, args.port,
                                      backlog=4096, reuse_address=True, ssl=ctx)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(sig, stop.set)
    written = -1
    try:
        while not stop.is_set():
            if args.stats and srv.stats.version != written:
                written = srv.stats.version
                write_stats(args.stats, srv.stats)
            try:
                await asyncio.wait_for(stop.wait(), 0.2)
            except asyncio.TimeoutError:
                pass
    finally:
        server.close()
        if args.stats:
            write_stats(args.stats, srv.stats)


def main(argv=None):
    ap = argparse.ArgumentParser(prog='fwlbnet.httpserver', description=__doc__.split('\n')[0])
    ap.add_argument('--name', required=True)
    ap.add_argument('--port', type=int, default=80)
    ap.add_argument('--bind', default='0.0.0.0')
    ap.add_argument('--stats')
    ap.add_argument('--cookie')
    ap.add_argument('--tls-cert')
    ap.add_argument('--tls-key')
    args = ap.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error('--tls-cert and --tls-key go together')
    asyncio.run(main_async(args))
    return 0


if __name__ == '__main__':
    sys.exit(main())
