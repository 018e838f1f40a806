"""Topology spec: load (YAML or JSON), validate, resolve into a model the builder and netcfg use.

Every error is a SpecError whose message starts with the path of the offending field, e.g.
``hosts[3].interfaces[0].mac: 'zz' is not a MAC address``. Nothing is built from an invalid spec.
The format is documented in mininet-topos/README.md ("Spec format").
"""
import hashlib
import ipaddress
import json
import os
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

DEFAULT_PREFIX = 'fwlb'
DEFAULT_CONTROLLER = ('127.0.0.1', 6653)
DEFAULT_LINK_MTU = 1600          # switch-switch links: room for a VLAN/MPLS path tag (notes pitfall 7)
IFNAMSIZ = 15                    # Linux interface names are at most 15 characters

ROLES = ('host', 'client', 'server', 'firewall', 'dispatcher')
KINDS = ('L4/2', 'L4/3', 'L7/3')
POLICIES = ('static-hash', 'round-robin', 'weighted-round-robin', 'least-connections', 'least-packets')
MODES = ('pinned', 'static-hash')
UNKNOWN_NON_SYN = ('drop', 'drop-rst', 'forward')
ADMIN_STATES = ('up', 'draining', 'down')
DAEMONS = {'http': 80, 'https': 443, 'ftp': 21}
DEFAULT_FTP_PASSIVE = (30000, 30099)

PRESET_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'presets')

_MAC_RE = re.compile(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$')
_NAME_RE = re.compile(r'^[a-z][a-z0-9]*$')
_PREFIX_RE = re.compile(r'^[a-z][a-z0-9]{1,5}$')
_ID_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')           # netcfg ids (docs/CONFIG.md)
_STYPE_RE = re.compile(r'^[a-z0-9._-]+$')                                # service types
MAX_WEIGHT = 10000
MAX_CONNS = 100000000
PROTOCOLS = ('tcp', 'udp')


class SpecError(ValueError):
    """A spec is invalid; the message names the field path and the problem."""


# ----------------------------------------------------------------------------------------------
# Resolved model
# ----------------------------------------------------------------------------------------------

@dataclass
class Network:
    name: str
    subnet: ipaddress.IPv4Network
    gateway_ip: Optional[ipaddress.IPv4Address] = None
    gateway_mac: Optional[str] = None


@dataclass
class Switch:
    name: str                 # spec name, e.g. "so"
    bridge: str               # OVS bridge / Mininet node name: prefix + name
    dpid: str                 # 16 lowercase hex digits
    controlled: bool          # connects to the remote controller (spec-level "none" overrides)
    fail_mode: str
    ports: Dict[int, Tuple[str, str]] = field(default_factory=dict)  # port -> ('host'|'switch', peer)

    @property
    def device_id(self):
        return 'of:' + self.dpid


@dataclass
class Intf:
    host: str
    index: int
    switch: str
    port: int
    ip: ipaddress.IPv4Interface
    mac: str
    mtu: int = 1500
    network: Optional[Network] = None
    server_id: Optional[str] = None     # netcfg id when the host is a server

    @property
    def name(self):
        return '%s-eth%d' % (self.host, self.index)


@dataclass
class Daemon:
    type: str                 # http | https | ftp
    port: int
    options: dict = field(default_factory=dict)


@dataclass
class Host:
    name: str
    role: str
    intfs: List[Intf]
    gateway: Optional[ipaddress.IPv4Address] = None
    routes: List[Tuple[str, str]] = field(default_factory=list)   # (to, via)
    daemons: List[Daemon] = field(default_factory=list)
    vips: List[ipaddress.IPv4Address] = field(default_factory=list)
    policy: Optional[dict] = None          # firewalls: resolved firewall policy
    weight: int = 1
    max_connections: int = 0
    admin_state: str = 'up'
    path_tag: Optional[int] = None          # firewalls: identity in tagged SYNs (FIG 8)
    service_types: List[str] = field(default_factory=list)
    sysctls: Dict[str, str] = field(default_factory=dict)

    def intf(self, name):
        for i in self.intfs:
            if i.name == name:
                return i
        raise KeyError(name)

    @property
    def outside(self):
        return self.intfs[0]

    @property
    def inside(self):
        return self.intfs[1]


@dataclass
class Link:
    a: str
    a_port: int
    b: str
    b_port: int
    mtu: int


@dataclass
class Dispatcher:
    name: str
    kind: str
    switch: Optional[str]
    host: Optional[str]
    mac: str
    ip: ipaddress.IPv4Address
    reaches: List[str]
    policy: str
    weight: int
    admin_state: str
    max_connections: int = 0


@dataclass
class Spec:
    name: str
    description: str
    prefix: str
    controller: Optional[Tuple[str, int]]          # None = no controller (standalone switches)
    networks: Dict[str, Network]
    switches: Dict[str, Switch]
    links: List[Link]
    hosts: Dict[str, Host]
    sandwich: Optional[dict]                       # resolved: external/internal/firewalls/...
    dispatchers: Dict[str, Dispatcher]
    services: List[dict]
    timeouts: dict
    connection_table: dict
    source: Optional[str] = None                   # file the spec was read from

    # -- lookups ------------------------------------------------------------------------------
    def hosts_by_role(self, *roles):
        return [h for h in self.hosts.values() if h.role in roles]

    @property
    def firewalls(self):
        return self.hosts_by_role('firewall')

    @property
    def servers(self):
        return self.hosts_by_role('server')

    def bridge(self, switch):
        return self.switches[switch].bridge

    def netns(self, host):
        return '%s-%s' % (self.prefix, host)

    def all_intfs(self):
        for h in self.hosts.values():
            yield from h.intfs

    def switch_neighbors(self, sw):
        """[(local port, neighbor switch, neighbor port)] over switch-switch links."""
        out = []
        for ln in self.links:
            if ln.a == sw:
                out.append((ln.a_port, ln.b, ln.b_port))
            elif ln.b == sw:
                out.append((ln.b_port, ln.a, ln.a_port))
        return out

    def port_towards(self, src_switch, dst_switch):
        """Port on src_switch on the (unique, the switch graph is a forest) path to dst_switch;
        None when src == dst or unreachable."""
        if src_switch == dst_switch:
            return None
        seen = {src_switch}
        frontier = [(nb, port) for port, nb, _ in self.switch_neighbors(src_switch)]
        for nb, _ in frontier:
            seen.add(nb)
        while frontier:
            nxt = []
            for sw, first_port in frontier:
                if sw == dst_switch:
                    return first_port
                for _, nb, _ in self.switch_neighbors(sw):
                    if nb not in seen:
                        seen.add(nb)
                        nxt.append((nb, first_port))
            frontier = nxt
        return None

    def connected(self, sw_a, sw_b):
        return sw_a == sw_b or self.port_towards(sw_a, sw_b) is not None

    def port_on(self, switch, target_switch, target_port):
        """Port of `switch` through which an interface plugged at (target_switch, target_port) is
        reached: the attachment port itself when local, else the port towards target_switch."""
        if switch == target_switch:
            return target_port
        return self.port_towards(switch, target_switch)

    def server_entries(self):
        """[(server id, host, intf)]: one netcfg server entry per interface of a server host."""
        out = []
        for h in self.servers:
            for i in h.intfs:
                out.append((i.server_id, h, i))
        return out


# ----------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------

def resolve_path(ref):
    """A spec reference is a file path, or a preset name such as 'fig1' (presets/fig1.yaml)."""
    if os.path.isfile(ref):
        return os.path.abspath(ref)
    for ext in ('.yaml', '.yml', '.json'):
        p = os.path.join(PRESET_DIR, ref + ext)
        if os.path.isfile(p):
            return p
    raise SpecError('spec: %r is neither a file nor a preset (presets: %s)'
                    % (ref, ', '.join(list_presets())))


def list_presets():
    if not os.path.isdir(PRESET_DIR):
        return []
    return sorted(os.path.splitext(f)[0] for f in os.listdir(PRESET_DIR)
                  if f.endswith(('.yaml', '.yml', '.json')))


def load_spec(ref):
    """Load and validate a spec from a path, a preset name, a dict, or a Spec (returned as is)."""
    if isinstance(ref, Spec):
        return ref
    if isinstance(ref, dict):
        return parse_spec(ref)
    path = resolve_path(str(ref))
    with open(path) as f:
        text = f.read()
    try:
        if path.endswith('.json'):
            data = json.loads(text)
        else:
            import yaml
            data = yaml.load(text, Loader=_UniqueKeyLoader)
    except SpecError:
        raise
    except Exception as e:
        raise SpecError('spec: %s is not valid %s: %s'
                        % (path, 'JSON' if path.endswith('.json') else 'YAML', e)) from None
    spec = parse_spec(data)
    spec.source = path
    return spec


def _unique_key_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in seen:
                raise SpecError('spec: duplicate key %r (line %d)' % (key, key_node.start_mark.line + 1))
            seen.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


class _LazyLoader:
    _cls = None

    def __call__(self, stream):
        if _LazyLoader._cls is None:
            _LazyLoader._cls = _unique_key_loader()
        return _LazyLoader._cls(stream)


_UniqueKeyLoader = _LazyLoader()


# ----------------------------------------------------------------------------------------------
# Field helpers
# ----------------------------------------------------------------------------------------------

def _fail(path, msg):
    raise SpecError('%s: %s' % (path, msg))


def _obj(v, path):
    if not isinstance(v, dict):
        _fail(path, 'expected a mapping, got %s' % _show(v))
    return v


def _list(v, path):
    if v is None:
        return []
    if not isinstance(v, list):
        _fail(path, 'expected a list, got %s' % _show(v))
    return v


def _show(v):
    s = json.dumps(v) if not isinstance(v, str) else '"%s"' % v
    return s if len(s) < 60 else s[:57] + '...'


def _keys(d, path, allowed, required=()):
    for k in d:
        if k not in allowed:
            _fail('%s.%s' % (path, k) if path else k,
                  'unknown field (expected one of: %s)' % ', '.join(sorted(allowed)))
    for k in required:
        if k not in d or d[k] is None:
            _fail('%s.%s' % (path, k) if path else k, 'is required')


def _str(v, path, pattern=None, what='a string'):
    if not isinstance(v, str) or not v:
        _fail(path, '%s is not %s' % (_show(v), what))
    if pattern is not None and not pattern.match(v):
        _fail(path, '%s is not %s' % (_show(v), what))
    return v


def _int(v, path, lo=None, hi=None):
    if isinstance(v, bool) or not isinstance(v, int):
        _fail(path, '%s is not an integer' % _show(v))
    if lo is not None and v < lo or hi is not None and v > hi:
        _fail(path, '%s is out of range [%s, %s]' % (v, lo, hi))
    return v


def _enum(v, path, choices):
    if v not in choices:
        _fail(path, '%s is not one of %s' % (_show(v), ', '.join(choices)))
    return v


def _mac(v, path):
    if not isinstance(v, str) or not _MAC_RE.match(v.lower()):
        _fail(path, '%s is not a MAC address' % _show(v))
    v = v.lower()
    if int(v[:2], 16) & 1:
        _fail(path, '%s is a multicast MAC address' % _show(v))
    return v


def _ip(v, path):
    try:
        return ipaddress.IPv4Address(v)
    except (ValueError, TypeError):
        _fail(path, '%s is not an IPv4 address' % _show(v))


def _cidr(v, path):
    try:
        return ipaddress.IPv4Network(v, strict=True)
    except (ValueError, TypeError):
        _fail(path, '%s is not an IPv4 subnet (a.b.c.d/len, host bits zero)' % _show(v))


def _dpid(v, path):
    if isinstance(v, int) and not isinstance(v, bool):
        n = v
    elif isinstance(v, str):
        s = v.lower()
        s = s[3:] if s.startswith('of:') else s
        s = s[2:] if s.startswith('0x') else s
        if not re.match(r'^[0-9a-f]{1,16}$', s):
            _fail(path, '%s is not a datapath id (up to 16 hex digits)' % _show(v))
        n = int(s, 16)
    else:
        _fail(path, '%s is not a datapath id' % _show(v))
    if n <= 0 or n >= 1 << 64:
        _fail(path, '%s is not a datapath id (must be 1..2^64-1)' % _show(v))
    return '%016x' % n


def _auto_mac(*parts):
    h = hashlib.sha256('/'.join(parts).encode()).digest()
    return '0a:' + ':'.join('%02x' % b for b in h[:5])


def _port_range(v, path):
    if isinstance(v, int) and not isinstance(v, bool):
        return (_int(v, path, 1, 65535),) * 2
    if isinstance(v, str) and re.match(r'^\d+-\d+$', v):
        a, b = (int(x) for x in v.split('-'))
        if not (1 <= a <= b <= 65535):
            _fail(path, '%s is not a port range lo-hi within 1..65535' % _show(v))
        return (a, b)
    _fail(path, '%s is not a port or a port range "lo-hi"' % _show(v))


# ----------------------------------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------------------------------

TOP_KEYS = {'name', 'description', 'prefix', 'controller', 'linkMtu', 'networks', 'switches',
            'links', 'hosts', 'firewallPolicy', 'sandwich', 'dispatchers', 'services', 'timeouts',
            'connectionTable'}


def parse_spec(data):
    """Validate a spec given as a dict (already parsed YAML/JSON) and resolve it into a Spec."""
    _obj(data, 'spec')
    _keys(data, '', TOP_KEYS, required=('name',))
    name = _str(data['name'], 'name', re.compile(r'^[a-z0-9][a-z0-9_-]{0,31}$'),
                'a name (lowercase letters, digits, - and _, at most 32)')
    prefix = _str(data.get('prefix', DEFAULT_PREFIX), 'prefix', _PREFIX_RE,
                  'a prefix (2-6 lowercase letters/digits, starting with a letter)')
    controller = parse_controller(data.get('controller', 'default'), 'controller')
    link_mtu = _int(data.get('linkMtu', DEFAULT_LINK_MTU), 'linkMtu', 1280, 9000)

    networks = _parse_networks(data.get('networks'))
    switches = _parse_switches(data.get('switches'), prefix)
    if not switches:
        _fail('switches', 'at least one switch is required')
    links = _parse_links(data.get('links'), switches, link_mtu)
    default_policy = _parse_fw_policy(data.get('firewallPolicy'), 'firewallPolicy')
    hosts = _parse_hosts(data.get('hosts'), switches, networks, default_policy)
    _assign_auto_ports(switches, links, hosts)
    _check_ifnames(switches, hosts)
    _check_forest(switches, links)

    spec = Spec(name=name, description=str(data.get('description', '')).strip(), prefix=prefix,
                controller=controller, networks=networks, switches=switches, links=links,
                hosts=hosts, sandwich=None, dispatchers={}, services=[],
                timeouts=_parse_timeouts(data.get('timeouts')),
                connection_table=_parse_conn_table(data.get('connectionTable')))
    _check_unique_addresses(spec)
    spec.sandwich = _parse_sandwich(data.get('sandwich'), spec)
    spec.dispatchers = _parse_dispatchers(data.get('dispatchers'), spec)
    spec.services = _parse_services(data.get('services'), spec)
    _check_dispatch_tree(spec)
    _assign_vips(spec)
    _check_dispatcher_addresses(spec)
    return spec


def parse_controller(v, path='controller'):
    """'none' -> None; 'default' -> 127.0.0.1:6653; 'host:port' or {ip, port} -> (host, port)."""
    if v is None or v == 'none' or v is False:
        return None
    if v == 'default':
        return DEFAULT_CONTROLLER
    if isinstance(v, (tuple, list)) and len(v) == 2:
        return (str(_ip(v[0], path + '.ip')), _int(v[1], path + '.port', 1, 65535))
    if isinstance(v, str):
        m = re.match(r'^(?:tcp:)?([0-9.]+):(\d+)$', v)
        if not m:
            _fail(path, '%s is not "none", "default", "ip:port" or {ip, port}' % _show(v))
        return (str(_ip(m.group(1), path)), _int(int(m.group(2)), path + '.port', 1, 65535))
    _obj(v, path)
    _keys(v, path, {'ip', 'port'})
    return (str(_ip(v.get('ip', DEFAULT_CONTROLLER[0]), path + '.ip')),
            _int(v.get('port', DEFAULT_CONTROLLER[1]), path + '.port', 1, 65535))


def _parse_networks(raw):
    nets = {}
    for i, n in enumerate(_list(raw, 'networks')):
        p = 'networks[%d]' % i
        _obj(n, p)
        _keys(n, p, {'name', 'subnet', 'gateway'}, required=('name', 'subnet'))
        nm = _str(n['name'], p + '.name', _NAME_RE, 'a name (lowercase letters and digits)')
        if nm in nets:
            _fail(p + '.name', 'duplicate network %r' % nm)
        subnet = _cidr(n['subnet'], p + '.subnet')
        for other in nets.values():
            if subnet.overlaps(other.subnet):
                _fail(p + '.subnet', '%s overlaps network %r (%s)' % (subnet, other.name, other.subnet))
        net = Network(nm, subnet)
        if n.get('gateway') is not None:
            g = _obj(n['gateway'], p + '.gateway')
            _keys(g, p + '.gateway', {'ip', 'mac'}, required=('ip', 'mac'))
            net.gateway_ip = _ip(g['ip'], p + '.gateway.ip')
            if net.gateway_ip not in subnet or net.gateway_ip in (subnet.network_address,
                                                                  subnet.broadcast_address):
                _fail(p + '.gateway.ip', '%s is not a host address of %s' % (net.gateway_ip, subnet))
            net.gateway_mac = _mac(g['mac'], p + '.gateway.mac')
        nets[nm] = net
    return nets


def _parse_switches(raw, prefix):
    sws = {}
    dpids = {}
    for i, s in enumerate(_list(raw, 'switches')):
        p = 'switches[%d]' % i
        _obj(s, p)
        _keys(s, p, {'name', 'dpid', 'controller', 'failMode'}, required=('name', 'dpid'))
        nm = _str(s['name'], p + '.name', _NAME_RE, 'a name (lowercase letters and digits)')
        if nm in sws:
            _fail(p + '.name', 'duplicate switch %r' % nm)
        dpid = _dpid(s['dpid'], p + '.dpid')
        if dpid in dpids:
            _fail(p + '.dpid', '%s is already used by switch %r' % (dpid, dpids[dpid]))
        dpids[dpid] = nm
        ctl = s.get('controller', 'default')
        if ctl not in ('default', 'none'):
            _fail(p + '.controller', '%s is not "default" or "none"' % _show(ctl))
        controlled = ctl == 'default'
        fail_mode = _enum(s.get('failMode', 'secure' if controlled else 'standalone'),
                          p + '.failMode', ('secure', 'standalone'))
        sws[nm] = Switch(nm, prefix + nm, dpid, controlled, fail_mode)
    return sws


def _endpoint(v, path, switches):
    """'sw:port' or 'sw' (port assigned later) -> (sw, port|None)."""
    if not isinstance(v, str) or not re.match(r'^[a-z][a-z0-9]*(:\d+)?$', v):
        _fail(path, '%s is not "switch:port"' % _show(v))
    sw, _, port = v.partition(':')
    if sw not in switches:
        _fail(path, 'unknown switch %r' % sw)
    return sw, (_int(int(port), path, 1, 255) if port else None)


def _claim(switches, sw, port, what, path):
    if port in switches[sw].ports:
        kind, peer = switches[sw].ports[port]
        _fail(path, 'port %d of switch %r is already used by %s %r' % (port, sw, kind, peer))
    switches[sw].ports[port] = what


def _parse_links(raw, switches, link_mtu):
    links = []
    for i, ln in enumerate(_list(raw, 'links')):
        p = 'links[%d]' % i
        _obj(ln, p)
        _keys(ln, p, {'a', 'b', 'mtu'}, required=('a', 'b'))
        a, ap = _endpoint(ln['a'], p + '.a', switches)
        b, bp = _endpoint(ln['b'], p + '.b', switches)
        if a == b:
            _fail(p, 'a link must join two different switches')
        mtu = _int(ln.get('mtu', link_mtu), p + '.mtu', 1280, 9000)
        if ap is not None:
            _claim(switches, a, ap, ('switch', b), p + '.a')
        if bp is not None:
            _claim(switches, b, bp, ('switch', a), p + '.b')
        links.append(Link(a, ap, b, bp, mtu))
    return links


def _parse_fw_policy(raw, path, base=None):
    if raw is None:
        return base if base is not None else {
            'allow': [{'name': 'in_tcp80', 'from': 'outside', 'proto': 'tcp', 'ports': [(80, 80)]},
                      {'name': 'out_tcp80', 'from': 'inside', 'proto': 'tcp', 'ports': [(80, 80)]}],
            'icmp': False}
    _obj(raw, path)
    _keys(raw, path, {'allow', 'icmp'})
    rules = []
    names = set()
    for i, r in enumerate(_list(raw.get('allow'), path + '.allow')):
        rp = '%s.allow[%d]' % (path, i)
        _obj(r, rp)
        _keys(r, rp, {'name', 'from', 'proto', 'ports'}, required=('from', 'ports'))
        frm = _enum(r['from'], rp + '.from', ('outside', 'inside'))
        proto = _enum(r.get('proto', 'tcp'), rp + '.proto', ('tcp', 'udp'))
        ports = [_port_range(x, '%s.ports[%d]' % (rp, j))
                 for j, x in enumerate(_list(r['ports'], rp + '.ports'))]
        if not ports:
            _fail(rp + '.ports', 'at least one port is required')
        nm = r.get('name') or '%s_%s_%d' % ('in' if frm == 'outside' else 'out', proto, i)
        nm = _str(nm, rp + '.name', re.compile(r'^[a-z][a-z0-9_]{0,30}$'),
                  'a counter name (lowercase letters, digits, _)')
        if nm in names or nm in ('invalid', 'dropped', 'est_from_outside', 'est_from_inside', 'icmp_echo'):
            _fail(rp + '.name', 'duplicate or reserved counter name %r' % nm)
        names.add(nm)
        rules.append({'name': nm, 'from': frm, 'proto': proto, 'ports': ports})
    icmp = raw.get('icmp', False)
    if not isinstance(icmp, bool):
        _fail(path + '.icmp', '%s is not true/false' % _show(icmp))
    return {'allow': rules, 'icmp': icmp}


def _parse_daemons(raw, path, host):
    out = []
    seen = set()
    for i, d in enumerate(_list(raw, path)):
        p = '%s[%d]' % (path, i)
        if isinstance(d, str):
            d = {'type': d}
        _obj(d, p)
        _keys(d, p, {'type', 'port', 'passivePorts', 'masquerade', 'fileSize', 'cookie'},
              required=('type',))
        t = _enum(d['type'], p + '.type', tuple(DAEMONS))
        port = _int(d.get('port', DAEMONS[t]), p + '.port', 1, 65535)
        if port in seen:
            _fail(p + '.port', 'port %d is already served on host %r' % (port, host))
        seen.add(port)
        opts = {}
        if t == 'ftp':
            pp = d.get('passivePorts', list(DEFAULT_FTP_PASSIVE))
            if (not isinstance(pp, list) or len(pp) != 2
                    or not all(isinstance(x, int) and 1024 <= x <= 65535 for x in pp) or pp[0] > pp[1]):
                _fail(p + '.passivePorts', '%s is not [lo, hi] within 1024..65535' % _show(pp))
            opts['passivePorts'] = tuple(pp)
            if d.get('masquerade') is not None:
                opts['masquerade'] = str(_ip(d['masquerade'], p + '.masquerade'))
            opts['fileSize'] = _int(d.get('fileSize', 1 << 20), p + '.fileSize', 0, 1 << 31)
        else:
            for k in ('passivePorts', 'masquerade', 'fileSize'):
                if k in d:
                    _fail('%s.%s' % (p, k), 'only valid for type ftp')
            if d.get('cookie') is not None:
                opts['cookie'] = _str(d['cookie'], p + '.cookie', re.compile(r'^[A-Za-z0-9_-]+$'),
                                      'a cookie name')
        out.append(Daemon(t, port, opts))
    return out


def _network_of(ip, networks):
    for n in networks.values():
        if ip in n.subnet:
            return n
    return None


def _parse_intf(d, p, host, index, switches, networks):
    _obj(d, p)
    _keys(d, p, {'switch', 'port', 'ip', 'mac', 'mtu', 'id'}, required=('switch', 'ip'))
    sw = _str(d['switch'], p + '.switch')
    if sw not in switches:
        _fail(p + '.switch', 'unknown switch %r' % sw)
    port = d.get('port')
    if port is not None:
        port = _int(port, p + '.port', 1, 255)
    ipv = d['ip']
    if isinstance(ipv, str) and '/' in ipv:
        try:
            ipif = ipaddress.IPv4Interface(ipv)
        except ValueError:
            _fail(p + '.ip', '%s is not an IPv4 address' % _show(ipv))
        net = _network_of(ipif.ip, networks)
        if net is not None and net.subnet != ipif.network:
            _fail(p + '.ip', '%s disagrees with network %r (%s)' % (ipv, net.name, net.subnet))
    else:
        ip = _ip(ipv, p + '.ip')
        net = _network_of(ip, networks)
        if net is None:
            _fail(p + '.ip', '%s is in no declared network; declare it or write a.b.c.d/len' % ip)
        ipif = ipaddress.IPv4Interface('%s/%d' % (ip, net.subnet.prefixlen))
    if ipif.ip in (ipif.network.network_address, ipif.network.broadcast_address):
        _fail(p + '.ip', '%s is not a host address of %s' % (ipif.ip, ipif.network))
    mac = _mac(d['mac'], p + '.mac') if d.get('mac') is not None else _auto_mac(host, str(index))
    mtu = _int(d.get('mtu', 1500), p + '.mtu', 1280, 9000)
    sid = None
    if d.get('id') is not None:
        sid = _str(d['id'], p + '.id', _ID_RE, 'an id')
    return Intf(host, index, sw, port, ipif, mac, mtu, _network_of(ipif.ip, networks), sid)


HOST_KEYS = {'name', 'role', 'switch', 'port', 'ip', 'mac', 'mtu', 'interfaces', 'outside', 'inside',
             'gateway', 'routes', 'services', 'vips', 'policy', 'weight', 'maxConnections',
             'adminState', 'serviceTypes', 'sysctls', 'id', 'pathTag'}


def _parse_hosts(raw, switches, networks, default_policy):
    hosts = {}
    for i, h in enumerate(_list(raw, 'hosts')):
        p = 'hosts[%d]' % i
        _obj(h, p)
        _keys(h, p, HOST_KEYS, required=('name',))
        nm = _str(h['name'], p + '.name', _NAME_RE, 'a name (lowercase letters and digits)')
        if nm in hosts:
            _fail(p + '.name', 'duplicate name %r' % nm)
        role = _enum(h.get('role', 'host'), p + '.role', ROLES)
        if role == 'client':
            role = 'host'
        short = {k: h[k] for k in ('switch', 'port', 'ip', 'mac', 'mtu', 'id') if k in h}
        if role == 'firewall':
            if 'interfaces' in h or short:
                _fail(p, 'a firewall has exactly the fields outside and inside (not interfaces/switch/ip)')
            for side in ('outside', 'inside'):
                if h.get(side) is None:
                    _fail('%s.%s' % (p, side), 'is required for a firewall')
            raw_intfs = [(p + '.outside', h['outside']), (p + '.inside', h['inside'])]
        else:
            for side in ('outside', 'inside', 'policy', 'pathTag'):
                if side in h:
                    _fail('%s.%s' % (p, side), 'only valid for role firewall')
            if 'interfaces' in h:
                if short:
                    _fail(p, 'give either interfaces or switch/port/ip/mac, not both')
                raw_intfs = [('%s.interfaces[%d]' % (p, j), x)
                             for j, x in enumerate(_list(h['interfaces'], p + '.interfaces'))]
            elif short:
                raw_intfs = [(p, short)]
            else:
                raw_intfs = []
            if not raw_intfs:
                _fail(p + '.interfaces', 'a host needs at least one interface')
        intfs = [_parse_intf(d, ip_, nm, j, switches, networks) for j, (ip_, d) in enumerate(raw_intfs)]
        if len('%s-eth%d' % (nm, len(intfs) - 1)) > IFNAMSIZ:
            _fail(p + '.name', 'interface name %s-eth%d exceeds %d characters'
                  % (nm, len(intfs) - 1, IFNAMSIZ))
        host = Host(nm, role, intfs)
        # server ids (netcfg): the host name, or name-N when it has several interfaces
        for j, itf in enumerate(intfs):
            if role != 'server':
                if itf.server_id is not None:
                    _fail('%s.id' % raw_intfs[j][0], 'only valid for role server')
                continue
            if itf.server_id is None:
                itf.server_id = nm if len(intfs) == 1 else '%s-%d' % (nm, j + 1)
        # routing
        gw = h.get('gateway', 'auto')
        if gw == 'none' or role == 'firewall' and gw == 'auto':
            host.gateway = None
        elif gw == 'auto':
            net = intfs[0].network
            host.gateway = net.gateway_ip if net is not None else None
        else:
            host.gateway = _ip(gw, p + '.gateway')
            if not any(host.gateway in i.ip.network for i in intfs):
                _fail(p + '.gateway', '%s is on none of the host\'s subnets' % host.gateway)
        for j, r in enumerate(_list(h.get('routes'), p + '.routes')):
            rp = '%s.routes[%d]' % (p, j)
            _obj(r, rp)
            _keys(r, rp, {'to', 'via'}, required=('to', 'via'))
            to = 'default' if r['to'] == 'default' else str(_cidr(r['to'], rp + '.to'))
            via = _ip(r['via'], rp + '.via')
            if not any(via in i.ip.network for i in intfs):
                _fail(rp + '.via', '%s is on none of the host\'s subnets' % via)
            host.routes.append((to, str(via)))
        host.daemons = _parse_daemons(h.get('services'), p + '.services', nm)
        host.vips = [_ip(v, '%s.vips[%d]' % (p, j)) for j, v in enumerate(_list(h.get('vips'), p + '.vips'))]
        host.weight = _int(h.get('weight', 1), p + '.weight', 1, MAX_WEIGHT)
        host.max_connections = _int(h.get('maxConnections', 0), p + '.maxConnections', 0, MAX_CONNS)
        if h.get('pathTag') is not None:
            host.path_tag = _int(h['pathTag'], p + '.pathTag', 1, 4094)
        host.admin_state = _enum(h.get('adminState', 'up'), p + '.adminState', ADMIN_STATES)
        st = h.get('serviceTypes')
        if st is None:
            host.service_types = sorted({d.type for d in host.daemons})
        else:
            host.service_types = [_str(x, '%s.serviceTypes[%d]' % (p, j), _STYPE_RE,
                                       'a service type (lower-case letters, digits, . _ -)')
                                  for j, x in enumerate(_list(st, p + '.serviceTypes'))]
        if role == 'server' and not host.service_types:
            _fail(p + '.services', 'a server needs at least one service (or serviceTypes)')
        sc = h.get('sysctls') or {}
        _obj(sc, p + '.sysctls')
        host.sysctls = {str(k): str(v) for k, v in sc.items()}
        if role == 'firewall':
            host.policy = _parse_fw_policy(h.get('policy'), p + '.policy', default_policy)
            if intfs[0].ip.network == intfs[1].ip.network:
                _fail(p + '.inside.ip', 'a firewall\'s outside and inside must be on different subnets')
        hosts[nm] = host
    return hosts


def _assign_auto_ports(switches, links, hosts):
    """Claim the explicit host ports (explicit link ports were claimed while parsing), then give
    the rest the lowest free port: links first, then host interfaces, in spec order."""
    def free(sw):
        n = 1
        while n in switches[sw].ports:
            n += 1
        if n > 255:
            _fail('switches', 'switch %r has no free port' % sw)
        return n

    for hi, h in enumerate(hosts.values()):
        for itf in h.intfs:
            if itf.port is not None:
                _claim(switches, itf.switch, itf.port, ('host interface', itf.name),
                       'hosts[%d] (%s)' % (hi, itf.name))
    for ln in links:
        if ln.a_port is None:
            ln.a_port = free(ln.a)
            switches[ln.a].ports[ln.a_port] = ('switch', ln.b)
        if ln.b_port is None:
            ln.b_port = free(ln.b)
            switches[ln.b].ports[ln.b_port] = ('switch', ln.a)
    for h in hosts.values():
        for itf in h.intfs:
            if itf.port is None:
                itf.port = free(itf.switch)
                switches[itf.switch].ports[itf.port] = ('host interface', itf.name)


def _check_ifnames(switches, hosts):
    for i, sw in enumerate(switches.values()):
        for port in sw.ports:
            n = '%s-eth%d' % (sw.bridge, port)
            if len(n) > IFNAMSIZ:
                _fail('switches[%d].name' % i, 'interface name %s exceeds %d characters; use a '
                      'shorter switch name or prefix' % (n, IFNAMSIZ))


def _check_forest(switches, links):
    """Switches forward floods with NORMAL: a loop would be a broadcast storm."""
    parent = {s: s for s in switches}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, ln in enumerate(links):
        ra, rb = find(ln.a), find(ln.b)
        if ra == rb:
            _fail('links[%d]' % i, 'link %s-%s closes a loop between switches (the switch graph '
                  'must be a tree: NORMAL flooding would storm)' % (ln.a, ln.b))
        parent[ra] = rb


def _check_unique_addresses(spec):
    macs, ips = {}, {}

    def mac(m, who):
        if m in macs:
            raise SpecError('%s: MAC %s is already used by %s' % (who, m, macs[m]))
        macs[m] = who

    def ip(a, who):
        if a in ips:
            raise SpecError('%s: IP %s is already used by %s' % (who, a, ips[a]))
        ips[a] = who

    for n in spec.networks.values():
        if n.gateway_ip is not None:
            ip(n.gateway_ip, 'networks.%s.gateway' % n.name)
            mac(n.gateway_mac, 'networks.%s.gateway' % n.name)
    for h in spec.hosts.values():
        for i in h.intfs:
            mac(i.mac, 'hosts.%s (%s)' % (h.name, i.name))
            ip(i.ip.ip, 'hosts.%s (%s)' % (h.name, i.name))
    seen = {f.name: 'firewall %s' % f.name for f in spec.firewalls}     # one id space
    for h in spec.servers:
        for i in h.intfs:
            if i.server_id in seen:
                raise SpecError('hosts.%s (%s).id: server id %r is already used by %s'
                                % (h.name, i.name, i.server_id, seen[i.server_id]))
            seen[i.server_id] = h.name
    spec._macs, spec._ips = macs, ips


def _parse_sandwich(raw, spec):
    if raw is None:
        return None
    p = 'sandwich'
    _obj(raw, p)
    _keys(raw, p, {'external', 'internal', 'firewalls', 'trafficClasses', 'probe'},
          required=('external', 'internal'))
    res = {}
    for side in ('external', 'internal'):
        sp = '%s.%s' % (p, side)
        s = _obj(raw[side], sp)
        _keys(s, sp, {'switch', 'network'}, required=('switch', 'network'))
        if s['switch'] not in spec.switches:
            _fail(sp + '.switch', 'unknown switch %r' % s['switch'])
        sw = spec.switches[s['switch']]
        if not sw.controlled:
            _fail(sp + '.switch', 'switch %r has controller: none; a firewall dispatcher must be '
                  'controlled' % sw.name)
        if s['network'] not in spec.networks:
            _fail(sp + '.network', 'unknown network %r' % s['network'])
        net = spec.networks[s['network']]
        if net.gateway_ip is None:
            _fail(sp + '.network', 'network %r has no gateway (the virtual gateway the %s '
                  'dispatcher answers ARP for)' % (net.name, side))
        res[side] = {'switch': sw.name, 'network': net.name}
    if res['external']['network'] == res['internal']['network']:
        _fail(p + '.internal.network', 'must differ from the external network')
    fws = raw.get('firewalls')
    if fws is None:
        names = [h.name for h in spec.firewalls]
    else:
        names = []
        for i, n in enumerate(_list(fws, p + '.firewalls')):
            if n not in spec.hosts or spec.hosts[n].role != 'firewall':
                _fail('%s.firewalls[%d]' % (p, i), '%r is not a firewall host' % n)
            names.append(n)
    if not names:
        _fail(p + '.firewalls', 'a sandwich needs at least one firewall')
    for n in names:
        fw = spec.hosts[n]
        for side, itf, role in (('external', fw.outside, 'outside'), ('internal', fw.inside, 'inside')):
            net = spec.networks[res[side]['network']]
            if itf.ip.ip not in net.subnet:
                _fail('hosts.%s.%s.ip' % (n, role), '%s is not in the %s network %s'
                      % (itf.ip.ip, side, net.subnet))
            if not spec.connected(res[side]['switch'], itf.switch):
                _fail('hosts.%s.%s.switch' % (n, role), 'switch %r is not connected to the %s '
                      'dispatcher %r' % (itf.switch, side, res[side]['switch']))
            _check_reach_port(spec, res[side]['switch'], itf, 'hosts.%s.%s' % (n, role))
    res['firewalls'] = names
    tags = {}
    for pos, n in enumerate(names):
        fw = spec.hosts[n]
        if fw.path_tag is None:
            fw.path_tag = pos + 1
        if fw.path_tag in tags:
            _fail('hosts.%s.pathTag' % n, 'path tag %d is already used by firewall %r'
                  % (fw.path_tag, tags[fw.path_tag]))
        tags[fw.path_tag] = n
    tcs = raw.get('trafficClasses')
    if tcs is None:
        tcs = [{'id': 'default'}]
    res['trafficClasses'] = []
    ids = set()
    catch_all = {}
    seen_ports = {}
    if isinstance(tcs, list) and not tcs:
        _fail(p + '.trafficClasses', 'must not be empty when given')
    for i, tc in enumerate(_list(tcs, p + '.trafficClasses')):
        tp = '%s.trafficClasses[%d]' % (p, i)
        _obj(tc, tp)
        _keys(tc, tp, {'id', 'protocol', 'ports', 'mode', 'policy', 'unknownNonSyn'}, required=('id',))
        tid = _str(tc['id'], tp + '.id', _ID_RE, 'an id')
        if tid in ids:
            _fail(tp + '.id', 'duplicate traffic class %r' % tid)
        ids.add(tid)
        proto = _enum(tc.get('protocol', 'tcp'), tp + '.protocol', PROTOCOLS)
        ports = [_int(x, '%s.ports[%d]' % (tp, j), 1, 65535)
                 for j, x in enumerate(_list(tc.get('ports'), tp + '.ports'))]
        if proto in catch_all:
            _fail(tp, 'unreachable: class %r before it already takes every %s port'
                  % (catch_all[proto], proto))
        for j, port in enumerate(ports):
            if (proto, port) in seen_ports:
                _fail('%s.ports[%d]' % (tp, j), '%s port %d is already in class %r'
                      % (proto, port, seen_ports[(proto, port)]))
            seen_ports[(proto, port)] = tid
        if not ports:
            catch_all[proto] = tid
        mode, policy = _mode_policy(tc, tp)
        res['trafficClasses'].append({
            'id': tid, 'protocol': proto, 'ports': ports, 'mode': mode, 'policy': policy,
            'unknownNonSyn': _enum(tc.get('unknownNonSyn', 'drop'), tp + '.unknownNonSyn',
                                   UNKNOWN_NON_SYN)})
    pr = raw.get('probe') or {}
    _obj(pr, p + '.probe')
    _keys(pr, p + '.probe', {'intervalMs', 'downAfter', 'upAfter'})
    res['probe'] = {'intervalMs': _int(pr.get('intervalMs', 500), p + '.probe.intervalMs', 50, 60000),
                    'downAfter': _int(pr.get('downAfter', 3), p + '.probe.downAfter', 1, 100),
                    'upAfter': _int(pr.get('upAfter', 2), p + '.probe.upAfter', 1, 100)}
    return res


def _mode_policy(d, path, default_policy='round-robin'):
    """mode and policy; in static-hash mode the policy is static-hash (given or by default)."""
    mode = _enum(d.get('mode', 'pinned'), path + '.mode', MODES)
    if mode == 'static-hash':
        policy = _enum(d.get('policy', 'static-hash'), path + '.policy', POLICIES)
        if policy != 'static-hash':
            _fail(path + '.policy', '%s: with mode static-hash the policy must be static-hash'
                  % _show(policy))
    else:
        policy = _enum(d.get('policy', default_policy), path + '.policy', POLICIES)
    return mode, policy


def _uplink(spec, sw):
    nb = spec.switch_neighbors(sw)
    return nb[0][0] if len(nb) == 1 else None


def _check_reach_port(spec, dev, itf, path):
    """The controller knows no topology beyond netcfg: a device reaches an interface either
    directly (it is plugged into the device) or through the device's single inter-switch link
    (a one-armed device: the packet leaves by the port it came in on)."""
    if itf.switch == dev:
        return
    if _uplink(spec, dev) is None:
        _fail(path + '.switch', '%s is neither attached to %r nor behind its single uplink (%r has '
              '%d inter-switch links; a device reaches non-local targets only one-armed)'
              % (itf.name, dev, dev, len(spec.switch_neighbors(dev))))


def _parse_dispatchers(raw, spec):
    out = {}
    for i, d in enumerate(_list(raw, 'dispatchers')):
        p = 'dispatchers[%d]' % i
        _obj(d, p)
        _keys(d, p, {'name', 'kind', 'switch', 'host', 'mac', 'ip', 'reaches', 'policy', 'weight',
                     'maxConnections', 'adminState'}, required=('name', 'kind'))
        nm = _str(d['name'], p + '.name', _ID_RE, 'an id (1-64 of A-Z a-z 0-9 . _ -)')
        if nm in out:
            _fail(p + '.name', 'duplicate dispatcher %r' % nm)
        # firewalls, servers and dispatchers share one id space (docs/CONFIG.md)
        if nm in {f.name for f in spec.firewalls} or nm in {sid for sid, _, _ in spec.server_entries()}:
            _fail(p + '.name', '%r is already the id of a firewall or server' % nm)
        kind = _enum(d['kind'], p + '.kind', KINDS)
        if ('switch' in d) == ('host' in d):
            _fail(p, 'give exactly one of switch (an OpenFlow switch) or host (a process on a host)')
        sw = host = None
        if 'switch' in d:
            sw = d['switch']
            if sw not in spec.switches:
                _fail(p + '.switch', 'unknown switch %r' % sw)
            if not spec.switches[sw].controlled:
                _fail(p + '.switch', 'switch %r has controller: none' % sw)
            if kind == 'L7/3':
                _fail(p + '.kind', 'an L7/3 dispatcher is a process: give host, not switch')
            for key in ('mac', 'ip'):
                if d.get(key) is None:
                    _fail('%s.%s' % (p, key), 'is required for a switch dispatcher (its virtual address)')
            mac = _mac(d['mac'], p + '.mac')
            ip = _ip(d['ip'], p + '.ip')
        else:
            host = d['host']
            if host not in spec.hosts or spec.hosts[host].role != 'dispatcher':
                _fail(p + '.host', '%r is not a host with role dispatcher' % host)
            front = spec.hosts[host].intfs[0]
            mac = _mac(d['mac'], p + '.mac') if d.get('mac') is not None else front.mac
            ip = _ip(d['ip'], p + '.ip') if d.get('ip') is not None else front.ip.ip
            if mac != front.mac or ip != front.ip.ip:
                _fail(p + '.mac', 'a host dispatcher uses its first interface (%s %s)'
                      % (front.mac, front.ip.ip))
        reaches = []
        for j, r in enumerate(_list(d.get('reaches'), p + '.reaches')):
            reaches.append(_str(r, '%s.reaches[%d]' % (p, j), _ID_RE, 'an id'))
        if not reaches:
            _fail(p + '.reaches', 'a dispatcher must reach at least one server or dispatcher')
        out[nm] = Dispatcher(nm, kind, sw, host, mac, ip, reaches,
                             _enum(d.get('policy', 'round-robin'), p + '.policy', POLICIES),
                             _int(d.get('weight', 1), p + '.weight', 1, MAX_WEIGHT),
                             _enum(d.get('adminState', 'up'), p + '.adminState', ADMIN_STATES),
                             _int(d.get('maxConnections', 0), p + '.maxConnections', 0, MAX_CONNS))
    for h in spec.hosts_by_role('dispatcher'):
        if not any(d.host == h.name for d in out.values()):
            _fail('hosts.%s.role' % h.name, 'host has role dispatcher but no dispatchers entry names it')
    # resolve reaches: dispatcher names, server ids, or server host names
    sids = {sid: (h, i) for sid, h, i in spec.server_entries()}
    for i, d in enumerate(out.values()):
        resolved = []
        for j, r in enumerate(d.reaches):
            p = 'dispatchers[%d].reaches[%d]' % (i, j)
            if r == d.name:
                _fail(p, 'a dispatcher cannot reach itself')
            if r in out:
                resolved.append(r)
            elif r in sids:
                resolved.append(r)
            elif r in spec.hosts and spec.hosts[r].role == 'server':
                resolved.append(_pick_server_intf(spec, d, spec.hosts[r], p))
            else:
                _fail(p, 'unknown dispatcher or server %r' % r)
            if len(set(resolved)) != len(resolved):
                _fail(p, '%r is listed twice' % r)
        d.reaches = resolved
        for j, r in enumerate(d.reaches):
            _check_reachable(spec, d, r, out, sids, 'dispatchers[%d].reaches[%d]' % (i, j))
    return out


def _pick_server_intf(spec, d, host, path):
    """A multi-homed server named by host: the entry of its interface this dispatcher reaches."""
    if len(host.intfs) == 1:
        return host.intfs[0].server_id
    cands = []
    for itf in host.intfs:
        if d.switch is not None and itf.switch == d.switch:
            cands.append(itf)
    if not cands and d.host is not None:
        for itf in host.intfs:
            if any(itf.ip.network == hi.ip.network for hi in spec.hosts[d.host].intfs):
                cands.append(itf)
    if len(cands) != 1:
        _fail(path, 'server %r has several interfaces; name one of %s'
              % (host.name, ', '.join(i.server_id for i in host.intfs)))
    return cands[0].server_id


def _target_intf(spec, target, dispatchers, sids):
    if target in dispatchers:
        t = dispatchers[target]
        if t.host is not None:
            return spec.hosts[t.host].intfs[0], None
        return None, t.switch
    return sids[target][1], None


def _check_reachable(spec, d, target, dispatchers, sids, path):
    itf, tsw = _target_intf(spec, target, dispatchers, sids)
    if d.switch is not None:
        if itf is not None:
            if not spec.connected(d.switch, itf.switch):
                _fail(path, '%r (%s on switch %r) is not connected to switch %r'
                      % (target, itf.name, itf.switch, d.switch))
            _check_reach_port(spec, d.switch, itf, path)
        else:
            if not spec.connected(d.switch, tsw):
                _fail(path, 'switch %r of %r is not connected to switch %r' % (tsw, target, d.switch))
            if _uplink(spec, d.switch) is None:
                _fail(path, 'switch dispatcher %r reaches switch %r but is not one-armed' % (d.name, tsw))
    else:
        front = spec.hosts[d.host].intfs
        if itf is None:
            return   # a host dispatcher relaying to a switch stage: L2 via its front network
        if not any(fi.ip.network == itf.ip.network and spec.connected(fi.switch, itf.switch)
                   for fi in front):
            _fail(path, '%r (%s) shares no subnet and L2 segment with dispatcher host %r'
                  % (target, itf.ip, d.host))


def _parse_services(raw, spec):
    out = []
    ids = set()
    keys = set()
    for i, s in enumerate(_list(raw, 'services')):
        p = 'services[%d]' % i
        _obj(s, p)
        _keys(s, p, {'id', 'vip', 'protocol', 'port', 'serviceType', 'firstStage', 'mode',
                     'unknownNonSyn', 'policy', 'dataPorts'}, required=('id', 'vip', 'port', 'firstStage'))
        sid = _str(s['id'], p + '.id', _ID_RE, 'an id')
        if sid in ids:
            _fail(p + '.id', 'duplicate service %r' % sid)
        ids.add(sid)
        vip = _ip(s['vip'], p + '.vip')
        port = _int(s['port'], p + '.port', 1, 65535)
        proto = _enum(s.get('protocol', 'tcp'), p + '.protocol', PROTOCOLS)
        if (vip, proto, port) in keys:
            _fail(p + '.port', '%s %s:%d is already a service' % (proto, vip, port))
        keys.add((vip, proto, port))
        if vip in spec._ips:
            _fail(p + '.vip', '%s is the address of %s' % (vip, spec._ips[vip]))
        if _network_of(vip, spec.networks) is None:
            _fail(p + '.vip', '%s is in no declared network' % vip)
        fs = s['firstStage']
        if fs not in spec.dispatchers:
            _fail(p + '.firstStage', 'unknown dispatcher %r' % fs)
        stype = _str(s.get('serviceType', 'http'), p + '.serviceType', _STYPE_RE,
                     'a service type (lower-case letters, digits, . _ -)')
        mode = _enum(s.get('mode', 'pinned'), p + '.mode', MODES)
        e = {'id': sid, 'vip': str(vip), 'protocol': proto, 'port': port, 'serviceType': stype,
             'firstStage': fs, 'mode': mode,
             'unknownNonSyn': _enum(s.get('unknownNonSyn', 'drop'), p + '.unknownNonSyn', UNKNOWN_NON_SYN)}
        if s.get('dataPorts') is not None:   # FTP passive ports: follow the control connection
            dp = s['dataPorts']
            if not isinstance(dp, list) or len(dp) != 2:
                _fail(p + '.dataPorts', 'must be [first, last]')
            a, z = _int(dp[0], p + '.dataPorts[0]', 1, 65535), _int(dp[1], p + '.dataPorts[1]', 1, 65535)
            if a > z or a <= port <= z:
                _fail(p + '.dataPorts', '[%d, %d] is not a data port range apart from port %d' % (a, z, port))
            e['dataPorts'] = [a, z]
        if s.get('policy') is not None:      # optional: overrides every stage's own policy
            e['policy'] = _mode_policy(s, p)[1]
        elif mode == 'static-hash':
            for dn in _stage_names(spec, fs):
                if spec.dispatchers[dn].policy != 'static-hash':
                    _fail(p + '.mode', 'static-hash needs policy static-hash: give the service a policy '
                          'or set dispatchers.%s.policy' % dn)
        out.append(e)
    return out


def _stage_names(spec, first):
    out, todo = [], [first]
    while todo:
        n = todo.pop()
        if n in out:
            continue
        out.append(n)
        todo.extend(r for r in spec.dispatchers[n].reaches if r in spec.dispatchers)
    return out


def _check_dispatch_tree(spec):
    ds = spec.dispatchers
    if not ds:
        if spec.services:
            _fail('services', 'services need dispatchers')
        if spec.servers:
            _fail('hosts.%s.role' % spec.servers[0].name, 'a server must be reached by a dispatcher')
        return
    # cycles
    state = {}

    def visit(n, stack):
        state[n] = 1
        for r in ds[n].reaches:
            if r in ds:
                if state.get(r) == 1:
                    _fail('dispatchers', 'cycle: %s' % ' -> '.join(stack + [n, r]))
                if r not in state:
                    visit(r, stack + [n])
        state[n] = 2

    for n in ds:
        if n not in state:
            visit(n, [])
    reached = {r for d in ds.values() for r in d.reaches}
    firsts = {s['firstStage'] for s in spec.services}
    for i, d in enumerate(ds.values()):
        if d.name not in reached and d.name not in firsts:
            _fail('dispatchers[%d].name' % i, 'dispatcher %r is neither a first stage nor reached by '
                  'another dispatcher' % d.name)
    for sid, h, itf in spec.server_entries():
        if sid not in reached:
            _fail('hosts.%s' % h.name, 'server entry %r (%s) is reached by no dispatcher' % (sid, itf.name))
    for i, s in enumerate(spec.services):
        if not any(s['serviceType'] in h.service_types for sid, h, _ in _servers_under(spec, s['firstStage'])):
            _fail('services[%d].serviceType' % i, 'no server under %r offers %r'
                  % (s['firstStage'], s['serviceType']))


def _servers_under(spec, dname, hop=None, seen=None):
    """[(server id, host, hop kind)] reached from dispatcher dname; hop = kind of the dispatcher
    that hands the connection to that server."""
    seen = set() if seen is None else seen
    out = []
    if dname in seen:
        return out
    seen.add(dname)
    sids = {sid: h for sid, h, _ in spec.server_entries()}
    d = spec.dispatchers[dname]
    for r in d.reaches:
        if r in spec.dispatchers:
            out.extend(_servers_under(spec, r, None, seen))
        else:
            out.append((r, sids[r], d.kind))
    return out


def _assign_vips(spec):
    """Hosts that must own a service VIP (on lo, never answering ARP for it): host dispatchers in a
    service's tree (they terminate or forward the VIP) and servers handed a connection by an L4/2
    hop (only the destination MAC was rewritten)."""
    for s in spec.services:
        vip = ipaddress.IPv4Address(s['vip'])
        todo, seen = [s['firstStage']], set()
        while todo:
            dn = todo.pop()
            if dn in seen:
                continue
            seen.add(dn)
            d = spec.dispatchers[dn]
            if d.host is not None and vip not in spec.hosts[d.host].vips:
                spec.hosts[d.host].vips.append(vip)
            for r in d.reaches:
                if r in spec.dispatchers:
                    todo.append(r)
                elif d.kind == 'L4/2':
                    h = next(h for sid, h, _ in spec.server_entries() if sid == r)
                    if vip not in h.vips:
                        h.vips.append(vip)


def _check_dispatcher_addresses(spec):
    """Switch dispatchers have virtual addresses: unique MACs; IPs unique among hosts, gateways
    and dispatchers, except a service VIP, which the dispatchers of that service may share."""
    vips = {ipaddress.IPv4Address(s['vip']) for s in spec.services}
    for d in spec.dispatchers.values():
        if d.switch is None:
            continue
        p = 'dispatchers.%s' % d.name
        if d.mac in spec._macs:
            raise SpecError('%s.mac: MAC %s is already used by %s' % (p, d.mac, spec._macs[d.mac]))
        spec._macs[d.mac] = p
        if d.ip in vips:
            continue                     # dispatchers of a service may all carry its VIP
        if d.ip in spec._ips:
            raise SpecError('%s.ip: IP %s is already used by %s' % (p, d.ip, spec._ips[d.ip]))
        if _network_of(d.ip, spec.networks) is None:
            raise SpecError('%s.ip: %s is in no declared network' % (p, d.ip))
        spec._ips[d.ip] = p


def _parse_timeouts(raw):
    t = raw or {}
    _obj(t, 'timeouts')
    _keys(t, 'timeouts', {'idleSeconds', 'closingSeconds'})
    res = {'idleSeconds': _int(t.get('idleSeconds', 10), 'timeouts.idleSeconds', 1, 65535),
           'closingSeconds': _int(t.get('closingSeconds', 2), 'timeouts.closingSeconds', 1, 65535)}
    if res['closingSeconds'] > res['idleSeconds']:
        _fail('timeouts.closingSeconds', '%d exceeds idleSeconds %d' % (res['closingSeconds'], res['idleSeconds']))
    return res


def _parse_conn_table(raw):
    t = raw or {}
    _obj(t, 'connectionTable')
    _keys(t, 'connectionTable', {'maxConnections'})
    return {'maxConnections': _int(t.get('maxConnections', 200000), 'connectionTable.maxConnections',
                                   1, MAX_CONNS)}


# ----------------------------------------------------------------------------------------------
# Static MAC entries for standalone switches
# ----------------------------------------------------------------------------------------------

def mac_owners(spec):
    """{mac: switch where it lives} for every MAC the topology knows: host interfaces (their
    switch), switch dispatchers (the switch itself), virtual gateways (the sandwich device of that
    network). Standalone fabric switches get static entries from this (see static_mac_entries)."""
    owners = {}
    for itf in spec.all_intfs():
        owners[itf.mac] = itf.switch
    for d in spec.dispatchers.values():
        if d.switch is not None:
            owners[d.mac] = d.switch
    if spec.sandwich:
        for side in ('external', 'internal'):
            net = spec.networks[spec.sandwich[side]['network']]
            owners[net.gateway_mac] = spec.sandwich[side]['switch']
    return owners


def static_mac_entries(spec, switch):
    """[(mac, port)] for a standalone switch: where to send frames for each known MAC (a static MAC
    table, so virtual MACs that never appear as a source are not flooded)."""
    out = []
    for mac, owner in sorted(mac_owners(spec).items()):
        if owner == switch:
            port = next((i.port for i in spec.all_intfs() if i.mac == mac), None)
        else:
            port = spec.port_towards(switch, owner)
        if port is not None:
            out.append((mac, port))
    return out
