"""fwlbnet: Mininet harness of the fwlb project (Debian /usr/bin/python3, Mininet 2.3, OVS userspace).

One declarative spec (YAML or JSON) builds a topology and produces the controller's netcfg.

    import fwlbnet
    spec = fwlbnet.load_spec('fig1')                 # a preset name or a file path
    cfg = fwlbnet.build_netcfg(spec)                 # dict, docs/DESIGN.md netcfg schema
    with fwlbnet.Net(spec, controller=('127.0.0.1', 6653), wait_connected=30) as net:
        r = net.ab('c1', 'http://10.0.2.21/', n=300, concurrency=8)
        assert r.ok, r.output

See mininet-topos/README.md for the spec format, the API and the command line.
"""
from .spec import SpecError, Spec, load_spec, parse_spec, list_presets, resolve_path  # noqa: F401
from .netcfg import build_netcfg, netcfg_json  # noqa: F401
from .tools import LoadResult, PingResult, TransferResult, percentile  # noqa: F401
from .net import (Net, Attached, attach, NetError, HostHandle, Topology, Transfer, PacedTransfer,  # noqa: F401
                  cleanup_prefix, read_state, STATE_DIR)

__all__ = ['SpecError', 'Spec', 'load_spec', 'parse_spec', 'list_presets', 'resolve_path',
           'build_netcfg', 'netcfg_json', 'LoadResult', 'PingResult', 'TransferResult', 'percentile',
           'Net', 'Attached', 'attach', 'NetError', 'HostHandle', 'Topology', 'Transfer', 'PacedTransfer',
           'cleanup_prefix', 'read_state', 'STATE_DIR']
