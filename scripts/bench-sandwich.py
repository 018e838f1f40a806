#!/usr/bin/python3
"""Firewall-sandwich load numbers on real OVS (issues 4, 13): new connections/s and connect latency through
the sandwich in pinned mode, pinned under a SYN flood, static-hash mode, and a no-controller baseline
(proactive rules through one firewall, controller gone), on one FIG 6 topology in one run; each mode's ratio
to the baseline; the controller's and ovs-vswitchd's CPU us per connection (/proc/<pid>/stat deltas); the
client's SYN retransmissions (nstat in its namespace); packet-ins per connection (counted by the switches:
n_packets of the rules that output to CONTROLLER); flow rules per connection per switch.

Pinned mode is measured after a discarded warm-up run (--warmup requests): a controller in service has its
JIT compiled; the first 3,000 connections of a fresh JVM spend seconds of a core in the C2 compiler.
A mode whose run did not complete (ab aborted, timeouts, failed or non-2xx requests) is reported FAILED with
the reason, never as a number, and the script exits 1.

Usage: flock /tmp/fwlb-e2e.lock scripts/bench-sandwich.py [--requests N] [--concurrency C] [--warmup N]
                                                         [--out FILE]
Needs: make build, scripts/setup-net.sh. Prints a table and writes JSON (default build/bench/sandwich.json):
per mode connectionsPerSecond, connectP50ms, connectP99ms, completed, failed (+ status, reason, CPU, SYN
retransmissions); top level pinnedVsBaseline, staticHashVsBaseline, floodLegitSuccess, floodLegitVsNoFlood.
"""
import argparse
import json
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
sys.path.insert(0, os.path.join(ROOT, 'mininet-topos'))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'e2e'))

import fwlbnet  # noqa: E402
import fwlbtest  # noqa: E402
import benchlib  # noqa: E402

URL = 'http://10.0.2.21/'
PINNED = (30000, 30001)


PUNT_COUNTERS = ('synPunts', 'finRstPunts', 'unknownNonSynPunts', 'knownSegmentPunts')


def punts(rt):
    """TCP packet-ins the sandwich received so far: SYNs (retransmissions included), FIN/RST (tcp_flags mode),
    segments of unknown and of known connections (the latter: OVS's datapath flow cache still punting a
    connection whose rule the table already has)."""
    c = rt.counters()
    return sum(c.get(k, 0) for k in PUNT_COUNTERS)


def switch_punts(net):
    """Packets so and si sent to the controller so far (n_packets of their rules that output to CONTROLLER):
    only where no controller runs (OVS folds the punts' counts lazily; under load it undercounts)."""
    net.sync_stats()
    return sum(f['n_packets'] for sw in ('so', 'si') for f in net.flows(sw, sync=False)
               if 'CONTROLLER' in f['actions'])


RT_PID = [None]     # the runtime's pid while it runs (bin/fwlb execs java)


def run(net, args):
    return benchlib.measure(net, 'c1', URL, args.requests, args.concurrency, controller_pid=RT_PID[0])


def counted(net, rt, args):
    """run() with the TCP packet-ins per connection the sandwich received, by kind."""
    c0 = rt.counters()
    r = run(net, args)
    c1 = rt.counters()
    n = float(max(1, r['completed']))
    r['packetInsPerConnection'] = round(sum(c1.get(k, 0) - c0.get(k, 0) for k in PUNT_COUNTERS) / n, 2)
    r['packetInsByKind'] = {k: c1.get(k, 0) - c0.get(k, 0) for k in PUNT_COUNTERS}
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--requests', type=int, default=3000)
    ap.add_argument('--concurrency', type=int, default=32)
    ap.add_argument('--warmup', type=int, default=1000, help='discarded requests before pinned mode')
    ap.add_argument('--out', default=os.path.join(ROOT, 'build', 'bench', 'sandwich.json'))
    args = ap.parse_args()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    work = os.path.dirname(args.out)
    spec = fwlbnet.load_spec('fig6')
    netcfg = fwlbnet.build_netcfg(spec)
    f = netcfg['apps']['org.fwlb.core']['fwlb']
    f['timeouts'] = {'idleSeconds': 5, 'closingSeconds': 1}
    rt = fwlbtest.Runtime(netcfg, work).start()
    RT_PID[0] = rt.proc.pid
    net = fwlbnet.Net(spec, controller=('127.0.0.1', rt.of_port), wait_connected=60)
    results = {}
    try:
        net.start()
        rt.wait_ready(30)
        net.requests('c1', URL, 20)                      # warm ARP caches and the JIT

        # flow rules per connection per switch: hold 12 connections open, count pinned rules
        transfers = [net.long_transfer('c1', URL, 2000000, rate='400k') for _ in range(12)]
        fwlbtest.wait_for(lambda: len(rt.connections()) >= 12, 10, what='12 pinned connections')
        live = len(rt.connections())
        per_switch = {sw: sum(1 for x in net.flows(sw, sync=False) if x['priority'] in PINNED) / float(live)
                      for sw in ('so', 'si')}
        for t in transfers:
            t.wait()
        fwlbtest.wait_for(lambda: not rt.connections(), 20, what='table empty')
        vip = [net.long_transfer('c2', 'http://10.0.2.100/', 2000000, rate='400k') for _ in range(6)]
        fwlbtest.wait_for(lambda: len(rt.connections()) >= 6, 10, what='6 VIP connections')
        nvip = len(rt.connections())
        per_switch_vip = {sw: sum(1 for x in net.flows(sw, sync=False) if x['priority'] in PINNED) / float(nvip)
                          for sw in ('so', 'si')}
        for t in vip:
            t.wait()
        fwlbtest.wait_for(lambda: not rt.connections(), 20, what='table empty')

        if args.warmup:
            print('== warm-up (%d requests, discarded)' % args.warmup)
            run(net, argparse.Namespace(requests=args.warmup, concurrency=args.concurrency))
        print('== pinned mode (%d requests, concurrency %d)' % (args.requests, args.concurrency))
        results['pinned'] = counted(net, rt, args)

        # Measured with fwlbnet.loadgen, with and without the flood, not ab: ab aborts the whole run at the
        # first connection that fails, so it cannot count the legitimate clients' success under attack.
        print('== pinned mode under a SYN flood (fwlbnet.synflood: 20,000 SYN/s from random sources, c3 -> srv2, 10 s;'
              ' legitimate clients: fwlbnet.loadgen, %d connections, concurrency %d, with and without it)'
              % (args.requests, args.concurrency))
        quiet = net.requests('c1', URL, args.requests, concurrency=args.concurrency, timeout=10)
        fwlbtest.wait_for(lambda: len(rt.connections()) < 50, 60, interval=1, what='quiet run idled out')
        c0 = rt.counters()
        flood = net.syn_flood('c3', '10.0.2.22', 80, pps=20000, seconds=10)
        time.sleep(0.5)
        fr = net.requests('c1', URL, args.requests, concurrency=args.concurrency, timeout=10)
        report = flood.wait()
        c1 = rt.counters()
        ok = max(0, fr.completed - fr.non2xx)
        results['pinnedUnderSynFlood'] = {
            'connectionsPerSecond': round(fr.rps, 1), 'connectP50ms': fr.connect.get('p50'),
            'connectP99ms': fr.connect.get('p99'), 'latencyP50ms': fr.latency.get('p50'),
            'latencyP99ms': fr.latency.get('p99'), 'completed': fr.completed, 'failed': fr.failed,
            'errors': fr.failures, 'noFloodConnectionsPerSecond': round(quiet.rps, 1),
            'noFloodCompleted': quiet.completed, 'synFlood': report,
            'synPuntsDuringFlood': c1.get('synPunts', 0) - c0.get('synPunts', 0),
            'overloadsEntered': c1.get('overloadsEntered', 0) - c0.get('overloadsEntered', 0),
            'requests': args.requests, 'status': 'ok'}
        if not quiet.ok or fr.rc != 0:
            # connections the flood made fail are the measurement; a load run that itself failed is not
            results['pinnedUnderSynFlood'].update(status='FAILED', reason='load run failed (rc %d without the flood, '
                                                  '%d with it)' % (quiet.rc, fr.rc))
        results['floodLegitSuccess'] = round(ok / float(args.requests), 4)
        results['floodLegitVsNoFlood'] = round(fr.rps / quiet.rps, 3) if quiet.ok and quiet.rps else None
        print('   flood %s; legitimate success %d/%d (errors %s), %.0f conn/s (%.0f without the flood)'
              % (report, ok, args.requests, fr.failures, fr.rps, quiet.rps))
        if not quiet.ok or fr.rc != 0:
            print('   warning: a load run failed (rc %d / %d): %s' % (quiet.rc, fr.rc, (quiet.output + fr.output)[-500:]))
        if report['sent'] < 0.8 * 200000:
            print('   warning: the flood reached only %s SYN/s on this machine' % report['pps'])
        fwlbtest.wait_for(lambda: rt.counters().get('overloadState') == 0, 90, interval=1,
                          what='pinning resumed after the flood')
        fwlbtest.wait_for(lambda: len(rt.connections()) < 50, 60, interval=1, what='flood entries idled out')

        print('== static-hash mode')
        tc = [{'id': 'web', 'protocol': 'tcp', 'ports': [80], 'mode': 'static-hash', 'policy': 'static-hash',
               'unknownNonSyn': 'forward'},
              {'id': 'default', 'protocol': 'tcp', 'ports': [], 'mode': 'pinned', 'policy': 'round-robin',
               'unknownNonSyn': 'drop'}]
        f['sandwich']['trafficClasses'] = tc
        rt.push_netcfg(netcfg)
        fwlbtest.wait_for(lambda: any(41000 < x['priority'] < 42000 for x in net.flows('so', sync=False)),
                          10, what='hash rules')
        results['staticHash'] = counted(net, rt, args)

        print('== no-controller baseline: proactive rules through fw1 only, runtime killed')
        for fw in ('fw2', 'fw3'):
            rt.post('/onos/fwlb/firewalls/%s/down' % fw)
        time.sleep(2)
        for h, gw in (('c1', ('10.0.1.254', '02:fb:00:00:01:fe')), ('srv1', ('10.0.2.254', '02:fb:00:00:02:fe'))):
            net.set_arp(h, gw[0], gw[1])
        rt.kill()
        RT_PID[0] = None
        s0 = switch_punts(net)
        results['baseline'] = run(net, args)
        results['baseline']['packetInsPerConnection'] = round((switch_punts(net) - s0)
                                                              / float(max(1, results['baseline']['completed'])), 2)
        results['flowRulesPerConnection'] = {'plain': {k: round(v, 2) for k, v in per_switch.items()},
                                             'fig6Vip': {k: round(v, 2) for k, v in per_switch_vip.items()}}
    finally:
        net.stop()
        rt.stop()
    modes = ('pinned', 'pinnedUnderSynFlood', 'staticHash', 'baseline')
    results['pinnedVsBaseline'] = benchlib.ratio(results, 'pinned')
    results['staticHashVsBaseline'] = benchlib.ratio(results, 'staticHash')
    print()
    print('FIG 6, c1 -> %s, ab -n %d -c %d' % (URL, args.requests, args.concurrency))
    benchlib.table(results, modes, extra=[
        'pinned vs baseline %s, static hash vs baseline %s; under flood: legitimate success %s, rate vs no flood %s'
        % (results['pinnedVsBaseline'], results['staticHashVsBaseline'], results.get('floodLegitSuccess'),
           results.get('floodLegitVsNoFlood')),
        'flow rules per connection per switch: %s' % results.get('flowRulesPerConnection')])
    with open(args.out, 'w') as fp:
        json.dump(results, fp, indent=1)
    print('json: %s' % args.out)
    bad = benchlib.any_failed(results, modes)
    if bad:
        print('FAILED measurements: %s' % ', '.join(bad))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
