#!/usr/bin/env python3
"""Summarizes a JFR recording of a benchmark: hot methods of the measuring thread and where it allocates.

usage: bench/jfr-top.py RECORDING.jfr [--top 15] [--thread jmh-worker] [--depth 64]

Prints, for the JMH worker thread's execution samples (jdk.ExecutionSample):
  self   the method on top of the stack (where the CPU is), share of samples
  total  every method on the stack, each counted once per sample (inclusive share)
and for its allocation samples (jdk.ObjectAllocationSample, weighted by the bytes they stand for):
  the allocating method (top frame) and the class allocated.
Needs `jfr` (the JDK's) on the PATH.
"""
import argparse
import collections
import json
import subprocess
import sys


def events(path, kind, depth):
    out = subprocess.run(['jfr', 'print', '--json', '--stack-depth', str(depth), '--events', kind, path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)['recording']['events']


def frame_name(f):
    m = f['method']
    cls = m['type']['name'].replace('/', '.')
    return '%s.%s' % (cls, m['name'])


def thread_of(values):
    t = values.get('sampledThread') or values.get('eventThread') or {}
    return t.get('javaName') or t.get('osName') or ''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('recording')
    ap.add_argument('--top', type=int, default=15)
    ap.add_argument('--thread', default='jmh-worker')
    ap.add_argument('--depth', type=int, default=64)
    a = ap.parse_args()

    samples = [e['values'] for e in events(a.recording, 'jdk.ExecutionSample', a.depth)
               if a.thread in thread_of(e['values'])]
    n = len(samples)
    if not n:
        sys.exit('no execution samples of a thread named *%s*' % a.thread)
    self_c = collections.Counter()
    total_c = collections.Counter()
    for s in samples:
        frames = [frame_name(f) for f in (s.get('stackTrace') or {}).get('frames', [])]
        if not frames:
            continue
        self_c[frames[0]] += 1
        for m in set(frames):
            total_c[m] += 1
    print('%d execution samples of the measuring thread' % n)
    print()
    print('top %d methods by self time (share of samples)' % a.top)
    for m, c in self_c.most_common(a.top):
        print('  %5.1f %%  %s' % (100.0 * c / n, m))
    print()
    print('top %d methods by total time (on the stack; benchmark and JMH frames left out)' % a.top)
    shown = 0
    for m, c in total_c.most_common():
        if '.jmh_generated.' in m or m.startswith('java.lang.Thread.') or 'concurrent.ThreadPoolExecutor' in m \
                or 'concurrent.FutureTask' in m or 'concurrent.Executors' in m or 'reflect' in m \
                or m.startswith('org.openjdk.jmh'):
            continue
        print('  %5.1f %%  %s' % (100.0 * c / n, m))
        shown += 1
        if shown == a.top:
            break

    allocs = [e['values'] for e in events(a.recording, 'jdk.ObjectAllocationSample', 8)
              if a.thread in thread_of(e['values'])]
    if allocs:
        by_site = collections.Counter()
        by_class = collections.Counter()
        total = 0
        for v in allocs:
            w = v.get('weight', 0)
            total += w
            frames = (v.get('stackTrace') or {}).get('frames', [])
            site = frame_name(frames[0]) if frames else '?'
            by_site[site] += w
            by_class[v['objectClass']['name'].replace('/', '.')] += w
        print()
        print('allocation by site (share of the sampled bytes)')
        for m, w in by_site.most_common(a.top):
            print('  %5.1f %%  %s' % (100.0 * w / total, m))
        print()
        print('allocation by class')
        for m, w in by_class.most_common(a.top):
            print('  %5.1f %%  %s' % (100.0 * w / total, m))


if __name__ == '__main__':
    main()
