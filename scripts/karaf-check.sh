#!/usr/bin/env bash
# -----------------------------------------------------------------------------------------------
# scripts/karaf-check.sh [OAR...]    (`make karaf-check`; part of `make test`)
#
# "Would the .oar files this build produced install into ONOS 2.7?" Runs the shared
# ../shared/tools/karaf-check-bundles.sh (stock Karaf 4.2.9 + ONOS 2.7.0 API features) on every .oar
# under */target/, after making sure the artifacts checked are the ones this build just made:
#   1. every module with an app.xml has its target/<artifactId>-<version>.oar;
#   2. every jar inside each .oar's m2/ is byte-identical (sha256) to the module's target/ jar
#      (onos-maven-plugin copies sibling bundles from the local Maven repository: a `mvn package`
#      after an old `mvn install` would otherwise pack stale jars);
#   3. each .oar is self-contained: every org.fwlb package a bundle imports is exported by a bundle
#      of the same .oar, and its features.xml lists exactly the bundles of app.xml;
#   4. Karaf resolves Maven URLs from a dedicated local repository (FWLB_KARAF_M2, default
#      ~/.cache/fwlb/karaf-m2) that never holds org/fwlb artifacts, so only the .oar contents count.
# Each .oar is checked in its own Karaf (a user may install just one app), then both together.
# Exit 0 only if all of that passes. Reports: build/karaf-check/<run>/report.txt + karaf.log.
# Env: FWLB_KARAF_M2, KARAF_CHECK_TOOL (path of karaf-check-bundles.sh), KARAF_CHECK_RUNS
#      ("each together" by default; "together" alone is faster), plus the tool's own env.
# -----------------------------------------------------------------------------------------------
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/.." && pwd))
TOOL=${KARAF_CHECK_TOOL:-$ROOT/../shared/tools/karaf-check-bundles.sh}
M2=${FWLB_KARAF_M2:-$HOME/.cache/fwlb/karaf-m2}
OUT=$ROOT/build/karaf-check
RUNS=${KARAF_CHECK_RUNS:-each together}

die() { echo "karaf-check: ERROR: $*" >&2; exit 1; }

if [ ! -f "$TOOL" ]; then
    die "the ONOS install check tool is missing: $TOOL
  It lives in the shared/ directory that sits beside the repository checkout (CI: ../shared).
  Put shared/ next to $(basename "$ROOT")/ or point KARAF_CHECK_TOOL at karaf-check-bundles.sh."
fi

cd "$ROOT"
# --- 1. which .oar files, and are they all there ----------------------------------------------
OARS=()
if [ $# -gt 0 ]; then
    for a in "$@"; do [ -f "$a" ] || die "no such file: $a"; OARS+=("$(cd "$(dirname "$a")" && pwd)/$(basename "$a")"); done
else
    while IFS= read -r app; do
        mod=$(dirname "$app")
        read -r aid ver < <(python3 - "$mod/pom.xml" "$ROOT/pom.xml" <<'PY'
import sys, xml.etree.ElementTree as E
ns = {'m': 'http://maven.apache.org/POM/4.0.0'}
p = E.parse(sys.argv[1]).getroot()
v = p.findtext('m:version', namespaces=ns) or p.findtext('m:parent/m:version', namespaces=ns)
print(p.findtext('m:artifactId', namespaces=ns), v)
PY
)
        oar=$ROOT/$mod/target/$aid-$ver.oar
        [ -f "$oar" ] || die "$mod has app.xml but $mod/target/$aid-$ver.oar is missing: run 'make build' (mvn install) first"
        OARS+=("$oar")
    done < <(find . -mindepth 2 -maxdepth 2 -name app.xml -not -path './build/*' | sed 's#^\./##' | sort)
    [ ${#OARS[@]} -gt 0 ] || die "no module with an app.xml found under $ROOT"
fi
echo "karaf-check: .oar files: ${OARS[*]#$ROOT/}"

# --- 2 + 3. freshness and self-containment (static) --------------------------------------------
python3 - "$ROOT" "${OARS[@]}" <<'PY'
import hashlib, os, re, sys, zipfile, xml.etree.ElementTree as E
root, oars = sys.argv[1], sys.argv[2:]
bad = []
def sha(b): return hashlib.sha256(b).hexdigest()
def manifest(data):
    import io
    z = zipfile.ZipFile(io.BytesIO(data))
    raw = z.read('META-INF/MANIFEST.MF').decode('utf-8', 'replace').replace('\r\n', '\n').replace('\n ', '')
    return {k.strip(): v.strip() for k, v in (l.split(':', 1) for l in raw.split('\n') if ':' in l)}
def clauses(s):
    out, cur, q = [], '', False
    for ch in s or '':
        if ch == '"': q = not q
        if ch == ',' and not q: out.append(cur.strip()); cur = ''
        else: cur += ch
    if cur.strip(): out.append(cur.strip())
    return [c.split(';')[0].strip() for c in out]
# target jars of the reactor modules, by file name
targets = {}
for d in sorted(os.listdir(root)):
    t = os.path.join(root, d, 'target')
    if os.path.isdir(t):
        for f in os.listdir(t):
            if f.endswith('.jar'): targets.setdefault(f, []).append(os.path.join(t, f))
for oar in oars:
    name = os.path.relpath(oar, root)
    z = zipfile.ZipFile(oar)
    jars = [n for n in z.namelist() if n.startswith('m2/') and n.endswith('.jar')]
    if not jars: bad.append('%s: no bundle under m2/' % name)
    exports, imports = set(), {}
    for n in jars:
        data = z.read(n); f = os.path.basename(n)
        cands = targets.get(f, [])
        if n.startswith('m2/org/fwlb/') and not cands:
            bad.append('%s: %s has no freshly built counterpart (no */target/%s): module not built in this tree?' % (name, n, f))
        elif len(cands) > 1:
            bad.append('%s: %s matches several target jars: %s' % (name, f, cands))
        elif cands:
            if sha(data) != sha(open(cands[0], 'rb').read()):
                bad.append('%s: STALE %s differs from %s (sha256) - the .oar packed an old jar from the '
                           'local Maven repository; rebuild with `mvn install`' % (name, n, os.path.relpath(cands[0], root)))
            else:
                print('karaf-check: %s: %s == %s' % (name, f, os.path.relpath(cands[0], root)))
        m = manifest(data)
        exports.update(clauses(m.get('Export-Package')))
        for p in clauses(m.get('Import-Package')): imports.setdefault(p, []).append(f)
        if m.get('Web-ContextPath'):
            # pax-web reports a WAB "Deployed" even when a class its web.xml names is missing (the
            # servlet only fails on first use): every class named there must be in the bundle or imported
            import io
            jz = zipfile.ZipFile(io.BytesIO(data))
            if 'WEB-INF/web.xml' not in jz.namelist():
                bad.append('%s: %s has Web-ContextPath but no WEB-INF/web.xml' % (name, f)); continue
            wx = E.fromstring(jz.read('WEB-INF/web.xml'))
            strip = lambda t: t.split('}')[-1]
            named = []
            for el in wx.iter():
                if strip(el.tag) in ('servlet-class', 'filter-class', 'listener-class'):
                    named.append(el.text.strip())
                if strip(el.tag) == 'init-param':
                    kv = {strip(c.tag): (c.text or '').strip() for c in el}
                    if kv.get('param-name') == 'javax.ws.rs.Application':
                        named.append(kv.get('param-value', ''))
            cp = [c.strip().rstrip('/') for c in (m.get('Bundle-ClassPath') or '.').split(',')]
            own = set(jz.namelist())
            for cls in named:
                rel = cls.replace('.', '/') + '.class'
                inside = any((rel if c == '.' else c + '/' + rel) in own for c in cp)
                pkg = cls.rsplit('.', 1)[0]
                if not inside and pkg not in clauses(m.get('Import-Package')):
                    bad.append('%s: %s WEB-INF/web.xml names %s, which is neither in the bundle nor imported'
                               % (name, f, cls))
                elif inside:
                    print('karaf-check: %s: %s web.xml class %s present' % (name, f, cls))
    for p, users in sorted(imports.items()):
        if p.startswith('org.fwlb') and p not in exports:
            bad.append('%s: %s imports %s, which no bundle of this .oar exports' % (name, ', '.join(users), p))
    app = E.fromstring(z.read('app.xml'))
    arts = sorted(a.text.strip() for a in app.findall('artifact'))
    repo = app.get('featuresRepo', '')
    m = re.match(r'mvn:([^/]+)/([^/]+)/([^/]+)/xml/features$', repo)
    if not m:
        bad.append('%s: app.xml featuresRepo %r is not mvn:g/a/v/xml/features' % (name, repo)); continue
    g, a, v = m.groups()
    fx = 'm2/%s/%s/%s/%s-%s-features.xml' % (g.replace('.', '/'), a, v, a, v)
    if fx not in z.namelist():
        bad.append('%s: features file %s missing' % (name, fx)); continue
    feats = E.fromstring(z.read(fx))
    want = set((app.get('features') or '').split(','))
    bundles = sorted(b.text.strip() for f in feats.iter() if f.tag.endswith('feature') and f.get('name') in want
                     for b in f if b.tag.endswith('bundle'))
    if bundles != arts:
        bad.append('%s: features %s install %s but app.xml ships %s' % (name, sorted(want), bundles, arts))
    for a in arts:
        gg, aa, vv = a[4:].split('/')[:3]
        if 'm2/%s/%s/%s/%s-%s.jar' % (gg.replace('.', '/'), aa, vv, aa, vv) not in z.namelist():
            bad.append('%s: app.xml artifact %s is not inside the .oar' % (name, a))
for b in bad: print('karaf-check: FAIL ' + b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# --- 4. the container check, with a Maven repository free of fwlb artifacts ---------------------
mkdir -p "$M2" "$OUT"
rm -rf "$M2/org/fwlb"
run() {   # run NAME OAR...
    local name=$1; shift
    echo "karaf-check: === $name: $(for o in "$@"; do basename "$o"; done | tr '\n' ' ')"
    set +e
    M2_LOCAL=$M2 RESULTS_DIR=$OUT/$name bash "$TOOL" "$@"
    local rc=$?
    set -e
    [ ! -d "$M2/org/fwlb" ] || { echo "karaf-check: $M2/org/fwlb appeared during the run" >&2; rm -rf "$M2/org/fwlb"; rc=1; }
    echo "karaf-check: === $name: exit $rc"
    return $rc
}
fail=0
for r in $RUNS; do
    case $r in
        each)     for o in "${OARS[@]}"; do run "$(basename "$o" .oar)" "$o" || fail=1; done ;;
        together) [ ${#OARS[@]} -lt 2 ] || run all-apps "${OARS[@]}" || fail=1 ;;
        *)        die "unknown KARAF_CHECK_RUNS entry: $r (each|together)" ;;
    esac
done
if [ $fail = 0 ]; then echo "karaf-check: PASS (${#OARS[@]} .oar files; reports in ${OUT#$ROOT/}/)"
else echo "karaf-check: FAIL (reports in ${OUT#$ROOT/}/)"; fi
exit $fail
