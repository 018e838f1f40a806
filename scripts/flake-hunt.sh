#!/usr/bin/env bash
# -----------------------------------------------------------------------------------------------
# scripts/flake-hunt.sh [options]        (`make flake-hunt FLAKE_ARGS="..."`)
#
# Runs tests again and again, each run in a fresh JVM / a fresh pytest process, and counts per test
# how often it failed: every Java test module N times (mvn -B -o test, one Maven run per module and
# repetition), every end-to-end suite M times (/usr/bin/python3 -m pytest, one run per suite file and
# repetition, under the machine's e2e lock). Prints a table "test id, runs, failures" (failing tests
# first) and totals; writes build/flake-hunt/report.txt and report.json; keeps the reports and logs of
# every failing run under build/flake-hunt/runs/. Exit 1 if any run failed, 2 on usage errors.
#
#   -n N               Java module repetitions (default 10)
#   -m M               e2e suite repetitions (default 3)
#   --modules a,b      Java modules (directory names, e.g. app,runtime)
#   --classes X,Y      Java test classes (simple or fully qualified names; Class#method works), each
#                      run --class-runs times on its own (for the classes that flaked)
#   --class-runs K     default 30
#   --suites f,g       e2e suites: test files or directories (e.g. tests/e2e/test_sandwich.py)
#   --no-java / --no-e2e
#   --timeout S        per run (default 1800)
#   --out DIR          default build/flake-hunt
# Scope: with none of --modules/--classes/--suites, everything runs: every reactor module with
# src/test/java, every test_*.py in mininet-topos/tests and tests/e2e (directories that exist). Naming
# any of them runs only what is named.
#
# Java: `mvn -B -o -fn -pl <module> -am -Dtest=<the module's test classes>
#       -Dsurefire.failIfNoSpecifiedTests=false test` — -am builds the modules it depends on from this
# tree (not stale ~/.m2 copies) without running their tests; the root pom pins failIfNoSpecifiedTests,
# so the upstream modules "fail" for running no test, and -fn lets the build go on to the module under
# test. Failures are read from its target/surefire-reports after each run (cleared before); a run that
# leaves no report, or whose module build failed without a failed test, counts as a failure of
# "<module>:(build)". Failsafe ITs (*IT) are not run. Uses whatever ~/.m2 holds (offline, no install).
# E2E: `/usr/bin/python3 -m pytest --junitxml=...` per suite and repetition, holding the machine's
# e2e lock for that run only (flock(2) on FWLB_E2E_LOCK, default /tmp/fwlb-e2e.lock, the lock
# flock(1) takes; FWLB_E2E_LOCK=none: no lock, for suites that build no network). Under
# `flock /tmp/fwlb-e2e.lock scripts/flake-hunt.sh ...` it is not taken again. A run without a report
# counts as a failure of "<suite>::(run)". E2E suites use what is built (`make package`).
# -----------------------------------------------------------------------------------------------
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
exec "$PY" - "$ROOT" "$@" <<'PYEOF'
import argparse
import fcntl
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

ROOT = sys.argv[1]
ARGV = sys.argv[2:]
SUREFIRE_INCLUDES = (re.compile(r'^Test.*'), re.compile(r'.*Test$'), re.compile(r'.*Tests$'),
                     re.compile(r'.*TestCase$'))
E2E_DIRS = ('mininet-topos/tests', 'tests/e2e')
E2E_PY = '/usr/bin/python3'


def usage_error(msg):
    print('flake-hunt: ' + msg, file=sys.stderr)
    sys.exit(2)


def csv(s):
    return [x.strip() for x in s.split(',') if x.strip()]


def parse_args():
    ap = argparse.ArgumentParser(prog='scripts/flake-hunt.sh', add_help=True,
                                 description='Run tests repeatedly and count failures per test '
                                 '(details: the header of scripts/flake-hunt.sh).')
    ap.add_argument('-n', type=int, default=10, help='Java module repetitions (default 10)')
    ap.add_argument('-m', type=int, default=3, help='e2e suite repetitions (default 3)')
    ap.add_argument('--modules', type=csv, default=None)
    ap.add_argument('--classes', type=csv, default=None)
    ap.add_argument('--class-runs', type=int, default=30)
    ap.add_argument('--suites', type=csv, default=None)
    ap.add_argument('--no-java', action='store_true')
    ap.add_argument('--no-e2e', action='store_true')
    ap.add_argument('--timeout', type=int, default=1800)
    ap.add_argument('--out', default=os.path.join(ROOT, 'build', 'flake-hunt'))
    a = ap.parse_args(ARGV)
    if a.n < 0 or a.m < 0 or a.class_runs < 0:
        usage_error('-n, -m and --class-runs must be >= 0')
    return a


# ---- discovery ----------------------------------------------------------------------------------

def reactor_modules():
    """Module directories listed in the root pom (in order)."""
    try:
        text = open(os.path.join(ROOT, 'pom.xml')).read()
    except OSError:
        return []
    return re.findall(r'<module>\s*([^<\s]+)\s*</module>', text)


def test_classes(module):
    """Fully qualified names of the module's test classes, as Surefire's default includes pick them."""
    base = os.path.join(ROOT, module, 'src', 'test', 'java')
    out = []
    for path in sorted(glob.glob(os.path.join(base, '**', '*.java'), recursive=True)):
        name = os.path.basename(path)[:-5]
        if any(p.match(name) for p in SUREFIRE_INCLUDES):
            out.append(os.path.relpath(path, base)[:-5].replace(os.sep, '.'))
    return out


def artifact_id(module):
    try:
        text = open(os.path.join(ROOT, module, 'pom.xml')).read()
    except OSError:
        return module
    text = re.sub(r'<parent>.*?</parent>', '', text, flags=re.S)
    m = re.search(r'<artifactId>\s*([^<\s]+)\s*</artifactId>', text)
    return m.group(1) if m else module


def find_class(name):
    """(module, -Dtest pattern, display name) for a class given as simple or qualified name."""
    cls, _, method = name.partition('#')
    hits = []
    for mod in reactor_modules():
        for fq in test_classes_all(mod):
            if fq == cls or fq.rsplit('.', 1)[-1] == cls:
                hits.append((mod, fq))
    if not hits:
        usage_error('test class %s not found under */src/test/java' % cls)
    if len(hits) > 1:
        usage_error('test class %s is ambiguous: %s (give the qualified name)'
                    % (cls, ', '.join('%s in %s' % (fq, m) for m, fq in hits)))
    mod, fq = hits[0]
    return mod, fq + ('#' + method if method else ''), fq


def test_classes_all(module):
    base = os.path.join(ROOT, module, 'src', 'test', 'java')
    return [os.path.relpath(p, base)[:-5].replace(os.sep, '.')
            for p in glob.glob(os.path.join(base, '**', '*.java'), recursive=True)]


def e2e_suites():
    out = []
    for d in E2E_DIRS:
        if os.path.isdir(os.path.join(ROOT, d)):
            out += sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, d, 'test_*.py')))
    return out


# ---- bookkeeping --------------------------------------------------------------------------------

class Tally:
    def __init__(self):
        self.tests = {}          # id -> {'runs', 'failures', 'skipped', 'kind', 'messages'}
        self.runs = []           # one dict per invocation

    def add(self, tid, kind, failed=False, skipped=False, message=''):
        t = self.tests.setdefault(tid, {'runs': 0, 'failures': 0, 'skipped': 0, 'kind': kind, 'messages': []})
        if skipped:
            t['skipped'] += 1
            return
        t['runs'] += 1
        if failed:
            t['failures'] += 1
            if message and len(t['messages']) < 3:
                t['messages'].append(message[:300])


def junit_cases(path):
    """[(classname, name, outcome, message)] with outcome passed|failed|skipped."""
    root = ET.parse(path).getroot()
    out = []
    for tc in root.iter('testcase'):
        outcome, msg = 'passed', ''
        for child in tc:
            if child.tag in ('failure', 'error'):
                outcome = 'failed'
                msg = (child.get('message') or child.get('type') or child.tag).strip().split('\n')[0]
                break
            if child.tag == 'skipped':
                outcome = 'skipped'
        out.append((tc.get('classname', ''), tc.get('name', ''), outcome, msg))
    return out


def run_logged(argv, log, timeout, cwd=ROOT):
    """Run argv (own process group), output to log; returns exit code (124 on timeout)."""
    with open(log, 'wb') as f:
        p = subprocess.Popen(argv, cwd=cwd, stdout=f, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        try:
            return p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            stop_group(p)
            return 124
        except BaseException:           # interrupted (Ctrl-C, SIGTERM): the run goes with us
            stop_group(p)
            raise


def stop_group(p):
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(p.pid, sig)
        except OSError:
            pass
        try:
            p.wait(grace)
            return
        except subprocess.TimeoutExpired:
            pass


def keep(src_files, dest):
    os.makedirs(dest, exist_ok=True)
    for f in src_files:
        if os.path.isdir(f):
            shutil.copytree(f, os.path.join(dest, os.path.basename(f)), dirs_exist_ok=True)
        elif os.path.exists(f):
            shutil.copy2(f, dest)


def shown(path):
    rel = os.path.relpath(path, ROOT)
    return path if rel.startswith('..') else rel


def slug(s):
    return re.sub(r'[^A-Za-z0-9_.-]+', '_', s)[-120:]


# ---- Java ---------------------------------------------------------------------------------------

def java_run(tally, module, test_arg, label, runs, i, args):
    reports = os.path.join(ROOT, module, 'target', 'surefire-reports')
    shutil.rmtree(reports, ignore_errors=True)
    work = os.path.join(args.out, 'work')
    os.makedirs(work, exist_ok=True)
    log = os.path.join(work, 'mvn.log')
    argv = [os.environ.get('MVN') or 'mvn', '-B', '-o', '--no-transfer-progress', '-Dstyle.color=never', '-fn', '-pl', module, '-am',
            '-Dtest=' + test_arg, '-Dsurefire.failIfNoSpecifiedTests=false', 'test']
    extra = os.environ.get('MVN_ARGS', '').split()
    argv[1:1] = extra
    t0 = time.time()
    rc = run_logged(argv, log, args.timeout)
    secs = time.time() - t0
    files = sorted(glob.glob(os.path.join(reports, 'TEST-*.xml')))
    failed = 0
    executed = 0
    for f in files:
        try:
            cases = junit_cases(f)
        except ET.ParseError as e:
            tally.add('%s:(report %s)' % (module, os.path.basename(f)), 'java', True, message='unreadable: %s' % e)
            failed += 1
            continue
        for cls, name, outcome, msg in cases:
            tally.add('%s:%s#%s' % (module, cls, name), 'java', outcome == 'failed', outcome == 'skipped', msg)
            executed += outcome != 'skipped'
            failed += outcome == 'failed'
    logtext = open(log, errors='replace').read()
    aid = artifact_id(module)
    build_failed = re.search(r'Failed to execute goal .* on project %s:' % re.escape(aid), logtext) is not None
    problem = ''
    if rc == 124:
        problem = 'timed out after %ds' % args.timeout
    elif not files or executed == 0:
        problem = 'no test executed (mvn exit %d)' % rc
    elif build_failed and failed == 0:
        m = re.search(r'Failed to execute goal .* on project %s: ([^\n]*)' % re.escape(aid), logtext)
        problem = 'build failed: ' + (m.group(1)[:200] if m else '?')
    if problem:
        tally.add('%s:(build)' % module, 'java', True, message=problem)
        failed += 1
    else:
        tally.add('%s:(build)' % module, 'java', False)
    status = 'ok' if not failed else 'FAILED (%d)' % failed
    print('[flake-hunt] java %-40s run %d/%d: %d tests, %s, %.0fs%s'
          % (label, i, runs, executed, status, secs, (' - ' + problem) if problem else ''), flush=True)
    run = {'kind': 'java', 'target': label, 'run': i, 'tests': executed, 'failures': failed,
           'seconds': round(secs, 1), 'exit': rc, 'problem': problem}
    if failed:
        dest = os.path.join(args.out, 'runs', '%s-%d' % (slug(label), i))
        keep([reports, log], dest)
        run['kept'] = shown(dest)
    tally.runs.append(run)


# ---- e2e ----------------------------------------------------------------------------------------

def lock_held_by_ancestor(path):
    """True when a process among our ancestors holds a flock on `path` (we run under `flock path`)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    ancestors = set()
    pid = os.getpid()
    while pid > 1:
        ancestors.add(pid)
        try:
            with open('/proc/%d/stat' % pid) as f:
                pid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    want = '%02x:%02x:%d' % (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    try:
        with open('/proc/locks') as f:
            for line in f:
                w = line.split()
                if len(w) >= 6 and w[1] == 'FLOCK':
                    holder, dev_ino = int(w[4]), w[5]
                    maj, mn, ino = dev_ino.split(':')
                    if '%02x:%02x:%d' % (int(maj, 16), int(mn, 16), int(ino)) == want and holder in ancestors:
                        return True
    except OSError:
        pass
    return False


def e2e_case_id(suite, classname, name):
    if suite.endswith('.py'):
        stem = os.path.basename(suite)[:-3]
        parts = classname.split('.')
        if stem in parts:
            rest = parts[parts.index(stem) + 1:]
            return '::'.join([suite] + rest + [name])
    return '%s::%s::%s' % (suite, classname, name)


def e2e_run(tally, suite, runs, i, args, lock):
    work = os.path.join(args.out, 'work')
    os.makedirs(work, exist_ok=True)
    xml = os.path.join(work, 'junit.xml')
    log = os.path.join(work, 'pytest.log')
    if os.path.exists(xml):
        os.unlink(xml)
    argv = [E2E_PY, '-m', 'pytest', '-p', 'no:cacheprovider', '-o', 'junit_family=xunit2',
            '--junitxml=' + xml, '-q', '-rfE', suite]
    fd = None
    if lock:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)        # flock(1)'s lock, not inherited
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print('[flake-hunt] waiting for %s ...' % lock, flush=True)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
    try:
        t0 = time.time()
        rc = run_logged(argv, log, args.timeout)       # SIGTERM (pytest stops its networks), then KILL
        secs = time.time() - t0
    finally:
        if fd is not None:
            os.close(fd)
    failed = executed = 0
    problem = ''
    if os.path.exists(xml) and os.path.getsize(xml) > 0:
        try:
            for cls, name, outcome, msg in junit_cases(xml):
                tally.add(e2e_case_id(suite, cls, name), 'e2e', outcome == 'failed', outcome == 'skipped', msg)
                executed += outcome != 'skipped'
                failed += outcome == 'failed'
        except ET.ParseError as e:
            problem = 'unreadable junit report: %s' % e
        if not problem and rc not in (0, 1):
            problem = 'pytest exit %d' % rc
        if not problem and rc == 1 and failed == 0:
            problem = 'pytest exit 1 with no failed test'
        if not problem and executed == 0:
            problem = 'no test executed'
    else:
        problem = 'no junit report (pytest exit %d%s)' % (rc, ', timeout' if rc in (124, 137) else '')
    if problem:
        failed += 1
    tally.add('%s::(run)' % suite, 'e2e', bool(problem), message=problem)
    status = 'ok' if not failed else 'FAILED (%d)' % failed
    print('[flake-hunt] e2e  %-40s run %d/%d: %d tests, %s, %.0fs%s'
          % (suite, i, runs, executed, status, secs, (' - ' + problem) if problem else ''), flush=True)
    run = {'kind': 'e2e', 'target': suite, 'run': i, 'tests': executed, 'failures': failed,
           'seconds': round(secs, 1), 'exit': rc, 'problem': problem}
    if failed:
        dest = os.path.join(args.out, 'runs', '%s-%d' % (slug(suite), i))
        keep([xml, log], dest)
        run['kept'] = shown(dest)
    tally.runs.append(run)


# ---- report -------------------------------------------------------------------------------------

def report(tally, args, plan, started):
    rows = sorted(tally.tests.items(), key=lambda kv: (-kv[1]['failures'], kv[0]))
    width = min(110, max([len('test id')] + [len(k) for k, _ in rows]))
    lines = ['%-*s %6s %9s' % (width, 'test id', 'runs', 'failures')]
    for tid, t in rows:
        note = ''
        if t['failures'] and t['failures'] == t['runs']:
            note = '  always fails'
        elif t['failures']:
            note = '  FLAKY'
        if t['skipped']:
            note += '  (%d skipped)' % t['skipped']
        lines.append('%-*s %6d %9d%s' % (width, tid, t['runs'], t['failures'], note))
    real = {k: v for k, v in tally.tests.items() if not k.endswith(('(build)', '(run)'))}
    failing = [k for k, v in tally.tests.items() if v['failures']]
    flaky = [k for k, v in tally.tests.items() if 0 < v['failures'] < v['runs']]
    totals = {
        'invocations': len(tally.runs),
        'failedInvocations': sum(1 for r in tally.runs if r['failures']),
        'tests': len(real),
        'testExecutions': sum(v['runs'] for v in real.values()),
        'testFailures': sum(v['failures'] for v in real.values()),
        'runProblems': sum(v['failures'] for k, v in tally.tests.items() if k.endswith(('(build)', '(run)'))),
        'failingTests': len(failing),
        'flakyTests': len(flaky),
        'seconds': round(time.time() - started, 1),
    }
    lines.append('')
    lines.append('totals: %(invocations)d runs (%(failedInvocations)d with failures), %(tests)d tests, '
                 '%(testExecutions)d test executions, %(testFailures)d test failures, %(runProblems)d run '
                 'problems (build/no report/timeout); %(failingTests)d ids failed at least once, '
                 '%(flakyTests)d flaky (failed some runs, passed others); %(seconds).0f s' % totals)
    text = '\n'.join(lines) + '\n'
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'report.txt'), 'w') as f:
        f.write('flake-hunt %s\nplan: %s\n\n' % (time.strftime('%Y-%m-%d %H:%M:%S'), plan) + text)
    doc = {'plan': plan, 'totals': totals, 'runs': tally.runs,
           'tests': {k: v for k, v in sorted(tally.tests.items())}}
    with open(os.path.join(args.out, 'report.json'), 'w') as f:
        json.dump(doc, f, indent=1)
    print()
    print(text, end='')
    shutil.rmtree(os.path.join(args.out, 'work'), ignore_errors=True)
    print('[flake-hunt] report: %s, %s' % (shown(os.path.join(args.out, 'report.txt')),
                                         shown(os.path.join(args.out, 'report.json'))))
    return totals


def main():
    args = parse_args()
    args.out = os.path.abspath(args.out)
    named = args.modules is not None or args.classes is not None or args.suites is not None
    java_targets = []            # (module, -Dtest, label, runs)
    if not args.no_java:
        mods = args.modules if args.modules is not None else ([] if named else
                                                               [m for m in reactor_modules() if test_classes(m)])
        known = reactor_modules()
        for m in mods:
            if m not in known:
                usage_error('module %s is not in the root pom (modules: %s)' % (m, ', '.join(known)))
            classes = test_classes(m)
            if not classes:
                usage_error('module %s has no test classes' % m)
            java_targets.append((m, ','.join(classes), m, args.n))
        for c in args.classes or []:
            mod, pattern, label = find_class(c)
            java_targets.append((mod, pattern, label if '#' not in c else label + '#' + c.split('#', 1)[1],
                                 args.class_runs))
    suites = []
    if not args.no_e2e:
        suites = args.suites if args.suites is not None else ([] if named else e2e_suites())
        for s in suites:
            if not os.path.exists(os.path.join(ROOT, s)):
                usage_error('suite %s does not exist' % s)
    if not java_targets and not suites:
        usage_error('nothing to run')
    if java_targets and shutil.which(os.environ.get('MVN') or 'mvn') is None:
        usage_error('mvn is not installed')
    lock = os.environ.get('FWLB_E2E_LOCK', '/tmp/fwlb-e2e.lock')
    if lock in ('', 'none'):
        lock = None
    elif suites and lock_held_by_ancestor(lock):
        print('[flake-hunt] running under %s already: not taking it again' % lock)
        lock = None
    plan = {'java': [{'module': m, 'test': t, 'label': l, 'runs': r} for m, t, l, r in java_targets],
            'e2e': [{'suite': s, 'runs': args.m} for s in suites]}
    print('[flake-hunt] %s' % '; '.join(
        ['java %s x%d' % (l, r) for _, _, l, r in java_targets] + ['e2e %s x%d' % (s, args.m) for s in suites]),
        flush=True)
    tally = Tally()
    started = time.time()
    shutil.rmtree(os.path.join(args.out, 'runs'), ignore_errors=True)
    interrupted = False
    try:
        for mod, test_arg, label, runs in java_targets:
            for i in range(1, runs + 1):
                java_run(tally, mod, test_arg, label, runs, i, args)
        for s in suites:
            for i in range(1, args.m + 1):
                e2e_run(tally, s, args.m, i, args, lock)
    except KeyboardInterrupt:
        interrupted = True
        print('\n[flake-hunt] interrupted: report of the runs so far')
    totals = report(tally, args, plan, started)
    bad = totals['testFailures'] + totals['runProblems']
    return 130 if interrupted else (1 if bad else 0)


def _on_term(signum, frame):
    raise KeyboardInterrupt()


signal.signal(signal.SIGTERM, _on_term)
sys.exit(main())
PYEOF
