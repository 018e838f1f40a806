"""Client of a paced transfer (the harness HTTP server's /paced/<N>): one connection, every byte
checked against the content the seed must produce, progress logged for the test.

    /usr/bin/python3 -m fwlbnet.pacedclient --host IP --size N [--port 80] [--rate R] [--seed K]
        [--src-port P] [--bind IP] [--path /] [--host-header H] [--tls] [--timeout S]
        [--stall-timeout S] [--progress FILE] [--result FILE] [--corrupt OFFSET]

Binds its socket first (to --src-port if given, else an ephemeral port), logs the port, connects,
sends ``GET <path>paced/N?rate=R&seed=K``, reads the whole answer (Content-Length, chunked or
close-delimited) and compares each byte with fwlbnet.paced.Content(K) at its offset, plus the
SHA-256 of everything received against that of the expected N bytes. --progress FILE gets the
progress log (fwlbnet.paced: a record every 40 ms, from a thread, so also while connecting or
stalled). The result is one JSON object on stdout and in --result FILE (written atomically):
    ok, http_code, bytes, expected, seconds, error, client_port, server_saw (X-Client: the address
    the server saw), sha256, expected_sha256, seed, rate, start / connected / first_byte / end
    (CLOCK_MONOTONIC seconds)
ok = HTTP 200, exactly N bytes, every byte as expected, hashes equal, no error. Exit 0 if ok, 1 if
not, 2 on usage errors. --timeout bounds the whole transfer (default: N/R + 30 s);
--stall-timeout ends it when no byte arrived for that long (default: no limit but --timeout).
SIGTERM/SIGINT end it with error "terminated" (the result is still written).
--corrupt OFFSET asks the server to flip that byte (self-test of the verification).
"""
import argparse
import hashlib
import json
import os
import signal
import socket
import sys
import threading
import time

from .paced import PROGRESS_INTERVAL, Content, parse_rate


class Terminated(Exception):
    pass


_SIGNAL = {'raise': False, 'seen': False}     # a signal raises Terminated only inside the I/O


def _on_signal(signum, frame):
    _SIGNAL['seen'] = True
    if _SIGNAL['raise']:
        _SIGNAL['raise'] = False
        raise Terminated()


class ProgressLog(threading.Thread):
    """Appends a progress record every PROGRESS_INTERVAL seconds until stopped."""

    def __init__(self, path):
        threading.Thread.__init__(self, daemon=True)
        self.path = path
        self.bytes = 0
        self.header = None
        self._header_written = False
        self._halt = threading.Event()
        self._lock = threading.Lock()
        self.f = open(path, 'ab', buffering=0) if path else None

    def record(self):
        if self.f is None:
            return
        with self._lock:
            out = b''
            if self.header and not self._header_written:
                out += self.header.encode() + b'\n'
                self._header_written = True
            out += b'%.6f %d\n' % (time.monotonic(), self.bytes)
            self.f.write(out)

    def run(self):
        due = time.monotonic()
        while not self._halt.is_set():
            self.record()
            due += PROGRESS_INTERVAL              # a fixed schedule: delays do not accumulate
            now = time.monotonic()
            if due < now:
                due = now
            self._halt.wait(due - now)

    def finish(self):
        self._halt.set()
        if self.is_alive():
            self.join(2)
        self.record()
        if self.f is not None:
            self.f.close()
            self.f = None


class Body:
    """Checks the body as it arrives: position by position against the seed's content."""

    def __init__(self, content, size, log):
        self.content = content
        self.size = size
        self.log = log
        self.received = 0
        self.mismatch = None
        self.hash = hashlib.sha256()
        self.first_byte = None

    def feed(self, data):
        if not data:
            return
        if self.first_byte is None:
            self.first_byte = time.monotonic()
        if self.mismatch is None:
            n = max(0, min(len(data), self.size - self.received))
            exp = self.content.slice(self.received, n)
            got = data[:n]
            if got != exp:
                i = next(k for k in range(n) if got[k] != exp[k])
                self.mismatch = self.received + i
            elif len(data) > n:
                self.mismatch = self.size          # more bytes than expected
        self.hash.update(data)
        self.received += len(data)
        self.log.bytes = self.received


class Response:
    """Incremental HTTP/1.x response parser feeding a Body."""

    def __init__(self, body):
        self.body = body
        self.buf = b''
        self.code = 0
        self.headers = {}
        self.head_done = False
        self.length = None            # Content-Length, or None
        self.chunked = False
        self.complete = False
        self._chunk_left = 0
        self._chunk_state = 'size'    # size | data | crlf | trailer

    def feed(self, data):
        if not self.head_done:
            self.buf += data
            end = self.buf.find(b'\r\n\r\n')
            if end < 0:
                if len(self.buf) > 65536:
                    raise ValueError('response header too large')
                return
            head, data = self.buf[:end].decode('latin-1'), self.buf[end + 4:]
            self.buf = b''
            lines = head.split('\r\n')
            parts = lines[0].split(' ', 2)
            if len(parts) < 2 or not parts[0].startswith('HTTP/1.') or not parts[1].isdigit():
                raise ValueError('bad status line %r' % lines[0][:100])
            self.code = int(parts[1])
            for ln in lines[1:]:
                k, _, v = ln.partition(':')
                self.headers[k.strip().lower()] = v.strip()
            self.chunked = 'chunked' in self.headers.get('transfer-encoding', '').lower()
            if not self.chunked and self.headers.get('content-length', '').isdigit():
                self.length = int(self.headers['content-length'])
            self.head_done = True
            if self.length == 0:
                self.complete = True
        if not data:
            return
        if self.chunked:
            self._feed_chunked(data)
        elif self.length is not None:
            self.body.feed(data)
            if self.body.received >= self.length:
                self.complete = True
        else:
            self.body.feed(data)

    def _feed_chunked(self, data):
        self.buf += data
        while self.buf and not self.complete:
            if self._chunk_state == 'data':
                k = min(self._chunk_left, len(self.buf))
                self.body.feed(self.buf[:k])
                self.buf = self.buf[k:]
                self._chunk_left -= k
                if self._chunk_left == 0:
                    self._chunk_state = 'crlf'
                continue
            eol = self.buf.find(b'\r\n')
            if eol < 0:
                return
            line, self.buf = self.buf[:eol], self.buf[eol + 2:]
            if self._chunk_state == 'crlf':
                if line:
                    raise ValueError('bad chunk terminator')
                self._chunk_state = 'size'
            elif self._chunk_state == 'size':
                self._chunk_left = int(line.split(b';')[0].strip(), 16)
                self._chunk_state = 'data' if self._chunk_left else 'trailer'
            elif not line:                     # trailer ends with an empty line
                self.complete = True


def transfer(args, log):
    start = time.monotonic()
    size = args.size
    rate = parse_rate(args.rate)
    timeout = args.timeout if args.timeout else (size / rate if rate else 0) + 30
    deadline = start + timeout
    res = {'ok': False, 'http_code': 0, 'bytes': 0, 'expected': size, 'seconds': 0.0, 'error': '',
           'client_port': 0, 'server_saw': '', 'sha256': '', 'expected_sha256': '',
           'seed': args.seed, 'rate': rate, 'start': start, 'connected': None, 'first_byte': None,
           'end': None}
    content = Content(args.seed)
    body = Body(content, size, log)
    resp = Response(body)
    sock = None
    try:
        try:
            _SIGNAL['raise'] = True
            if _SIGNAL['seen']:
                raise Terminated()
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((args.bind or '', args.src_port or 0))
            port = sock.getsockname()[1]
            res['client_port'] = port
            log.header = '# fwlbnet-paced pid=%d port=%d size=%d start=%.6f' % (os.getpid(), port, size, start)
            log.record()
            sock.settimeout(max(0.001, deadline - time.monotonic()))
            try:
                sock.connect((args.host, args.port))
            except socket.timeout:
                raise OSError('connect to %s:%d timed out' % (args.host, args.port))
            res['connected'] = time.monotonic()
            if args.tls:
                import ssl
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
                sock = ctx.wrap_socket(sock, server_hostname=args.host_header or args.host)
            target = '%spaced/%d?rate=%d&seed=%d' % (args.path, size, rate, args.seed)
            if args.corrupt is not None:
                target += '&corrupt=%d' % args.corrupt
            host = args.host_header or ('%s:%d' % (args.host, args.port) if args.port not in (80, 443)
                                        else args.host)
            sock.sendall(('GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: fwlbnet-paced\r\n'
                          'Connection: close\r\n\r\n' % (target, host)).encode())
            last_change, last_bytes = time.monotonic(), 0
            while not resp.complete:
                now = time.monotonic()
                if now >= deadline:
                    raise OSError('timed out after %.1f s' % timeout)
                if args.stall_timeout and now - last_change >= args.stall_timeout:
                    raise OSError('stalled: no byte for %.1f s' % (now - last_change))
                sock.settimeout(min(0.25, deadline - now))
                try:
                    data = sock.recv(262144)
                except socket.timeout:
                    continue
                if not data:
                    if not resp.head_done:
                        raise OSError('connection closed before a response')
                    if resp.chunked or resp.length is not None:
                        raise OSError('connection closed by the peer')
                    break                      # close-delimited body
                resp.feed(data)
                if body.received != last_bytes:
                    last_bytes, last_change = body.received, time.monotonic()
        except ConnectionResetError:
            res['error'] = 'connection reset'
        except (OSError, ValueError) as e:
            res['error'] = str(e) or e.__class__.__name__
        except Terminated:
            res['error'] = 'terminated'
    finally:
        _SIGNAL['raise'] = False
        res['end'] = time.monotonic()
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
    res['seconds'] = round(res['end'] - start, 6)
    res['first_byte'] = body.first_byte
    res['http_code'] = resp.code
    res['bytes'] = body.received
    res['server_saw'] = resp.headers.get('x-client', '')
    res['sha256'] = body.hash.hexdigest()
    res['expected_sha256'] = content.sha256(size)
    problems = []
    if res['error']:
        problems.append('%s (%d of %d bytes received)' % (res['error'], body.received, size))
    if resp.head_done and resp.code != 200:
        problems.append('HTTP %d' % resp.code)
    if resp.length is not None and resp.length != size:
        problems.append('Content-Length %d, expected %d' % (resp.length, size))
    if body.mismatch is not None:
        if body.mismatch >= size:
            problems.append('more than %d bytes received' % size)
        else:
            problems.append('content differs from seed %d at byte %d' % (args.seed, body.mismatch))
    elif not problems and body.received != size:
        problems.append('%d of %d bytes' % (body.received, size))
    if not problems and res['sha256'] != res['expected_sha256']:
        problems.append('SHA-256 %s, expected %s' % (res['sha256'], res['expected_sha256']))
    res['error'] = '; '.join(problems)
    res['ok'] = not problems and resp.code == 200
    return res


def main(argv=None):
    ap = argparse.ArgumentParser(prog='fwlbnet.pacedclient', description=__doc__.split('\n')[0])
    ap.add_argument('--host', required=True, help='server IP')
    ap.add_argument('--port', type=int, default=80)
    ap.add_argument('--size', type=int, required=True)
    ap.add_argument('--rate', default='0', help='bytes/s (500k, 1M; 0: unpaced)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--src-port', type=int)
    ap.add_argument('--bind', help='source address')
    ap.add_argument('--path', default='/', help='URL path prefix (ends with /)')
    ap.add_argument('--host-header')
    ap.add_argument('--tls', action='store_true')
    ap.add_argument('--timeout', type=float)
    ap.add_argument('--stall-timeout', type=float)
    ap.add_argument('--progress')
    ap.add_argument('--result')
    ap.add_argument('--corrupt', type=int)
    args = ap.parse_args(argv)
    if args.size < 0 or args.seed < 0 or not args.path.endswith('/'):
        ap.error('--size and --seed must be >= 0, --path must end with /')
    try:
        parse_rate(args.rate)
    except ValueError as e:
        ap.error(str(e))

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, _on_signal)
    log = ProgressLog(args.progress)
    log.start()
    try:
        res = transfer(args, log)
    finally:
        log.finish()
    text = json.dumps(res, sort_keys=True)
    if args.result:
        tmp = args.result + '.tmp'
        with open(tmp, 'w') as f:
            f.write(text + '\n')
        os.replace(tmp, args.result)
    print(text)
    return 0 if res['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
