"""A headless Chromium driven over the DevTools protocol (CDP), with the Python standard library only: a
minimal WebSocket client (RFC 6455 text frames, client-masked) is all CDP needs.

    with Browser() as b:
        b.headers({'Authorization': basic_auth('admin', pw)})
        b.navigate('http://127.0.0.1:18181/onos/fwlb/ui/')
        b.wait_for('document.querySelectorAll("#firewalls tbody tr").length == 3')
        b.screenshot('build/page.png')
"""
import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time
import urllib.request


def chromium():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    return None


class WebSocket:
    """Just enough of RFC 6455 for CDP: one connection, text frames, no extensions."""

    def __init__(self, url, timeout=30):
        m = re.match(r'ws://([^/:]+):(\d+)(/.*)', url)
        host, port, path = m.group(1), int(m.group(2)), m.group(3)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(('GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
                           'Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n'
                           % (path, host, port, key)).encode())
        head = b''
        while b'\r\n\r\n' not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError('DevTools closed the connection during the handshake')
            head += chunk
        status = head.split(b'\r\n', 1)[0]
        if b' 101 ' not in status:
            raise ConnectionError('DevTools refused the WebSocket: %r' % status)
        self.buf = head.split(b'\r\n\r\n', 1)[1]

    def send(self, text):
        data = text.encode()
        n = len(data)
        header = bytes([0x81])
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack('>H', n)
        else:
            header += bytes([0x80 | 127]) + struct.pack('>Q', n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise ConnectionError('DevTools closed the connection')
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv(self):
        """The next complete text message (continuation frames joined; pings answered)."""
        parts = []
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7f
            if n == 126:
                n = struct.unpack('>H', self._read(2))[0]
            elif n == 127:
                n = struct.unpack('>Q', self._read(8))[0]
            payload = self._read(n)
            op = b0 & 0x0f
            if op == 0x9:                                   # ping: answer, keep reading
                self.sock.sendall(bytes([0x8a, 0x80 | len(payload)]) + b'\0\0\0\0' + payload)
                continue
            if op == 0x8:
                raise ConnectionError('DevTools closed the WebSocket')
            parts.append(payload)
            if b0 & 0x80:
                return b''.join(parts).decode()

    def close(self):
        self.sock.close()


class Browser:
    """One headless Chromium with one page; commands are synchronous CDP calls."""

    def __init__(self, width=1400, height=1000):
        self.profile = tempfile.mkdtemp(prefix='fwlb-chromium-')
        self.proc = subprocess.Popen(
            [chromium(), '--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
             '--disable-extensions', '--remote-debugging-port=0', '--user-data-dir=' + self.profile,
             '--window-size=%d,%d' % (width, height), 'about:blank'],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = None
        deadline = time.time() + 30
        for line in self.proc.stderr:               # Chromium prints its DevTools address when it listens
            m = re.search(r'DevTools listening on ws://127\.0\.0\.1:(\d+)/', line)
            if m:
                port = int(m.group(1))
                break
            if time.time() > deadline:
                break
        if port is None:
            self.close()
            raise RuntimeError('chromium did not start its DevTools endpoint')
        # keep reading its log, or Chromium blocks once the pipe is full
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()
        with urllib.request.urlopen('http://127.0.0.1:%d/json/list' % port, timeout=10) as r:
            pages = [t for t in json.load(r) if t['type'] == 'page']
        self.ws = WebSocket(pages[0]['webSocketDebuggerUrl'])
        self.next_id = 0
        self.events = []
        self.call('Page.enable')
        self.call('Runtime.enable')
        self.call('Network.enable')

    def call(self, method, **params):
        self.next_id += 1
        me = self.next_id
        self.ws.send(json.dumps({'id': me, 'method': method, 'params': params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('id') == me:
                if 'error' in msg:
                    raise RuntimeError('%s: %s' % (method, msg['error']))
                return msg.get('result', {})
            self.events.append(msg)

    def headers(self, h):
        """Extra headers on every request of the page (e.g. its credentials)."""
        self.call('Network.setExtraHTTPHeaders', headers=h)

    def navigate(self, url):
        """Loads a page and returns once its load event fired (its document and scripts are there)."""
        self.events.clear()
        res = self.call('Page.navigate', url=url)
        if res.get('errorText'):
            raise RuntimeError('navigation to %s failed: %s' % (url, res['errorText']))
        while not any(e.get('method') == 'Page.loadEventFired' for e in self.events):
            self.events.append(json.loads(self.ws.recv()))      # the socket's timeout bounds the wait

    def eval(self, expression):
        """The value of a JavaScript expression in the page (promises awaited)."""
        res = self.call('Runtime.evaluate', expression=expression, awaitPromise=True, returnByValue=True)
        if 'exceptionDetails' in res:
            raise RuntimeError('page script failed: %s' % res['exceptionDetails'])
        return res['result'].get('value')

    def wait_for(self, expression, timeout=20, what=None):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.eval(expression)
            if last:
                return last
            time.sleep(0.2)
        raise AssertionError('timed out after %ss waiting for %s (last: %r)' % (timeout, what or expression, last))

    def screenshot(self, path):
        data = self.call('Page.captureScreenshot', format='png', captureBeyondViewport=True)['data']
        os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
        with open(path, 'wb') as f:
            f.write(base64.b64decode(data))
        return path

    def close(self):
        try:
            if getattr(self, 'ws', None):
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc.stderr.close()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
