"""The presets' addressing works with the rules the controller will install. Without a
controller, static OpenFlow rules stand in for its per-connection rules and static neighbour
entries for its ARP answers (what the controller does is in README "What the controller must do").

FIG 2: L4/2 first stage d1 one-armed on the fabric, L4/3 second stage d2a; replies never reach d1.
FIG 7: the same behind the firewall sandwich: the internal firewall dispatcher si passes the SYN
       to the first stage d1 (one-armed on the inside fabric), d2a answers straight to the firewall
       the request came through (never via d1); an answer through another firewall is dropped by
       it as ct invalid.
"""
import pytest

import fwlbnet

pytestmark = pytest.mark.ovs

SENTINEL = 'priority=200,tcp,tp_src=80,actions=drop'     # would count any reply reaching d1


def rule_packets(net, switch, priority, **match):
    for f in net.flows(switch, sync=False):
        if f['priority'] == priority and all(f['match'].get(k) == v for k, v in match.items()):
            return f['n_packets']
    raise AssertionError('no such flow on %s' % switch)


def test_fig2_two_stages_replies_bypass_first_stage():
    spec = fwlbnet.load_spec('fig2')
    d = spec.dispatchers
    vip = spec.services[0]['vip']
    srv1 = spec.hosts['srv1'].intfs[0]
    with fwlbnet.Net(spec, controller='none') as net:
        net.set_arp('c1', vip, d['d1'].mac)                                   # controller: ARP for the VIP
        net.add_flows('d1', [SENTINEL,                                         # L4/2: MAC only, back out the arm
                             'priority=100,in_port=1,dl_dst=%s,tcp,nw_dst=%s,tp_dst=80,'
                             'actions=mod_dl_dst:%s,in_port' % (d['d1'].mac, vip, d['d2a'].mac)])
        net.add_flows('d2a', [                                                 # L4/3: to srv1 and back to the VIP
            'priority=100,in_port=1,dl_dst=%s,tcp,nw_dst=%s,tp_dst=80,actions=mod_nw_dst:%s,mod_dl_dst:%s,output:%d'
            % (d['d2a'].mac, vip, srv1.ip.ip, srv1.mac, srv1.port),
            'priority=100,in_port=%d,tcp,nw_src=%s,tp_src=80,actions=mod_nw_src:%s,mod_dl_src:%s,output:1'
            % (srv1.port, srv1.ip.ip, vip, d['d2a'].mac)])
        r = net.requests('c1', 'http://%s/' % vip, n=200, concurrency=4)
        assert r.ok and r.servers == {'srv1': 200}, r.output
        net.sync_stats()
        fwd = rule_packets(net, 'd1', 100, in_port='1')
        back = rule_packets(net, 'd2a', 100, in_port=str(srv1.port))
        assert fwd >= 200 * 3 and back >= 200 * 3
        assert rule_packets(net, 'd1', 200) == 0                                # no reply crossed d1


def test_fig7_sandwich_first_stage_and_firewall_symmetry():
    spec = fwlbnet.load_spec('fig7')
    d = spec.dispatchers
    vip = spec.services[0]['vip']
    pub, prv = spec.networks['public'], spec.networks['private']
    fw1, fw2 = spec.hosts['fw1'], spec.hosts['fw2']
    srv1 = spec.hosts['srv1'].intfs[0]
    c1 = spec.hosts['c1'].intfs[0]
    with fwlbnet.Net(spec, controller='none') as net:
        net.set_arp('c1', pub.gateway_ip, pub.gateway_mac)                   # ARP for the virtual gateways
        net.set_arp('srv1', prv.gateway_ip, prv.gateway_mac)
        net.set_arp('fw1', vip, d['d1'].mac, intf=1)                           # ARP for the VIP (inside)
        net.add_flows('so', 'priority=100,in_port=%d,dl_dst=%s,tcp,nw_dst=%s,actions=mod_dl_dst:%s,output:%d'
                      % (c1.port, pub.gateway_mac, vip, fw1.outside.mac, fw1.outside.port))
        loc = next(x for x in net.netcfg()['apps']['org.fwlb.core']['fwlb']['dispatchers'] if x['id'] == 'd1')['location']
        assert loc == {'deviceId': 'of:' + spec.switches['si'].dpid, 'port': 4}
        net.add_flows('si', 'priority=100,dl_dst=%s,actions=output:%d' % (d['d1'].mac, loc['port']))  # steer to d1
        net.add_flows('d1', [SENTINEL,
                             'priority=100,in_port=1,dl_src=%s,dl_dst=%s,tcp,nw_dst=%s,tp_dst=80,'
                             'actions=mod_dl_dst:%s,in_port' % (fw1.inside.mac, d['d1'].mac, vip, d['d2a'].mac)])
        reply_to = 'priority=100,in_port=%d,tcp,nw_src=%s,tp_src=80,actions=mod_nw_src:%s,mod_dl_src:%s,mod_dl_dst:%%s,output:1' \
            % (srv1.port, srv1.ip.ip, vip, d['d2a'].mac)
        net.add_flows('d2a', ['priority=100,in_port=1,dl_dst=%s,tcp,nw_dst=%s,tp_dst=80,actions=mod_nw_dst:%s,'
                              'mod_dl_dst:%s,output:%d' % (d['d2a'].mac, vip, srv1.ip.ip, srv1.mac, srv1.port),
                              reply_to % fw1.inside.mac])
        r = net.requests('c1', 'http://%s/' % vip, n=100, concurrency=4)
        assert r.ok and r.servers == {'srv1': 100}, r.output
        net.sync_stats()
        c = net.fw_counters('fw1')
        assert c['in_web']['packets'] == 100 and c['est_from_inside']['packets'] > 0
        assert c['invalid']['packets'] == 0
        assert rule_packets(net, 'd1', 200) == 0                                # replies bypassed d1
        assert net.fw_counters('fw2')['est_from_inside']['packets'] == 0
        # the second stage answers through the wrong firewall: fw2 drops the replies as invalid
        net.add_flows('d2a', reply_to % fw2.inside.mac)
        net.reset_fw_counters()
        code, _ = net.curl('c1', 'http://%s/' % vip, timeout=2)
        assert code == 0
        assert net.fw_counters('fw2')['invalid']['packets'] > 0
