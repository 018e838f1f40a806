#!/usr/bin/python3
"""The fwlb demo (make demo): the seed's FIG 6 on real Open vSwitch.

Brings up 3 stateful firewalls between a public and a private network, the internal firewall dispatcher
also dispatching a VIP to 3 servers; starts the fwlb runtime as the controller; sends new connections
from both sides for DURATION seconds, cuts one firewall's links halfway; then prints connections per
firewall and per server, the checks, and writes a PNG plot of new connections per firewall over time.

Usage: scripts/demo.py [--duration S] [--rate N] [--out DIR]
"""
import argparse
import json
import os
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(ROOT, 'mininet-topos'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'e2e'))

import fwlbnet  # noqa: E402
import fwlbtest  # noqa: E402

FIREWALLS = ['fw1', 'fw2', 'fw3']
VICTIM = 'fw2'


def placed(rt):
    return rt.counters().get('placements', {})


def keep(net, rt, client, jobs, stop):
    """Restores the cut firewall and sends traffic again until Ctrl-C (the demo's --keep)."""
    net.restore_firewall(VICTIM)
    stop.clear()
    threads = [threading.Thread(target=client, args=j, daemon=True) for j in jobs]
    for th in threads:
        th.start()
    print()
    print('kept up with traffic (%s restored): http://127.0.0.1:%d/onos/fwlb/ui/ - Ctrl-C to stop'
          % (VICTIM, rt.rest_port))
    print('   drain or down a firewall from the page (admin) and watch its new connections stop')
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print('stopping')
        stop.set()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--duration', type=int, default=20, help='seconds of traffic (default 20)')
    ap.add_argument('--rate', type=int, default=20, help='new connections per second and client (default 20)')
    ap.add_argument('--out', default=os.path.join(ROOT, 'build', 'demo'), help='output directory')
    ap.add_argument('--keep', action='store_true',
                    help='after the report, keep topology, traffic and runtime up (the cut firewall restored) '
                         'until Ctrl-C, to watch the operations page')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    spec = fwlbnet.load_spec('fig6')
    netcfg = fwlbnet.build_netcfg(spec)
    f = netcfg['apps']['org.fwlb.core']['fwlb']
    f['sandwich']['probe'] = {'intervalMs': 200, 'downAfter': 3, 'upAfter': 2}
    print('== fwlb demo: FIG 6 - 3 stateful firewalls, internal dispatcher with VIP %s -> srv1..srv3' %
          f['services'][0]['vip'])
    rt = fwlbtest.Runtime(netcfg, args.out).start()
    print('   runtime up (OpenFlow :%d, REST :%d), log %s' % (rt.of_port, rt.rest_port, rt.log))
    print('   REST user %s, password in %s (FWLB_CREDENTIALS=%s bin/fwlb --rest 127.0.0.1:%d firewalls)'
          % (rt.auth[0], rt.credentials, rt.credentials, rt.rest_port))
    print('   operations page: http://127.0.0.1:%d/onos/fwlb/ui/ (that user and password); Prometheus:'
          ' /onos/fwlb/metrics, /onos/cluster-dispatch/metrics' % rt.rest_port)
    net = fwlbnet.Net(spec, controller=('127.0.0.1', rt.of_port), wait_connected=60)
    checks = []
    samples = []
    try:
        net.start()
        rt.wait_ready(30)
        print('   topology up: switches so (external FLB) and si (internal FLB + dispatcher) connected')
        net.reset_fw_counters()
        results = []
        stop = threading.Event()

        def client(host, url):
            while not stop.is_set():
                t0 = time.time()
                results.append((host, net.requests(host, url, args.rate, concurrency=2, timeout=5)))
                time.sleep(max(0.0, 1.0 - (time.time() - t0)))

        jobs = [('c1', 'http://10.0.2.100/'), ('c2', 'http://10.0.2.100/'), ('c3', 'http://10.0.2.21/'),
                ('pc1', 'http://10.0.1.11/')]
        threads = [threading.Thread(target=client, args=j, daemon=True) for j in jobs]
        t_start = time.time()
        for th in threads:
            th.start()
        cut_at = None
        while time.time() - t_start < args.duration:
            time.sleep(1)
            now = time.time() - t_start
            samples.append((now, placed(rt)))
            if cut_at is None and now >= args.duration / 2:
                net.cut_firewall(VICTIM)
                cut_at = now
                print('   t=%4.1fs: cut both links of %s' % (now, VICTIM))
        stop.set()
        for th in threads:
            th.join(30)
        fws = rt.firewalls()
        total = placed(rt)
        ok = sum(r.completed - r.failed - r.non2xx for _, r in results)
        sent = sum(r.requested for _, r in results)
        failed = sent - ok
        print()
        print('%-6s %-6s %-7s %s' % ('fw', 'health', 'admin', 'connections placed'))
        for fw in FIREWALLS:
            print('%-6s %-6s %-7s %d' % (fw, fws[fw]['health'], fws[fw]['adminState'], total.get(fw, 0)))
        print()
        print('%-6s %s' % ('server', 'connections placed (VIP)'))
        for s in ('srv1', 'srv2', 'srv3'):
            print('%-6s %d' % (s, total.get(s, 0)))
        print()
        invalid = {fw: net.fw_counters(fw).get('invalid', {}).get('packets', 0) for fw in FIREWALLS}
        after_cut = [s for s in samples if cut_at and s[0] > cut_at + 1.5]
        victim_after = (after_cut[-1][1].get(VICTIM, 0) - after_cut[0][1].get(VICTIM, 0)) if len(after_cut) > 1 else 0
        checks.append(('every firewall passed only its own connections (0 invalid replies)',
                       all(v == 0 for k, v in invalid.items() if k != VICTIM)))
        checks.append(('%s marked down after its links were cut' % VICTIM, fws[VICTIM]['health'] == 'down'))
        checks.append(('no new connection placed on %s after the failure' % VICTIM, victim_after == 0))
        checks.append(('all three servers got VIP connections', all(total.get(s, 0) > 0 for s in
                                                                     ('srv1', 'srv2', 'srv3'))))
        checks.append(('%d of %d requests succeeded (failures only around the cut)' % (ok, sent),
                       failed <= args.rate * len(jobs) * 2))
        for name, good in checks:
            print('[%s] %s' % ('PASS' if good else 'FAIL', name))
        plot(samples, cut_at, os.path.join(args.out, 'connections-per-firewall.png'))
        with open(os.path.join(args.out, 'samples.json'), 'w') as fp:
            json.dump({'samples': samples, 'cutAt': cut_at}, fp)
        if args.keep:
            keep(net, rt, client, jobs, stop)
    finally:
        net.stop()
        rt.stop()
    return 0 if checks and all(g for _, g in checks) else 1


def plot(samples, cut_at, path):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        print('matplotlib missing: no plot')
        return
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for fw in FIREWALLS:
        xs, ys, prev = [], [], None
        for t, p in samples:
            v = p.get(fw, 0)
            if prev is not None and t > prev[0]:
                xs.append(t)
                ys.append((v - prev[1]) / (t - prev[0]))
            prev = (t, v)
        ax.plot(xs, ys, marker='o', ms=3, label=fw)
    if cut_at:
        ax.axvline(cut_at, color='red', ls='--', lw=1)
        ax.text(cut_at, ax.get_ylim()[1] * 0.95, ' %s links cut' % VICTIM, color='red', va='top')
    ax.set_xlabel('time (s)')
    ax.set_ylabel('new connections per second')
    ax.set_title('fwlb FIG 6: new connections per firewall')
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print('plot: %s' % path)


if __name__ == '__main__':
    sys.exit(main())
