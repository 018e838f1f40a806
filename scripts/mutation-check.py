#!/usr/bin/python3
"""Shows that tests which were once weak can fail (issue 11): each mutation breaks one product behaviour in a
scratch worktree and runs the tests that name that behaviour; every one of them must go red. The unmutated
tests are run first in the same worktree and must be green, so a red run means the mutation, not the tree.

Usage: scripts/mutation-check.py [--only NAME,...] [--keep]
Needs: a built ~/.m2 (make package); runs Maven offline. Prints a table; exit 1 if a mutation survives.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))

# name, file, text, replacement, module, tests (each must fail), what the mutation breaks
MUTATIONS = [
    ('static-hash-class-placed', 'app/src/main/java/org/fwlb/engine/PathPlanner.java',
     'if (tc == null || tc.mode() != DispatchMode.PINNED) {', 'if (tc == null) {',
     'fwlb-app', ['SandwichPlacementTest#synOfNoPinnedClassIsIgnored'],
     'a SYN of a static-hash class that reaches the controller is placed (was: the test never called the placer)'),
    ('server-stage-depth', 'cluster-dispatch-app/src/main/java/org/fwlb/dispatch/impl/MemberStatuses.java',
     '.max().orElse(0) + 1;', '.max().orElse(0) + 2;',
     'cluster-dispatch-app', ['DispatchManagerTest', 'DispatchWebResourceTest'],
     "a server's stage in the status view (was: the REST test checked a copy of the manager's code)"),
    ('arp-any-address-answered', 'cluster-dispatch-app/src/main/java/org/fwlb/dispatch/impl/DispatchPackets.java',
     'answers.get(p.arpTargetIp());', 'answers.values().stream().findFirst().orElse(null);',
     'cluster-dispatch-app', ['DispatchPacketsTest#otherAddressesRepliesAndDevicesMasteredElsewhereAreNotAnswered'],
     'a stage answers ARP for any address, not only its VIP (was: assertDoesNotThrow on a catch-all)'),
    ('adoption-reads-wrong-field', 'app/src/main/java/org/fwlb/engine/PathRules.java',
     'IpAddress src = modifiedIp(r, L3ModificationInstruction.L3SubType.IPV4_SRC);',
     'IpAddress src = modifiedIp(r, L3ModificationInstruction.L3SubType.IPV4_DST);',
     'app', ['AdoptionTest'],
     'adoption keys a NAT reply rule by the wrong rewrite (was: rules built and parsed by the same code)'),
]

def sh(cmd, cwd, log):
    with open(log, 'a') as f:
        f.write('$ %s\n' % ' '.join(cmd))
        f.flush()
        return subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT).returncode


def run_tests(tree, module, tests, log):
    """Runs the named tests of a module (building what it needs from this tree); returns {test: failed?}."""
    reports = [os.path.join(tree, module, 'target', d) for d in ('surefire-reports', 'failsafe-reports')]
    for d in reports:
        shutil.rmtree(d, ignore_errors=True)
    its = [t for t in tests if t.split('#')[0].endswith('IT')]
    units = [t for t in tests if t not in its]
    if units:
        # -am builds the modules it needs from this tree; -fn: a test failure must not stop the reports
        sh(['mvn', '-B', '-o', '-q', '-fn', '-pl', module, '-am', '-Dsurefire.failIfNoSpecifiedTests=false',
            '-Dtest=' + ','.join(units), 'test'], tree, log)
    if its:
        # an IT needs the packaged bundles of this tree (package, never install: ~/.m2 is shared)
        sh(['mvn', '-B', '-o', '-q', '-pl', module, '-am', '-DskipTests', 'package'], tree, log)
        sh(['mvn', '-B', '-o', '-q', '-pl', module, '-Dit.test=' + ','.join(its), 'failsafe:integration-test'],
           tree, log)
    result = {}
    for t in tests:
        cls, _, method = t.partition('#')
        files = [f for d in reports for f in glob.glob(os.path.join(d, 'TEST-*.%s.xml' % cls))]
        if not files:
            result[t] = None  # did not run
            continue
        failed = False
        ran = False
        for case in ET.parse(files[0]).getroot().iter('testcase'):
            if method and case.get('name') != method:
                continue
            ran = True
            failed |= any(case.find(k) is not None for k in ('failure', 'error'))
        result[t] = failed if ran else None
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--only', help='mutation names, comma separated')
    ap.add_argument('--keep', action='store_true', help='keep the scratch worktree')
    args = ap.parse_args()
    chosen = [m for m in MUTATIONS if not args.only or m[0] in args.only.split(',')]
    scratch = tempfile.mkdtemp(prefix='fwlb-mutation-')
    tree = os.path.join(scratch, 'tree')
    log = os.path.join(ROOT, 'build', 'mutation-check.log')
    os.makedirs(os.path.dirname(log), exist_ok=True)
    open(log, 'w').close()
    subprocess.run(['git', 'worktree', 'add', '-q', '--detach', tree, 'HEAD'], cwd=ROOT, check=True)
    rows, survived = [], 0
    try:
        for name, path, text, repl, module, tests, what in chosen:
            f = os.path.join(tree, path)
            src = open(f).read()
            if src.count(text) != 1:
                rows.append((name, 'STALE', 'the text to mutate is not in %s exactly once' % path))
                survived += 1
                continue
            base = run_tests(tree, module, tests, log)
            if any(v is None or v for v in base.values()):
                rows.append((name, 'BASELINE', 'unmutated: %s' % base))
                survived += 1
                continue
            open(f, 'w').write(src.replace(text, repl))
            try:
                res = run_tests(tree, module, tests, log)
            finally:
                open(f, 'w').write(src)
            alive = [t for t, v in res.items() if not v]
            survived += bool(alive)
            rows.append((name, 'KILLED' if not alive else 'SURVIVED',
                         what + ('' if not alive else '; still green or not run: %s' % alive)))
            print('%-28s %-9s %s' % rows[-1], flush=True)
    finally:
        if not args.keep:
            subprocess.run(['git', 'worktree', 'remove', '--force', tree], cwd=ROOT)
            shutil.rmtree(scratch, ignore_errors=True)
    print('\nmutation                     result    what it breaks (tests: each must go red)')
    for r in rows:
        print('%-28s %-9s %s' % r)
    print('%d of %d mutations killed; log: %s' % (len(rows) - survived, len(rows), log))
    return 1 if survived else 0


if __name__ == '__main__':
    sys.exit(main())
