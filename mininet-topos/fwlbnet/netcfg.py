"""The controller's netcfg JSON, generated from the same spec that builds the topology.

Schema: docs/DESIGN.md, section "netcfg" (subject app org.fwlb.core, config key fwlb). Only the
fields of that schema are emitted; every port is a port of the device named next to it.
"""
import json

from .spec import load_spec

APP = 'org.fwlb.core'
KEY = 'fwlb'


def _fw_side(spec, dev, itf):
    return {'port': spec.port_on(dev, itf.switch, itf.port), 'mac': itf.mac, 'ip': str(itf.ip.ip)}


def _location(spec, sw, port):
    return {'deviceId': spec.switches[sw].device_id, 'port': port}


def _toward(spec, switch, d):
    """Port of `switch` on the way to dispatcher d (its attachment when d is a host)."""
    if d.host is not None:
        front = spec.hosts[d.host].intfs[0]
        return spec.port_on(switch, front.switch, front.port)
    return spec.port_towards(switch, d.switch)


def _dispatcher_location(spec, d):
    """docs/CONFIG.md: "the switch port through which the previous stage reaches it": the port of
    the (first) switch dispatcher reaching d, toward d. A first stage behind a sandwich is reached
    from the internal firewall dispatcher. Otherwise a host dispatcher is located where it is
    plugged in, and a switch first stage has no location."""
    for prev in spec.dispatchers.values():
        if d.name in prev.reaches and prev.switch is not None:
            port = _toward(spec, prev.switch, d)
            if port is not None:
                return _location(spec, prev.switch, port)
    if spec.sandwich is not None and any(s['firstStage'] == d.name for s in spec.services):
        internal = spec.sandwich['internal']['switch']
        if d.switch != internal:
            port = _toward(spec, internal, d)
            if port is not None:
                return _location(spec, internal, port)
    if d.host is not None:
        front = spec.hosts[d.host].intfs[0]
        return _location(spec, front.switch, front.port)
    return None


def _uplink(spec, d, own_switch):
    """docs/CONFIG.md "uplink": the port of the stage's own switch (a host dispatcher: of the switch it hangs
    off) through which the stage before it reaches it, where its replies leave. A first stage behind a sandwich
    is reached from the internal firewall dispatcher; a stage on that dispatcher itself needs none."""
    for prev in spec.dispatchers.values():
        if d.name in prev.reaches and prev.switch is not None:
            return spec.port_towards(own_switch, prev.switch)
    if spec.sandwich is not None and any(s['firstStage'] == d.name for s in spec.services):
        return spec.port_towards(own_switch, spec.sandwich['internal']['switch'])
    return None


def build_netcfg(spec):
    """The netcfg dict for a spec (path, preset name, dict or Spec)."""
    spec = load_spec(spec)
    cfg = {}
    sw = spec.sandwich
    if sw is not None:
        sides = {}
        for side in ('external', 'internal'):
            dev = spec.switches[sw[side]['switch']]
            net = spec.networks[sw[side]['network']]
            sides[side] = {'deviceId': dev.device_id, 'gatewayIp': str(net.gateway_ip),
                           'gatewayMac': net.gateway_mac, 'subnet': str(net.subnet)}
        fws = []
        for name in sw['firewalls']:
            fw = spec.hosts[name]
            fws.append({'id': fw.name, 'weight': fw.weight, 'maxConnections': fw.max_connections,
                        'adminState': fw.admin_state, 'pathTag': fw.path_tag,
                        'outside': _fw_side(spec, sw['external']['switch'], fw.outside),
                        'inside': _fw_side(spec, sw['internal']['switch'], fw.inside)})
        cfg['sandwich'] = {'external': sides['external'], 'internal': sides['internal'],
                           'firewalls': fws,
                           'trafficClasses': [dict(tc) for tc in sw['trafficClasses']],
                           'probe': dict(sw['probe'])}
    servers = []
    for sid, h, itf in spec.server_entries():
        servers.append({'id': sid, 'ip': str(itf.ip.ip), 'mac': itf.mac,
                        'location': _location(spec, itf.switch, itf.port),
                        'services': list(h.service_types), 'weight': h.weight,
                        'maxConnections': h.max_connections, 'adminState': h.admin_state})
    if servers:
        cfg['servers'] = servers
    dispatchers = []
    for d in spec.dispatchers.values():
        e = {'id': d.name, 'kind': d.kind}
        if d.switch is not None:
            e['deviceId'] = spec.switches[d.switch].device_id
        e['mac'] = d.mac
        e['ip'] = str(d.ip)
        loc = _dispatcher_location(spec, d)
        if loc is not None:
            e['location'] = loc
        up = None
        if d.switch is not None:
            up = _uplink(spec, d, d.switch)
        if d.host is not None:
            front = spec.hosts[d.host].intfs[0]
            if spec.switches[front.switch].controlled:
                e['attachment'] = _location(spec, front.switch, front.port)
                up = _uplink(spec, d, front.switch)
        if up is not None:
            e['uplink'] = up
        e.update({'reaches': list(d.reaches), 'policy': d.policy, 'weight': d.weight,
                  'maxConnections': d.max_connections, 'adminState': d.admin_state})
        dispatchers.append(e)
    if dispatchers:
        cfg['dispatchers'] = dispatchers
    if spec.services:
        cfg['services'] = [dict(s) for s in spec.services]
    cfg['timeouts'] = dict(spec.timeouts)
    cfg['connectionTable'] = dict(spec.connection_table)
    return {'apps': {APP: {KEY: cfg}}}


def netcfg_json(spec, indent=2):
    return json.dumps(build_netcfg(spec), indent=indent) + '\n'
