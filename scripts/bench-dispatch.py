#!/usr/bin/python3
"""Hierarchical-dispatch load numbers on real OVS (issue 5, "Numbers"), on one FIG 8 topology in one run:

1. flow rules per connection per switch and per stage: N long transfers held open from c1 to the VIP, then
   the per-connection rules (priority 30000/30001) on every controlled switch are counted and divided by the
   connections through that switch's stage (sandwich: so, si; first stage d1; second stages d2c (L4/3) and
   the DFs df2a/df2b of the L7/3 hosts d7a/d7b);
2. pinned (controller-driven): ApacheBench from c1 to http://VIP/ (each request a new connection) through
   the sandwich and both dispatch stages, after a discarded warm-up run (the JIT): new connections/s,
   connect latency p50/p99, packet-ins per connection (counted by the switches: n_packets of every rule that
   outputs to CONTROLLER, before and after; and the apps' punt counters);
3. static hash: the sandwich's web class and the service switched to static-hash (netcfg), same ab run;
4. no-controller baseline on the same topology: the runtime is killed (SIGKILL: its rules stay) and static
   rules above all of its rules (priority 60000, ovs-ofctl) do for ALL connections what the stages do for one:
   so sends client->VIP to fw1's outside, si steers frames to d1 and replies to fw1's inside, d1 rewrites the
   destination MAC to d2c and sends the frame back out its arm, d2c rewrites the destination to srv5 and the
   replies' source back to the VIP and sends them to fw1's inside MAC; static ARP entries stand in for the
   controller's ARP answers. Same ab run.

Every mode also gets the controller's and ovs-vswitchd's CPU us per connection (/proc/<pid>/stat deltas) and
the client's SYN retransmissions (nstat in its namespace), and its ratio to the baseline. A mode whose run
did not complete (ab aborted, timeouts, failed or non-2xx requests) is FAILED with the reason, never a
number, and the script exits 1. JSON per mode: connectionsPerSecond, connectP50ms, connectP99ms, completed,
failed (+ status, reason, CPU, retransmissions); top level pinnedVsBaseline, staticHashVsBaseline.

Usage: flock /tmp/fwlb-e2e.lock scripts/bench-dispatch.py [--requests N] [--concurrency C] [--warmup N]
                                                         [--hold N] [--out FILE]
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
import benchlib  # noqa: E402

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
    keys = ('synPunts', 'finRstPunts', 'unknownNonSynPunts', 'knownSegmentPunts')
    return {'sandwich': sum(s.get(k, 0) for k in keys), 'dispatch': sum(d.get(k, 0) for k in keys)}


RT_PID = [None]     # the runtime's pid while it runs (bin/fwlb execs java)


def ab(net, url, args):
    return benchlib.measure(net, 'c1', url, args.requests, args.concurrency, controller_pid=RT_PID[0])


def counted(net, rt, url, args):
    """ab() with packet-ins per connection: by switch (n_packets of CONTROLLER rules) and by app counters."""
    before, apps0 = punt_counts(net, ROLES), app_punts(rt)
    r = ab(net, url, args)
    after, apps1 = punt_counts(net, ROLES), app_punts(rt)
    n = float(max(1, r['completed']))
    # the apps count every TCP packet-in they get; OVS folds its punt counters lazily and undercounts under load
    r['packetInsPerConnection'] = round(sum(apps1[k] - apps0[k] for k in apps1) / n, 2)
    r['packetInsPerConnectionBySwitch'] = {sw: round((after[sw] - before[sw]) / n, 2) for sw in ROLES}
    r['appPuntsPerConnection'] = {k: round((apps1[k] - apps0[k]) / n, 2) for k in apps1}
    return r


def static_hash(net, rt, netcfg, url, args):
    """The sandwich's web class and the service in static-hash mode: no punts, rules ahead of time."""
    f = netcfg['apps']['org.fwlb.core']['fwlb']
    f['sandwich']['trafficClasses'] = [
        {'id': 'web', 'protocol': 'tcp', 'ports': [80], 'mode': 'static-hash', 'policy': 'static-hash',
         'unknownNonSyn': 'forward'},
        {'id': 'default', 'protocol': 'tcp', 'ports': [], 'mode': 'pinned', 'policy': 'round-robin',
         'unknownNonSyn': 'drop'}]
    for svc in f['services']:
        svc['mode'] = 'static-hash'
    rt.push_netcfg(netcfg)
    try:
        fwlbtest.wait_for(lambda: all(any(41000 <= x['priority'] < 42000 for x in net.flows(sw, sync=False))
                                      for sw in ('so', 'd1')), 20, what='static-hash rules on so and d1')
    except Exception as e:                          # noqa: BLE001 - reported as the mode's failure
        return benchlib.failed('static-hash rules not installed: %s' % e)
    check = net.requests('c1', url, 20, concurrency=2)
    if not check.ok:
        return benchlib.failed('static hash does not serve: %s' % check.output[-300:])
    return counted(net, rt, url, args)


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
    ap.add_argument('--concurrency', type=int, default=32)
    ap.add_argument('--warmup', type=int, default=1000, help='discarded requests before pinned mode')
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
    RT_PID[0] = rt.proc.pid
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

        if args.warmup:
            print('== warm-up (%d requests, discarded)' % args.warmup)
            ab(net, url, argparse.Namespace(requests=args.warmup, concurrency=args.concurrency))
        print('== pinned (controller-driven hierarchy): ab -n %d -c %d %s' % (args.requests, args.concurrency, url))
        results['pinned'] = counted(net, rt, url, args)
        d = rt.get(DISPATCH + 'counters')
        results['pinned']['dispatchPlacedBy'] = {k: v for k, v in d.items() if k.startswith('placed:')}

        print('== static hash (sandwich class and service static-hash)')
        results['staticHash'] = static_hash(net, rt, netcfg, url, args)

        print('== no-controller baseline: runtime killed, static rules through fw1, d1 -> d2c -> srv5')
        flows, arp = static_flows(spec, net)
        for h, ip, mac, intf in arp:
            net.set_arp(h, ip, mac, intf=intf)
        rt.kill()
        RT_PID[0] = None
        for sw, fl in flows.items():
            net.add_flows(sw, fl)
        check = net.requests('c1', url, 20, concurrency=2)
        if not check.ok or set(check.servers) != {'srv5'}:
            results['baseline'] = benchlib.failed('baseline rules do not serve from srv5: %s %s'
                                                  % (check.servers, check.output[-300:]))
        else:
            b0 = punt_counts(net, ROLES)
            results['baseline'] = ab(net, url, args)
            b1 = punt_counts(net, ROLES)
            results['baseline']['packetInsPerConnection'] = round(
                sum(b1[s] - b0[s] for s in ROLES) / float(max(1, results['baseline']['completed'])), 2)
        results['baseline']['staticFlows'] = flows
    finally:
        net.stop()
        rt.stop()
    results['loadAfter'] = open('/proc/loadavg').read().split()[:3]

    modes = ('pinned', 'staticHash', 'baseline')
    results['pinnedVsBaseline'] = benchlib.ratio(results, 'pinned')
    results['staticHashVsBaseline'] = benchlib.ratio(results, 'staticHash')
    print()
    print('FIG 8, c1 -> %s, ab -n %d -c %d; load average before %s, after %s'
          % (url, args.requests, args.concurrency, ' '.join(results['loadBefore']), ' '.join(results['loadAfter'])))
    c = results.get('pinned', {})
    benchlib.table(results, modes, extra=[
        'pinned vs baseline %s, static hash vs baseline %s'
        % (results['pinnedVsBaseline'], results['staticHashVsBaseline']),
        'pinned: packet-ins per connection by switch: %s; by app: %s'
        % (c.get('packetInsPerConnectionBySwitch'), c.get('appPuntsPerConnection'))])
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
    bad = benchlib.any_failed(results, modes)
    if bad:
        print('FAILED measurements: %s' % ', '.join(bad))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
