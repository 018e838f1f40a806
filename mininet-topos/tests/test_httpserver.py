"""The test back-end HTTP server, run on loopback (no Mininet needed)."""
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


@pytest.fixture
def server(tmp_path):
    port = free_port()
    stats = tmp_path / 'stats.json'
    p = subprocess.Popen([sys.executable, '-m', 'fwlbnet.httpserver', '--name', 'srvx', '--port', str(port),
                          '--bind', '127.0.0.1', '--stats', str(stats), '--cookie', 'SRV'], cwd=PKG)
    deadline = time.time() + 10
    while True:
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            break
        except OSError:
            assert time.time() < deadline and p.poll() is None, 'server did not start'
            time.sleep(0.05)
    # that probe connection was counted: start from a known baseline
    yield port, stats, p
    if p.poll() is None:
        p.terminate()
        p.wait(5)


def exchange(port, data, want_close=True, timeout=5):
    s = socket.create_connection(('127.0.0.1', port), timeout)
    s.sendall(data)
    out = b''
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
            if not want_close and out.count(b'\r\n\r\n') and out.endswith(b'\n'):
                break
    except socket.timeout:
        pass
    s.close()
    return out


def stats_of(port):
    out = exchange(port, b'GET /stats HTTP/1.0\r\n\r\n')
    return json.loads(out.split(b'\r\n\r\n', 1)[1])


def test_get_and_headers(server):
    port, _, _ = server
    out = exchange(port, b'GET / HTTP/1.0\r\n\r\n')
    head, body = out.split(b'\r\n\r\n', 1)
    assert head.startswith(b'HTTP/1.1 200 OK') and b'X-Server: srvx' in head
    assert b'Set-Cookie: SRV=srvx; Path=/' in head and b'Connection: close' in head
    assert body == b'srvx\n'


def test_keepalive_pipelined_and_counts(server):
    port, _, _ = server
    before = stats_of(port)
    out = exchange(port, b'GET / HTTP/1.1\r\nHost: x\r\n\r\n' * 3 + b'GET /status/503 HTTP/1.1\r\nConnection: close\r\n\r\n')
    assert out.count(b'HTTP/1.1 200 OK') == 3 and out.count(b'HTTP/1.1 503') == 1
    after = stats_of(port)
    assert after['connections'] - before['connections'] == 1       # /stats connections are not counted
    assert after['requests'] - before['requests'] == 4
    assert after['status']['503'] == before['status'].get('503', 0) + 1


def test_bytes_and_sleep(server):
    port, _, _ = server
    out = exchange(port, b'GET /bytes/300000 HTTP/1.0\r\n\r\n')
    head, body = out.split(b'\r\n\r\n', 1)
    assert b'Content-Length: 300000' in head and len(body) == 300000
    t = time.time()
    out = exchange(port, b'GET /sleep/300 HTTP/1.0\r\n\r\n')
    assert time.time() - t >= 0.29 and out.endswith(b'srvx\n')


def test_post_fixed_and_chunked(server):
    port, _, _ = server
    out = exchange(port, b'POST /x HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello')
    assert out.endswith(b'srvx 5\n')
    out = exchange(port, b'POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n'
                         b'3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nX-Trailer: 1\r\n\r\n')
    assert out.endswith(b'srvx 7\n')
    out = exchange(port, b'GET /headers HTTP/1.0\r\nCookie: a=b\r\n\r\n')
    doc = json.loads(out.split(b'\r\n\r\n', 1)[1])
    assert doc['server'] == 'srvx' and doc['headers']['cookie'] == 'a=b'


@pytest.mark.parametrize('req', [b'GARBAGE\r\n\r\n', b'GET / HTTP/2.0\r\n\r\n', b'GET / HTTP/1.1\r\nNoColon\r\n\r\n',
                                 b'POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n',
                                 b'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'])
def test_bad_requests(server, req):
    port, _, _ = server
    out = exchange(port, req)
    assert out.startswith(b'HTTP/1.1 400') and b'Connection: close' in out
    assert stats_of(port)['badRequests'] >= 1


def test_stats_file_on_exit(server):
    port, stats, p = server
    exchange(port, b'GET / HTTP/1.0\r\n\r\n')
    p.send_signal(signal.SIGTERM)
    assert p.wait(5) == 0
    doc = json.loads(stats.read_text())
    assert doc['name'] == 'srvx' and doc['requests'] >= 1 and doc['active'] == 0
