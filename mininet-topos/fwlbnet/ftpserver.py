"""Anonymous read-only FTP server for test back-ends (pyftpdlib, Debian python3-pyftpdlib).

    /usr/bin/python3 -m fwlbnet.ftpserver --name srv3 --root DIR [--port 21]
        [--passive 30000-30099] [--masquerade VIP] [--file-size BYTES] [--stats FILE]

The root directory gets hello.txt ("<name>\\n") and data.bin (--file-size bytes). Passive mode only
on the given port range (the firewalls allow exactly that range); --masquerade makes PASV announce
the VIP instead of the server's own address (EPSV, which curl tries first, needs nothing).
Counters (logins, files sent, data connections) go to --stats as JSON.
"""
import argparse
import json
import os
import signal
import sys
import threading


def main(argv=None):
    ap = argparse.ArgumentParser(prog='fwlbnet.ftpserver')
    ap.add_argument('--name', required=True)
    ap.add_argument('--root', required=True)
    ap.add_argument('--port', type=int, default=21)
    ap.add_argument('--bind', default='0.0.0.0')
    ap.add_argument('--passive', default='30000-30099')
    ap.add_argument('--masquerade')
    ap.add_argument('--file-size', type=int, default=1 << 20)
    ap.add_argument('--stats')
    args = ap.parse_args(argv)

    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer
    import logging
    logging.basicConfig(level=logging.WARNING)

    os.makedirs(args.root, exist_ok=True)
    with open(os.path.join(args.root, 'hello.txt'), 'w') as f:
        f.write(args.name + '\n')
    data = os.path.join(args.root, 'data.bin')
    if not os.path.exists(data) or os.path.getsize(data) != args.file_size:
        with open(data, 'wb') as f:
            f.truncate(args.file_size)

    stats = {'name': args.name, 'pid': os.getpid(), 'connections': 0, 'logins': 0,
             'filesSent': 0, 'dataConnections': 0}
    lock = threading.Lock()

    def bump(key):
        with lock:
            stats[key] += 1
        dump()

    def dump():
        if args.stats:
            with lock:
                doc = json.dumps(stats)
            tmp = args.stats + '.tmp'
            with open(tmp, 'w') as f:
                f.write(doc)
            os.replace(tmp, args.stats)

    class Handler(FTPHandler):
        def on_connect(self):
            bump('connections')

        def on_login(self, username):
            bump('logins')

        def on_file_sent(self, file):
            bump('filesSent')

        def _make_epasv(self, extmode=False):
            bump('dataConnections')
            return FTPHandler._make_epasv(self, extmode)

    lo, hi = (int(x) for x in args.passive.split('-'))
    auth = DummyAuthorizer()
    auth.add_anonymous(args.root)
    Handler.authorizer = auth
    Handler.passive_ports = range(lo, hi + 1)
    Handler.permit_foreign_addresses = False
    Handler.banner = 'fwlbnet ftp %s' % args.name
    if args.masquerade:
        Handler.masquerade_address = args.masquerade
    server = FTPServer((args.bind, args.port), Handler)
    server.max_cons = 512

    def stop(*_):
        raise SystemExit(0)      # serve_forever(handle_exit=True) closes everything

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, stop)
    dump()
    try:
        server.serve_forever(timeout=0.5, blocking=True, handle_exit=True)
    finally:
        dump()
    return 0


if __name__ == '__main__':
    sys.exit(main())
