#!/usr/bin/env python3
"""Honest-test guard for the Java modules (`make unit`, `make test`).

Sums target/surefire-reports/TEST-*.xml and target/failsafe-reports/TEST-*.xml (integration tests,
run after packaging) over the reactor modules and fails unless
  - every module that has test sources (src/test/java/**/*.java) executed at least one test
    (executed = run - skipped: a module whose tests are all @Disabled counts as 0), and
  - the total executed is > 0, and
  - nothing failed or errored.
Surefire's failIfNoTests (root pom, profile has-tests) already stops a module that runs 0 tests;
this check also catches a module whose tests never ran at all (build stopped before it, reports
missing) and is what produces the counts for the `N passed, N failed` summary.

usage: check-tests.py [--root DIR] [--counts FILE]
--counts FILE receives "PASSED FAILED" (guard violations count as one failure each).
"""
import argparse
import glob
import os
import sys
import xml.etree.ElementTree as ET


def modules(root):
    """Reactor module directories (any depth, skipping target/ and build/ trees), root excluded."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ('target', 'build', 'node_modules') and not d.startswith('.')]
        if 'pom.xml' in filenames and os.path.abspath(dirpath) != os.path.abspath(root):
            out.append(dirpath)
    return sorted(out)


def has_test_sources(mod):
    return bool(glob.glob(os.path.join(mod, 'src', 'test', 'java', '**', '*.java'), recursive=True))


def report_counts(mod):
    """(tests, failures, errors, skipped, number of report files) from the module's Surefire reports."""
    t = f = e = s = 0
    files = (glob.glob(os.path.join(mod, 'target', 'surefire-reports', 'TEST-*.xml'))
             + glob.glob(os.path.join(mod, 'target', 'failsafe-reports', 'TEST-*.xml')))
    for path in files:
        try:
            r = ET.parse(path).getroot()
        except ET.ParseError as ex:
            raise SystemExit('check-tests: unreadable report %s: %s' % (path, ex))
        suites = [r] if r.tag == 'testsuite' else r.findall('testsuite')
        for su in suites:
            t += int(su.get('tests', 0))
            f += int(su.get('failures', 0))
            e += int(su.get('errors', 0))
            s += int(su.get('skipped', 0))
    return t, f, e, s, len(files)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    ap.add_argument('--counts')
    a = ap.parse_args()
    root = os.path.abspath(a.root)

    total_pass = total_fail = total_exec = 0
    problems = []
    print('%-24s %6s %6s %6s %6s %6s' % ('module', 'run', 'pass', 'fail', 'error', 'skip'))
    for mod in modules(root):
        name = os.path.relpath(mod, root)
        t, f, e, s, n = report_counts(mod)
        needs = has_test_sources(mod)
        if not needs and n == 0:
            print('%-24s %6s' % (name, '-'))
            continue
        executed = t - s
        passed = t - f - e - s
        total_pass += passed
        total_fail += f + e
        total_exec += executed
        print('%-24s %6d %6d %6d %6d %6d' % (name, t, passed, f, e, s))
        if needs and n == 0:
            problems.append('%s has test sources but no Surefire reports: its tests did not run' % name)
        elif needs and executed == 0:
            problems.append('%s has test sources but executed 0 tests' % name)
    if total_exec == 0:
        problems.append('no Java test was executed in the whole build')
    print('%-24s %6s %6d %6d' % ('total', '', total_pass, total_fail))
    for p in problems:
        print('check-tests: FAIL ' + p)
    if a.counts:
        os.makedirs(os.path.dirname(os.path.abspath(a.counts)), exist_ok=True)
        with open(a.counts, 'w') as fh:
            fh.write('%d %d\n' % (total_pass, total_fail + len(problems)))
    ok = not problems and total_fail == 0
    print('check-tests: %s (%d Java tests passed, %d failed)' % ('PASS' if ok else 'FAIL', total_pass, total_fail))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
