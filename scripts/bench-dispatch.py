#!/usr/bin/python3
"""Hierarchical-dispatch load numbers on real OVS (issue 5, "Numbers"), on one FIG 8 topology in one run:

1. flow rules per connection per switch and per stage: N long transfers held open from c1 to the VIP, then
   the per-connection rules (priority 30000/30001) on every controlled switch are counted and divided by the
   connections through that switch's stage (sandwich: so, si; first stage d1; second stages d2c (L4/3) and
   the DFs df2a/df2b of the L7/3 hosts d7a/d7b);
2. controller-driven: ApacheBench from c1 to http://VIP/ (each request a new connection) through the
   sandwich and both dispatch stages: new connections/s, connect latency p50/p99, packet-ins per connection
   (counted by the switches: n_packets of every rule that outputs to CONTROLLER, before and after; and the
   apps' punt counters);
3. no-controller baseline on the same topology: the runtime is killed (SIGKILL: its rules stay) and static
   rules above all of its rules (priority 60000, ovs-ofctl) do for ALL connections what the stages do for one:
   so sends client->VIP to fw1's outside, si steers frames to d1 and replies to fw1's inside, d1 rewrites the
   destination MAC to d2c and sends the frame back out its arm, d2c rewrites the destination to srv5 and the
   replies' source back to the VIP and sends them to fw1's inside MAC; static ARP entries stand in for the
   controller's ARP answers. Same ab run.

Usage: flock /tmp/fwlb-mininet.lock scripts/bench-dispatch.py [--requests N] [--concurrency C] [--hold N]
                                                             [--out FILE]
Needs: the runtime built (mvn -pl runtime package), scripts/setup-net.sh. Prints a table and writes JSON
(default build/bench/dispatch.json).
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

PRESET = 'fig8'
PINNED = (30000, 30001)
SYN_PUNT_PRIOS = range(20000, 21000)
DISPATCH = '/onos/cluster-dispatch/'
# what each controlled switch is in FIG 8 (fig8.yaml), and the stage whose connections its rules serve
ROLES = {'so': ('sandwich (external firewall dispatcher)', None),
         'si': ('sandwich (internal firewall dispatcher)', None),
         'd1': ('first stage d1 (L4/2)', 'd1'),
         'd2c': ('second stage d2c (L4/3)', 'd2c'),
         'df2a': ('DF of L7/3 host d7a', 'd7a'),
         'df2b': ('DF of L7/3 host d7b', 'd7b')}
STATIC_PRIO = 60000


def punt_counts(net, switches):
    """Packets each switch sent to the controller so far (n_packets of its rules that output to CONTROLLER)."""
    net.sync_stats()
    return {sw: sum(f['n_packets'] for f in net.flows(sw, sync=False) if 'CONTROLLER' in f['actions'])
            for sw in switches}


def app_punts(rt):
    s = rt.counters()
    d = rt.get(DISPATCH + 'counters')
    keys = ('synPunts', 'finRstPunts', 'unknownNonSynPunts', 'synRetransmits')
    return {'sandwich': sum(s.get(k, 0) for k in keys), 'dispatch': sum(d.get(k, 0) for k in keys)}


def ab(net, url, args):
    r = net.ab('c1', url, n=args.requests, concurrency=args.concurrency, timeout=10)
    if not r.ok:
        print('   warning: %d failed, %d non-2xx' % (r.failed, r.non2xx))
    return {'connectionsPerSecond': round(r.rps, 1), 'connectP50ms': r.connect.get('p50'),
            'connectP99ms': r.connect.get('p99'), 'latencyP50ms': r.latency.get('p50'),
            'latencyP99ms': r.latency.get('p99'), 'completed': r.completed, 'failed': r.failed,
            'requests': args.requests, 'concurrency': args.concurrency}


def dispatch_connections(rt, state=None):
    return rt.get(DISPATCH + 'connections' + ('?state=' + state if state else ''))['connections']


def rules_per_connection(net, rt, url, hold):
    """Hold `hold` transfers open; per switch: per-connection rules, and rules per connection of its stage."""
    fwlbtest.wait_for(lambda: not dispatch_connections(rt), 30, interval=0.5, what='dispatch table empty')
    transfers = [net.long_transfer('c1', url, 3000000, rate='300k', timeout=60) for _ in range(hold)]
    fwlbtest.wait_for(lambda: len(dispatch_connections(rt, 'established')) >= hold, 20,
                      what='%d established connections placed through d1' % hold)
    time.sleep(1.0)                                    # the last stage's rules confirmed
    conns = dispatch_connections(rt, 'established')
    if len(conns) != hold:
        raise SystemExit('expected %d held connections, the table has %d: %s' % (hold, len(conns), conns))
    rules = {sw: sum(1 for f in net.flows(sw, sync=False) if f['priority'] in PINNED) for sw in ROLES}
    through = {}
    for sw, (_, stage) in ROLES.items():
        through[sw] = len(conns) if stage is None else sum(1 for c in conns if '"%s"' % stage in json.dumps(c))
    out = {}
    for sw, (role, stage) in ROLES.items():
        n = through[sw]
        out[sw] = {'role': role, 'rules': rules[sw], 'connectionsThroughStage': n,
                   'rulesPerConnectionOfStage': round(rules[sw] / float(n), 2) if n else None,
                   'rulesPerConnection': round(rules[sw] / float(len(conns)), 2)}
    total = sum(rules.values())
    results = [t.wait() for t in transfers]
    return {'heldConnections': len(conns), 'perSwitch': out,
            'totalRulesPerConnection': round(total / float(len(conns)), 2),
            'transfersOk': sum(1 for r in results if r.ok)}


def static_flows(spec, net):
    """The baseline's rules: what the sandwich and the stages do for one connection, for all of them."""
    d = spec.dispatchers
    vip = spec.services[0]['vip']
    pub, prv = spec.networks['public'], spec.networks['private']
    fw1 = spec.hosts['fw1']
    c1 = spec.hosts['c1'].intfs[0]
    srv5 = spec.hosts['srv5'].intfs[0]
    loc = next(x for x in net.netcfg()['apps']['org.fwlb.core']['fwlb']['dispatchers'] if x['id'] == 'd1')['location']
    arm_d1 = 1                                                       # fig8.yaml: sf:2 - d1:1
    arm_d2c = 1                                                      # sf:7 - d2c:1
    p = 'priority=%d,' % STATIC_PRIO
    flows = {
        'so': [p + 'in_port=%d,dl_dst=%s,tcp,nw_dst=%s,actions=mod_dl_dst:%s,output:%d'
               % (c1.port, pub.gateway_mac, vip, fw1.outside.mac, fw1.outside.port),
               p + 'in_port=%d,dl_dst=%s,actions=output:%d' % (fw1.outside.port, c1.mac, c1.port)],
        'si': [p + 'in_port=%d,dl_dst=%s,actions=output:%d' % (fw1.inside.port, d['d1'].mac, loc['port']),
               p + 'in_port=%d,dl_dst=%s,actions=output:%d' % (loc['port'], fw1.inside.mac, fw1.inside.port)],
        'd1': [p + 'in_port=%d,dl_dst=%s,tcp,nw_dst=%s,tp_dst=80,actions=mod_dl_dst:%s,in_port'
               % (arm_d1, d['d1'].mac, vip, d['d2c'].mac)],
        'd2c': [p + 'in_port=%d,dl_dst=%s,tcp,nw_dst=%s,tp_dst=80,actions=mod_nw_dst:%s,mod_dl_dst:%s,output:%d'
                % (arm_d2c, d['d2c'].mac, vip, srv5.ip.ip, srv5.mac, srv5.port),
                p + 'in_port=%d,tcp,nw_src=%s,tp_src=80,actions=mod_nw_src:%s,mod_dl_src:%s,mod_dl_dst:%s,output:%d'
                % (srv5.port, srv5.ip.ip, vip, d['d2c'].mac, fw1.inside.mac, arm_d2c)],
    }
    arp = [('c1', pub.gateway_ip, pub.gateway_mac, 0), ('srv5', prv.gateway_ip, prv.gateway_mac, 0),
           ('fw1', vip, d['d1'].mac, 1), ('fw1', c1.ip.ip, c1.mac, 0)]
    return flows, arp


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--requests', type=int, default=2000)
    ap.add_argument('--concurrency', type=int, default=8)
    ap.add_argument('--hold', type=int, default=12, help='connections held open to count rules')
    ap.add_argument('--of-port', type=int, default=16753)
    ap.add_argument('--rest-port', type=int, default=18281)
    ap.add_argument('--out', default=os.path.join(ROOT, 'build', 'bench', 'dispatch.json'))
    args = ap.parse_args()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    work = os.path.join(os.path.dirname(args.out), 'dispatch-run')
    os.makedirs(work, exist_ok=True)
    spec = fwlbnet.load_spec(PRESET)
    netcfg = fwlbnet.build_netcfg(spec)
    f = netcfg['apps']['org.fwlb.core']['fwlb']
    f['timeouts'] = {'idleSeconds': 5, 'closingSeconds': 1}
    vip = spec.services[0]['vip']
    url = 'http://%s/' % vip
    results = {'preset': PRESET, 'url': url, 'loadBefore': open('/proc/loadavg').read().split()[:3]}
    rt = fwlbtest.Runtime(netcfg, work, of_port=args.of_port, rest_port=args.rest_port).start()
    net = fwlbnet.Net(spec, controller=('127.0.0.1', rt.of_port), wait_connected=60)
    try:
        net.start()
        rt.wait_ready(30)
        fwlbtest.wait_for(lambda: all(any(x['priority'] in SYN_PUNT_PRIOS for x in net.flows(s, sync=False))
                                      for s in ('d1', 'd2c', 'df2a', 'df2b')), 30, what='stage SYN punt rules')
        fwlbtest.wait_for(lambda: all(x['eligibility'] == 'eligible' for x in rt.firewalls().values()), 30,
                          what='firewalls eligible')
        fwlbtest.wait_for(lambda: all(s['health'] == 'up' for s in rt.get(DISPATCH + 'servers')['servers']
                                      if s['id'] in ('srv5', 'srv6')), 30, what='srv5 srv6 probed up')
        warm = net.requests('c1', url, 30, concurrency=3)          # ARP caches, the JIT
        if not warm.ok:
            raise SystemExit('warm-up through the hierarchy failed: %s' % warm.output[-800:])

        print('== flow rules per connection (%d connections held open)' % args.hold)
        results['flowRules'] = rules_per_connection(net, rt, url, args.hold)
        fwlbtest.wait_for(lambda: not dispatch_connections(rt), 30, interval=0.5, what='dispatch table empty')

        print('== controller-driven hierarchy: ab -n %d -c %d %s' % (args.requests, args.concurrency, url))
        before, apps0 = punt_counts(net, ROLES), app_punts(rt)
        results['controller'] = ab(net, url, args)
        after, apps1 = punt_counts(net, ROLES), app_punts(rt)
        n = float(args.requests)
        per_switch = {sw: round((after[sw] - before[sw]) / n, 2) for sw in ROLES}
        results['controller']['packetInsPerConnection'] = round(sum(after[sw] - before[sw] for sw in ROLES) / n, 2)
        results['controller']['packetInsPerConnectionBySwitch'] = per_switch
        results['controller']['appPuntsPerConnection'] = {k: round((apps1[k] - apps0[k]) / n, 2) for k in apps1}
        d = rt.get(DISPATCH + 'counters')
        results['controller']['dispatchPlacedBy'] = {k: v for k, v in d.items() if k.startswith('placed:')}

        print('== no-controller baseline: runtime killed, static rules through fw1, d1 -> d2c -> srv5')
        flows, arp = static_flows(spec, net)
        for h, ip, mac, intf in arp:
            net.set_arp(h, ip, mac, intf=intf)
        rt.kill()
        for sw, fl in flows.items():
            net.add_flows(sw, fl)
        check = net.requests('c1', url, 20, concurrency=2)
        if not check.ok or set(check.servers) != {'srv5'}:
            raise SystemExit('baseline rules do not serve from srv5: %s %s' % (check.servers, check.output[-800:]))
        b0 = punt_counts(net, ROLES)
        results['baseline'] = ab(net, url, args)
        b1 = punt_counts(net, ROLES)
        results['baseline']['packetInsPerConnection'] = round(sum(b1[s] - b0[s] for s in ROLES) / n, 2)
        results['baseline']['staticFlows'] = flows
    finally:
        net.stop()
        rt.stop()
    results['loadAfter'] = open('/proc/loadavg').read().split()[:3]

    print()
    print('FIG 8, c1 -> %s, ab -n %d -c %d; load average before %s, after %s'
          % (url, args.requests, args.concurrency, ' '.join(results['loadBefore']), ' '.join(results['loadAfter'])))
    print('%-34s %9s %12s %12s %11s %7s' % ('mode', 'conn/s', 'connect p50', 'connect p99', 'pkt-in/conn',
                                             'failed'))
    for k, label in (('controller', 'controller-driven (sandwich+d1+2nd)'), ('baseline', 'no controller (static)')):
        r = results.get(k, {})
        print('%-34s %9s %9s ms %9s ms %11s %7s' % (label[:34], r.get('connectionsPerSecond'), r.get('connectP50ms'),
                                                    r.get('connectP99ms'), r.get('packetInsPerConnection'),
                                                    r.get('failed')))
    c = results.get('controller', {})
    print('packet-ins per connection by switch:', c.get('packetInsPerConnectionBySwitch'),
          '; by app:', c.get('appPuntsPerConnection'))
    fr = results.get('flowRules')
    if fr:
        print()
        print('flow rules per connection (%d held open; total %.2f per connection)'
              % (fr['heldConnections'], fr['totalRulesPerConnection']))
        print('%-6s %-42s %6s %12s %12s' % ('switch', 'role', 'rules', 'conns/stage', 'rules/conn'))
        for sw, r in fr['perSwitch'].items():
            print('%-6s %-42s %6d %12d %12s' % (sw, r['role'], r['rules'], r['connectionsThroughStage'],
                                                r['rulesPerConnectionOfStage']))
    with open(args.out, 'w') as fp:
        json.dump(results, fp, indent=1)
    print('json: %s' % args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
