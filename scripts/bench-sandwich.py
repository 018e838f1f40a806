#!/usr/bin/python3
"""Firewall-sandwich load numbers on real OVS (issue 4): new connections/s and connect latency through
the sandwich in pinned mode, in static-hash mode, and with a no-controller baseline (proactive rules
through one firewall, controller gone), on one FIG 6 topology in one run; flow rules per connection per
switch; packet-ins per connection.

Usage: scripts/bench-sandwich.py [--requests N] [--concurrency C] [--out FILE]
Needs: make build, scripts/setup-net.sh. Prints a table and writes JSON (default build/bench/sandwich.json).
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

URL = 'http://10.0.2.21/'
PINNED = (30000, 30001)


def punts(rt):
    c = rt.counters()
    return sum(c.get(k, 0) for k in ('synPunts', 'finRstPunts', 'unknownNonSynPunts', 'synRetransmits'))


def run(net, args):
    r = net.ab('c1', URL, n=args.requests, concurrency=args.concurrency, timeout=10)
    if not r.ok:
        print('   warning: %d failed, %d non-2xx' % (r.failed, r.non2xx))
    return {'connectionsPerSecond': round(r.rps, 1), 'connectP50ms': r.connect.get('p50'),
            'connectP99ms': r.connect.get('p99'), 'latencyP50ms': r.latency.get('p50'),
            'latencyP99ms': r.latency.get('p99'), 'completed': r.completed, 'failed': r.failed}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--requests', type=int, default=3000)
    ap.add_argument('--concurrency', type=int, default=8)
    ap.add_argument('--out', default=os.path.join(ROOT, 'build', 'bench', 'sandwich.json'))
    args = ap.parse_args()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    work = os.path.dirname(args.out)
    spec = fwlbnet.load_spec('fig6')
    netcfg = fwlbnet.build_netcfg(spec)
    f = netcfg['apps']['org.fwlb.core']['fwlb']
    f['timeouts'] = {'idleSeconds': 5, 'closingSeconds': 1}
    rt = fwlbtest.Runtime(netcfg, work).start()
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

        print('== pinned mode (%d requests, concurrency %d)' % (args.requests, args.concurrency))
        p0 = punts(rt)
        results['pinned'] = run(net, args)
        results['pinned']['packetInsPerConnection'] = round((punts(rt) - p0) / float(args.requests), 2)

        print('== pinned mode under a SYN flood (hping3 --flood, random sources, from c3, 8 s)')
        c0 = rt.counters()
        flood = net.host('c3').popen('timeout 8 hping3 -S -p 80 --flood --rand-source 10.0.2.22')
        time.sleep(1)
        flooded = argparse.Namespace(requests=max(200, args.requests // 4), concurrency=args.concurrency)
        results['pinnedUnderSynFlood'] = run(net, flooded)
        flood.wait()
        c1 = rt.counters()
        results['pinnedUnderSynFlood']['synPuntsDuringFlood'] = c1.get('synPunts', 0) - c0.get('synPunts', 0)
        results['pinnedUnderSynFlood']['puntMeterPps'] = 400      # the component's default
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
        p0 = punts(rt)
        results['staticHash'] = run(net, args)
        results['staticHash']['packetInsPerConnection'] = round((punts(rt) - p0) / float(args.requests), 2)

        print('== no-controller baseline: proactive rules through fw1 only, runtime killed')
        for fw in ('fw2', 'fw3'):
            rt.post('/onos/fwlb/firewalls/%s/down' % fw)
        time.sleep(2)
        for h, gw in (('c1', ('10.0.1.254', '02:fb:00:00:01:fe')), ('srv1', ('10.0.2.254', '02:fb:00:00:02:fe'))):
            net.set_arp(h, gw[0], gw[1])
        rt.kill()
        results['baseline'] = run(net, args)
        results['baseline']['packetInsPerConnection'] = 0
        results['flowRulesPerConnection'] = {'plain': {k: round(v, 2) for k, v in per_switch.items()},
                                             'fig6Vip': {k: round(v, 2) for k, v in per_switch_vip.items()}}
    finally:
        net.stop()
        rt.stop()
    print()
    print('%-20s %10s %12s %12s %10s' % ('mode', 'conn/s', 'connect p50', 'connect p99', 'pkt-in/conn'))
    for k in ('pinned', 'pinnedUnderSynFlood', 'staticHash', 'baseline'):
        r = results.get(k, {})
        print('%-20s %10s %10s ms %10s ms %10s' % (k, r.get('connectionsPerSecond'), r.get('connectP50ms'),
                                                   r.get('connectP99ms'), r.get('packetInsPerConnection')))
    print('flow rules per connection per switch:', results.get('flowRulesPerConnection'))
    with open(args.out, 'w') as fp:
        json.dump(results, fp, indent=1)
    print('json: %s' % args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
