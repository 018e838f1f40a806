"""Stateful firewall policy (nftables) for firewall hosts, and parsers for what they report.

Policy (forward chain, default drop), each rule with a named counter:
  ct state invalid                         -> counter "invalid", drop
  established/related, outside -> inside   -> counter "est_from_outside", accept
  established/related, inside -> outside   -> counter "est_from_inside", accept
  new TCP (pure SYN) / UDP on allowed ports in the allowed direction -> counter "<rule name>", accept
  ICMP echo-request (if icmp: true)        -> counter "icmp_echo", accept
  everything else                          -> counter "dropped", drop
With nf_conntrack_tcp_loose=0 a TCP packet conntrack has not seen the SYN of is invalid: a reply
reaching the wrong firewall is dropped and counted as "invalid".
"""
import json
import re

TABLE = 'fwlb'
FIXED_COUNTERS = ('invalid', 'est_from_outside', 'est_from_inside', 'icmp_echo', 'dropped')
SYSCTLS = {
    'net.ipv4.ip_forward': '1',
    'net.netfilter.nf_conntrack_tcp_loose': '0',
    'net.ipv4.conf.all.send_redirects': '0',
    'net.ipv4.conf.default.send_redirects': '0',
    'net.ipv4.conf.all.accept_redirects': '0',
    'net.ipv4.conf.all.rp_filter': '0',
    'net.ipv4.conf.default.rp_filter': '0',
}


def _ports(ranges):
    items = ['%d' % a if a == b else '%d-%d' % (a, b) for a, b in ranges]
    return items[0] if len(items) == 1 and '-' not in items[0] else '{ %s }' % ', '.join(items)


def ruleset(policy, outside_if, inside_if):
    """The nftables ruleset (text for `nft -f`) of a firewall with the given resolved policy."""
    names = [r['name'] for r in policy['allow']]
    lines = ['flush ruleset', 'table inet %s {' % TABLE]
    for c in FIXED_COUNTERS[:3] + tuple(names) + FIXED_COUNTERS[3:]:
        lines.append('  counter %s { }' % c)
    lines += ['  chain forward {',
              '    type filter hook forward priority filter; policy drop;',
              '    ct state invalid counter name "invalid" drop',
              '    iifname "%s" oifname "%s" ct state established,related counter name '
              '"est_from_outside" accept' % (outside_if, inside_if),
              '    iifname "%s" oifname "%s" ct state established,related counter name '
              '"est_from_inside" accept' % (inside_if, outside_if)]
    for r in policy['allow']:
        iif, oif = (outside_if, inside_if) if r['from'] == 'outside' else (inside_if, outside_if)
        if r['proto'] == 'tcp':
            match = 'tcp flags & (fin|syn|rst|ack) == syn tcp dport %s' % _ports(r['ports'])
        else:
            match = 'udp dport %s' % _ports(r['ports'])
        lines.append('    iifname "%s" oifname "%s" %s ct state new counter name "%s" accept'
                     % (iif, oif, match, r['name']))
    if policy.get('icmp'):
        for iif, oif in ((outside_if, inside_if), (inside_if, outside_if)):
            lines.append('    iifname "%s" oifname "%s" icmp type echo-request ct state new '
                         'counter name "icmp_echo" accept' % (iif, oif))
    lines += ['    counter name "dropped" drop', '  }', '}', '']
    return '\n'.join(lines)


def parse_counters(nft_json):
    """`nft -j list counters table inet fwlb` -> {name: {'packets': n, 'bytes': n}}."""
    data = json.loads(nft_json)
    out = {}
    for item in data.get('nftables', []):
        c = item.get('counter')
        if c is not None and c.get('table') == TABLE:
            out[c['name']] = {'packets': int(c.get('packets', 0)), 'bytes': int(c.get('bytes', 0))}
    return out


_KV = re.compile(r'(\w+)=(\S+)')


def parse_conntrack(text):
    """`conntrack -L` output -> [{'proto', 'state', 'timeout', 'src', 'dst', 'sport', 'dport',
    'reply': {...}, 'assured', 'unreplied'}]. Lines that are not entries are skipped."""
    out = []
    for line in text.splitlines():
        w = line.split()
        if len(w) < 4 or not w[1].isdigit():
            continue
        e = {'proto': w[0], 'timeout': int(w[2]) if w[2].isdigit() else None,
             'state': w[3] if '=' not in w[3] else None,
             'assured': '[ASSURED]' in line, 'unreplied': '[UNREPLIED]' in line}
        orig, reply = {}, {}
        for k, v in _KV.findall(line):
            if k in ('src', 'dst', 'sport', 'dport', 'type', 'code', 'id'):
                tgt = orig if k not in orig else reply
                tgt[k] = int(v) if k in ('sport', 'dport', 'type', 'code', 'id') else v
            elif k in ('mark', 'use', 'zone'):
                e[k] = int(v) if v.isdigit() else v
        e.update(orig)
        e['reply'] = reply
        out.append(e)
    return out
