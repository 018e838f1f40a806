"""Paced transfers: what the HTTP server and the paced client share.

The server's ``/paced/<N>?rate=<bytes/s>&seed=<k>`` streams N bytes of deterministic content
(`Content(k)`), paced by the sender: chunks of about 1/20 s of data, each sent when its last byte is
due (``t0 + end_offset / rate``), so a transfer lasts at least N / rate seconds whatever the client,
the kernel or curl do. The client (fwlbnet.pacedclient) regenerates the same content from the seed,
compares every received byte at its offset and the SHA-256 of the whole, and logs its progress.

Progress log (written by the client, read by net.PacedTransfer), one line per record, appended every
PROGRESS_INTERVAL (40 ms; the contract is at most 100 ms, barring a machine too loaded to schedule
the client) while the client runs:
    # fwlbnet-paced pid=<pid> port=<local port> size=<N> start=<monotonic>   (once the socket is bound)
    <monotonic seconds> <body bytes received>
CLOCK_MONOTONIC is the same in every network namespace, so the test process compares these times
with its own time.monotonic().
"""
import hashlib
import re
import struct

BLOCK = 65536                 # content is built from 64 KiB blocks
PROGRESS_INTERVAL = 0.04      # seconds between progress records (the contract: at most 0.1, leaving
                              # 60 ms for scheduling delays on a loaded machine)
_MASK64 = (1 << 64) - 1

_UNITS = {'': 1, 'k': 1024, 'm': 1024 ** 2, 'g': 1024 ** 3}


def parse_rate(rate):
    """Bytes per second from an int/float or a curl-style string: '500k' (= 500 x 1024), '1M'
    (= 1048576), '2.5M', '1000000'. 0 means unpaced (as fast as possible)."""
    if isinstance(rate, (int, float)) and not isinstance(rate, bool):
        v = float(rate)
    else:
        m = re.fullmatch(r'\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)(?:[bB](?:/s)?)?\s*', str(rate))
        if not m:
            raise ValueError('rate %r: expected bytes per second, e.g. 1000000, 500k or 1M' % (rate,))
        v = float(m.group(1)) * _UNITS[m.group(2).lower()]
    if v < 0:
        raise ValueError('rate %r is negative' % (rate,))
    return int(v)


def chunk_size(rate):
    """Bytes per paced write: about 1/20 s of data, 1 KiB .. 64 KiB."""
    if rate <= 0:
        return BLOCK
    return max(1024, min(BLOCK, rate // 20))


class Content:
    """The deterministic byte stream of a seed: block b (64 KiB) = 8-byte seed, 8-byte block
    number (big endian), then bytes 16.. of SHA-256(b"fwlbnet-paced <seed> <i>") for i = 0..2047
    concatenated. Every block differs (a repeated, lost or reordered block is caught), every seed
    differs (two transfers' bytes cannot be swapped unnoticed)."""

    def __init__(self, seed):
        self.seed = int(seed) & _MASK64
        self.base = b''.join(hashlib.sha256(b'fwlbnet-paced %d %d' % (self.seed, i)).digest()
                             for i in range(BLOCK // 32))
        self._last = (-1, b'')

    def block(self, b):
        if self._last[0] != b:
            self._last = (b, struct.pack('>QQ', self.seed, b & _MASK64) + self.base[16:])
        return self._last[1]

    def slice(self, offset, n):
        """Bytes [offset, offset + n) of the stream."""
        out = []
        while n > 0:
            b, o = divmod(offset, BLOCK)
            k = min(n, BLOCK - o)
            blk = self.block(b)
            out.append(blk if (o == 0 and k == BLOCK) else blk[o:o + k])
            offset += k
            n -= k
        return b''.join(out)

    def sha256(self, size):
        """Hex SHA-256 of the first `size` bytes."""
        h = hashlib.sha256()
        off = 0
        while off < size:
            k = min(BLOCK, size - off)
            h.update(self.slice(off, k))
            off += k
        return h.hexdigest()


def read_progress(path):
    """(header dict, [(monotonic, bytes), ...]) of a progress log; a partly written last line is
    ignored. ({}, []) when the file does not exist yet."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError:
        return {}, []
    head, points = {}, []
    lines = data.split(b'\n')
    for ln in lines[:-1]:                 # the part after the last newline may be incomplete
        if ln.startswith(b'#'):
            for kv in ln[1:].split():
                k, sep, v = kv.partition(b'=')
                if sep:
                    head[k.decode()] = v.decode()
            continue
        w = ln.split()
        if len(w) == 2:
            try:
                points.append((float(w[0]), int(w[1])))
            except ValueError:
                pass
    return head, points
