"""Command line: /usr/bin/python3 -m fwlbnet <command> ... (run from mininet-topos/ or with
PYTHONPATH=mininet-topos). `python3 -m fwlbnet -h` lists the commands."""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

from . import net as netmod
from .net import NetError, read_state, pid_alive, state_path, STATE_DIR, PKG_PARENT
from .netcfg import netcfg_json
from .spec import SpecError, load_spec, list_presets, DEFAULT_PREFIX


def _log_path(prefix):
    return os.path.join(STATE_DIR, prefix + '.log')


def cmd_up(a):
    spec = load_spec(a.spec)
    st = read_state(spec.prefix)
    if st and pid_alive(st.get('holder')):
        if st.get('name') == spec.name and st.get('ready'):
            print('%s is already up (pid %s)' % (spec.name, st['holder']))
            return 0
        raise NetError('prefix %s is held by %s (pid %s): run `down %s` first'
                       % (spec.prefix, st.get('name'), st.get('holder'), st.get('name')))
    os.makedirs(STATE_DIR, exist_ok=True)
    log = _log_path(spec.prefix)
    argv = [sys.executable, '-m', 'fwlbnet', '_hold', spec.source,
            '--controller', a.controller or 'spec', '--wait-connected', str(a.wait_connected)]
    if a.no_services:
        argv.append('--no-services')
    env = dict(os.environ)
    env['PYTHONPATH'] = PKG_PARENT + (':' + env['PYTHONPATH'] if env.get('PYTHONPATH') else '')
    with open(log, 'w') as lf:
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=lf, stderr=subprocess.STDOUT,
                             start_new_session=True, env=env, cwd='/')
    deadline = time.time() + a.timeout
    while True:
        st = read_state(spec.prefix)
        if st and st.get('holder') == p.pid and st.get('ready'):
            n_h, n_s = len(st['hosts']), len(st['switches'])
            print('%s up: %d hosts, %d switches, controller %s (holder pid %d, state %s)'
                  % (spec.name, n_h, n_s, ':'.join(map(str, st['controller'])) if st['controller']
                     else 'none', p.pid, state_path(spec.prefix)))
            return 0
        if p.poll() is not None:
            sys.stderr.write(_tail(log))
            raise NetError('%s failed to start (exit %s); log %s' % (spec.name, p.returncode, log))
        if time.time() > deadline:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
            sys.stderr.write(_tail(log))
            raise NetError('%s not ready after %ss; stopped (log %s)' % (spec.name, a.timeout, log))
        time.sleep(0.05)


def _tail(path, n=30):
    try:
        with open(path, errors='replace') as f:
            return ''.join(f.readlines()[-n:])
    except OSError:
        return ''


def cmd_hold(a):
    """Background holder: owns the Mininet object until SIGTERM/SIGINT/SIGHUP."""
    stop = {'sig': None}

    def bye(signum, frame):
        stop['sig'] = signum
        raise SystemExit(0)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, bye)
    ctl = netmod.KEEP if a.controller == 'spec' else a.controller
    net = netmod.Net(a.spec, controller=ctl, wait_connected=a.wait_connected,
                     services=not a.no_services, mode='daemon', log_level='warning')
    try:
        net.start()
        print('ready: build %.2fs configure %.2fs' % (net.timings['build'], net.timings['configure']),
              flush=True)
        while True:
            signal.pause()
    except SystemExit:
        pass
    finally:
        net.stop()
        print('stopped (signal %s): stop %.2fs' % (stop['sig'], net.timings.get('stop', 0)), flush=True)
    return 0


def _down_prefix(prefix, timeout, quiet=False):
    st = read_state(prefix)
    name = st.get('name') if st else None
    holder = st.get('holder') if st else None
    if holder and pid_alive(holder) and holder != os.getpid():
        os.kill(holder, signal.SIGTERM)
        deadline = time.time() + timeout
        while pid_alive(holder) and time.time() < deadline:
            time.sleep(0.05)
        if pid_alive(holder):
            os.kill(holder, signal.SIGKILL)
            if not quiet:
                print('%s: holder %d did not stop in %ss, killed' % (name, holder, timeout))
    hosts = list(load_spec(st['spec']).hosts) if st and st.get('spec') and os.path.exists(st['spec']) else []
    removed = netmod.cleanup_prefix(prefix, host_names=hosts)
    return name, holder, removed


def cmd_down(a):
    prefix = _prefix_of(a.spec)
    name, holder, removed = _down_prefix(prefix, a.timeout)
    if name:
        print('%s down%s' % (name, (' (also removed: %s)' % ', '.join(removed)) if removed else ''))
    else:
        print('nothing up for prefix %s%s' % (prefix, (' (removed: %s)' % ', '.join(removed)) if removed else ''))
    return 0


def _prefix_of(ref):
    try:
        return load_spec(ref).prefix
    except SpecError:
        if ref and ref.isalnum() and read_state(ref) is not None:
            return ref
        raise


def cmd_cleanup(a):
    prefixes = set(a.prefix or []) | {DEFAULT_PREFIX}
    if os.path.isdir(STATE_DIR):
        prefixes |= {f[:-5] for f in os.listdir(STATE_DIR) if f.endswith('.json')}
    for p in sorted(prefixes):
        name, holder, removed = _down_prefix(p, a.timeout, a.quiet)
        if not a.quiet and (name or removed):
            print('%s: %s%s' % (p, ('stopped %s; ' % name) if name else '', ', '.join(removed) or 'clean'))
    return 0


def cmd_status(a):
    prefixes = [_prefix_of(a.spec)] if a.spec else (
        sorted(f[:-5] for f in os.listdir(STATE_DIR) if f.endswith('.json')) if os.path.isdir(STATE_DIR) else [])
    rc = 3
    out = {}
    for p in prefixes:
        st = read_state(p)
        if st and pid_alive(st.get('holder')):
            st['up'] = bool(st.get('ready'))
            rc = 0 if st['up'] else rc
            try:
                st['connected'] = sorted(netmod.Attached(st['spec'] or st['name']).connected_switches())
            except (NetError, SpecError):
                pass
            out[p] = st
    if a.json:
        print(json.dumps(out, indent=1))
    elif not out:
        print('down')
    else:
        for p, st in out.items():
            print('%s (prefix %s): %s, holder pid %s, controller %s, %d hosts, switches %s, connected %s'
                  % (st['name'], p, 'up' if st['up'] else 'starting', st['holder'],
                     ':'.join(map(str, st['controller'])) if st.get('controller') else 'none',
                     len(st['hosts']), ','.join(st['switches']), ','.join(st.get('connected', [])) or '-'))
    return rc


def cmd_exec(a):
    t = netmod.attach(a.spec)
    h = t.host(a.host)
    cmd = a.command
    if cmd and cmd[0] == '--':
        cmd = cmd[1:]
    if not cmd:
        raise NetError('exec: no command')
    argv = ['sh', '-c', cmd[0]] if len(cmd) == 1 else cmd
    os.execvpe('nsenter', ['nsenter', '-t', str(h.pid), '-n', '--'] + argv, h._env())


def cmd_netcfg(a):
    text = netcfg_json(a.spec)
    if a.output:
        with open(a.output, 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_validate(a):
    rc = 0
    for ref in a.spec:
        try:
            s = load_spec(ref)
            print('%s: ok (%d hosts, %d switches, %d firewalls, %d dispatchers, %d services)'
                  % (ref, len(s.hosts), len(s.switches), len(s.firewalls), len(s.dispatchers),
                     len(s.services)))
        except SpecError as e:
            print('%s: %s' % (ref, e))
            rc = 2
    return rc


def cmd_describe(a):
    s = load_spec(a.spec)
    ctl = '%s:%d' % s.controller if s.controller else 'none'
    print('%s (prefix %s, controller %s)%s' % (s.name, s.prefix, ctl, (': ' + s.description) if s.description else ''))
    print('switches:')
    for sw in s.switches.values():
        ports = ', '.join('%d=%s' % (p, peer) for p, (_, peer) in sorted(sw.ports.items()))
        print('  %-6s %-10s %s %s  ports: %s' % (sw.name, sw.bridge, sw.device_id,
                                                 'controlled' if sw.controlled else 'standalone', ports))
    print('hosts:')
    for h in s.hosts.values():
        extra = []
        if h.gateway:
            extra.append('gw ' + str(h.gateway))
        if h.vips:
            extra.append('lo ' + ','.join(map(str, h.vips)))
        if h.daemons:
            extra.append('serves ' + ','.join('%s:%d' % (d.type, d.port) for d in h.daemons))
        print('  %-6s %-10s %s%s' % (h.name, h.role, '; '.join(
            '%s %s %s @%s:%d' % (i.name, i.ip, i.mac, i.switch, i.port) for i in h.intfs),
            ('  [' + '; '.join(extra) + ']') if extra else ''))
    for d in s.dispatchers.values():
        print('dispatcher %s %s on %s %s %s -> %s' % (d.name, d.kind, d.switch or d.host, d.mac, d.ip,
                                                    ', '.join(d.reaches)))
    for v in s.services:
        print('service %s %s:%d/%s (%s) first stage %s' % (v['id'], v['vip'], v['port'], v['protocol'],
                                                         v['serviceType'], v['firstStage']))
    return 0


def cmd_flows(a):
    t = netmod.attach(a.spec)
    for f in t.flows(a.switch):
        print('prio=%-5d pkts=%-6d %s -> %s' % (f['priority'], f['n_packets'],
                                                ','.join('%s=%s' % kv if kv[1] is not True else kv[0]
                                                         for kv in f['match'].items()) or '*', f['actions']))
    return 0


def cmd_fw(a):
    t = netmod.attach(a.spec)
    names = [a.firewall] if a.firewall else [f.name for f in t.spec.firewalls]
    for n in names:
        c = t.fw_counters(n)
        ct = t.conntrack(n)
        print('%s: conntrack %d  %s' % (n, len(ct), '  '.join('%s=%d' % (k, v['packets']) for k, v in c.items())))
    return 0


def cmd_presets(a):
    for p in list_presets():
        try:
            s = load_spec(p)
            print('%-12s %s' % (p, s.description.split('\n')[0]))
        except SpecError as e:
            print('%-12s INVALID: %s' % (p, e))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog='python3 -m fwlbnet', description='fwlb Mininet harness')
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('up', help='build a topology in a background holder process; returns when ready')
    p.add_argument('spec', help='spec file or preset name (fig1..fig8, ...)')
    p.add_argument('--controller', help='ip:port of the controller, or none (default: the spec\'s)')
    p.add_argument('--wait-connected', type=float, default=0.0, metavar='SECS',
                   help='also wait until every controlled switch is connected (default: do not wait)')
    p.add_argument('--no-services', action='store_true', help='do not start the spec\'s servers')
    p.add_argument('--timeout', type=float, default=120.0)
    p.set_defaults(func=cmd_up)
    p = sub.add_parser('down', help='stop a topology (its holder runs net.stop()) and sweep leftovers')
    p.add_argument('spec', help='spec file, preset name or prefix')
    p.add_argument('--timeout', type=float, default=30.0)
    p.set_defaults(func=cmd_down)
    p = sub.add_parser('status', help='what is up (exit 0 if up, 3 if not)')
    p.add_argument('spec', nargs='?')
    p.add_argument('--json', action='store_true')
    p.set_defaults(func=cmd_status)
    p = sub.add_parser('exec', help='run a command in a host of a topology that is up')
    p.add_argument('spec')
    p.add_argument('host')
    p.add_argument('command', nargs=argparse.REMAINDER, help='a shell string, or argv after --')
    p.set_defaults(func=cmd_exec)
    p = sub.add_parser('netcfg', help='print the controller netcfg JSON of a spec')
    p.add_argument('spec')
    p.add_argument('-o', '--output')
    p.set_defaults(func=cmd_netcfg)
    p = sub.add_parser('validate', help='check specs (exit 2 on the first invalid one)')
    p.add_argument('spec', nargs='+')
    p.set_defaults(func=cmd_validate)
    p = sub.add_parser('describe', help='print the resolved topology (ports, MACs, routes, VIPs)')
    p.add_argument('spec')
    p.set_defaults(func=cmd_describe)
    p = sub.add_parser('flows', help='flows of a switch of a topology that is up')
    p.add_argument('spec')
    p.add_argument('switch')
    p.set_defaults(func=cmd_flows)
    p = sub.add_parser('fw', help='firewall counters and conntrack sizes of a topology that is up')
    p.add_argument('spec')
    p.add_argument('firewall', nargs='?')
    p.set_defaults(func=cmd_fw)
    p = sub.add_parser('presets', help='list the presets')
    p.set_defaults(func=cmd_presets)
    p = sub.add_parser('cleanup', help='stop every topology and remove what the harness owns')
    p.add_argument('--prefix', action='append')
    p.add_argument('--quiet', action='store_true')
    p.add_argument('--timeout', type=float, default=30.0)
    p.set_defaults(func=cmd_cleanup)
    p = sub.add_parser('_hold')
    p.add_argument('spec')
    p.add_argument('--controller', default='spec')
    p.add_argument('--wait-connected', type=float, default=0.0)
    p.add_argument('--no-services', action='store_true')
    p.set_defaults(func=cmd_hold)
    a = ap.parse_args(argv)
    try:
        return a.func(a) or 0
    except SpecError as e:
        print('spec error: %s' % e, file=sys.stderr)
        return 2
    except NetError as e:
        print('error: %s' % e, file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
