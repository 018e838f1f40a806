package org.fwlb.bench;

import org.fwlb.connection.impl.DistributedConnectionStore;
import org.fwlb.engine.EngineContext;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.TcpState;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.info.GraphStats;
import org.openjdk.jol.vm.VM;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Field;
import java.util.Locale;

/**
 * The connection table's memory per live connection: {@code live} connections opened through the engine's real
 * SYN path (FIG 1, round robin; {@link SynDecisionBenchmark}'s rig without ending any), then the retained heap of
 * what holds them, walked with JOL (GraphStats: every object reachable from the roots, each counted once):
 * <ul>
 * <li>{@code map}: the ConsistentMap's content (plain: the entry objects and Versioned holders in a
 * ConcurrentHashMap; kryo: what an ONOS map holds, the key's Kryo bytes as a hex string and the value's Kryo
 * bytes);</li>
 * <li>{@code counts}: what the store's instance-local bookkeeping adds, MemberCounts (key to path, per member
 * counts);</li>
 * <li>{@code halfOpen}: what the engine's half-open set adds (EngineContext.openings; in production only connections
 * whose client has not answered yet, here all of them).</li>
 * </ul>
 * Each part counts what it adds to those before it (an object in two parts, e.g. a key in the map and in the
 * counts, once). As a check, the Java heap's used bytes after full GCs before and after filling. Shared objects
 * (member id strings, enums, the application name) are counted once, so they vanish per entry. With
 * {@code --classes N} it also prints the per-class footprint of N connections (GraphLayout), per entry.
 *
 * <p>Run: {@code java -Xmx6g --add-opens ... -cp bench/target/benchmarks.jar org.fwlb.bench.TableFootprint
 * [--store plain|kryo] [--live 1000000] [--classes 20000]} (scripts/bench-decisions.sh runs it with the flags).
 */
public final class TableFootprint {

    /** Bytes and objects of one part of the table (what it adds to the parts before it). */
    static final class Part {
        final String name;
        final long bytes;
        final long objects;

        Part(String name, long bytes, long objects) {
            this.name = name;
            this.bytes = bytes;
            this.objects = objects;
        }

        static Part of(String name, GraphStats with, GraphStats without) {
            return new Part(name, with.totalSize() - (without == null ? 0 : without.totalSize()),
                            with.totalCount() - (without == null ? 0 : without.totalCount()));
        }
    }

    /** The result of one measurement. */
    static final class Result {
        final StoreKind store;
        final int live;
        final Part map;
        final Part counts;
        final Part halfOpen;
        final long heapDelta;

        Result(StoreKind store, int live, Part map, Part counts, Part halfOpen, long heapDelta) {
            this.store = store;
            this.live = live;
            this.map = map;
            this.counts = counts;
            this.halfOpen = halfOpen;
            this.heapDelta = heapDelta;
        }

        double perEntry(Part p) {
            return (double) p.bytes / live;
        }

        /** @return the table proper: the map's content and the store's counts */
        double tablePerEntry() {
            return (double) (map.bytes + counts.bytes) / live;
        }

        String report() {
            return String.format(Locale.ROOT,
                    "connection table, %s store, %,d live connections (FIG 1, opened through the engine):%n"
                            + "  map content          %7.1f B/entry  (%.2f objects/entry)%n"
                            + "  + member counts      %7.1f B/entry  (%.2f objects/entry)%n"
                            + "  = table              %7.1f B/entry%n"
                            + "  + half-open set      %7.1f B/entry  (%.2f objects/entry; engine, until the client "
                            + "answers)%n"
                            + "  heap used delta      %7.1f B/entry  (after full GCs: all the connections retain)%n",
                    store, live, perEntry(map), (double) map.objects / live, perEntry(counts),
                    (double) counts.objects / live, tablePerEntry(), perEntry(halfOpen),
                    (double) halfOpen.objects / live, (double) heapDelta / live);
        }
    }

    private TableFootprint() {
    }

    /**
     * Fills a table and measures it.
     *
     * @param store back end
     * @param live  connections
     * @return result
     */
    static Result measure(StoreKind store, int live) {
        // a small table first: classes loaded, Kryo and the other statics built, before the heap is read
        fill(store, 1_000);
        long before = usedAfterGc();
        Filled f = fill(store, live);
        long after = usedAfterGc();
        // each part is what it adds to the ones before: objects shared (a key in the map and in the counts) once
        GraphStats map = GraphStats.parseInstance(f.map());
        GraphStats table = GraphStats.parseInstance(f.map(), f.counts());
        GraphStats all = GraphStats.parseInstance(f.map(), f.counts(), f.openings());
        Result r = new Result(store, live, Part.of("map", map, null), Part.of("counts", table, map),
                              Part.of("halfOpen", all, table), after - before);
        if (f.rig.core.connections.size() != live) {
            throw new IllegalStateException("table holds " + f.rig.core.connections.size());
        }
        return r;
    }

    /** A rig with {@code live} connections opened. */
    static final class Filled {
        final EngineRig rig;

        Filled(EngineRig rig) {
            this.rig = rig;
        }

        Object map() {
            return ((InMemoryConsistentMap<?, ?>) rig.core.storage.map(DistributedConnectionStore.MAP_NAME)).raw();
        }

        Object counts() {
            return field(DistributedConnectionStore.class, rig.core.connections, "counts");
        }

        Object openings() {
            return field(EngineContext.class, rig.ctx, "openings");
        }
    }

    /**
     * Opens {@code live} connections through the engine's SYN path and checks each was pinned.
     *
     * @param store back end
     * @param live  connections
     * @return the filled rig
     */
    static Filled fill(StoreKind store, int live) {
        FwlbTopology t = Topologies.withPolicy(1, "round-robin", Math.max(2 * live, 200_000));
        EngineRig rig = new EngineRig(t, store, EngineRig.settings(2 * live, false));
        SynFrame frame = SynFrame.build(BenchSetup.ROUTER_MAC, t.external().get().gatewayMac(), -1, "10.0.2.50", 80);
        org.onosproject.net.DeviceId ext = t.external().get().deviceId();
        for (long n = 0; n < live; n++) {
            rig.punt(ext, SynDecisionBenchmark.ROUTER_PORT, frame.connection(n));
        }
        if (rig.core.connections.size() != live || !rig.failures().isEmpty()
                || rig.core.connections.connections(e -> e.state() != TcpState.OPENING).size() != 0) {
            throw new IllegalStateException("filling failed: " + rig.core.connections.size() + " of " + live
                                                    + ", failures [" + rig.failures() + "]");
        }
        return new Filled(rig);
    }

    private static Object field(Class<?> type, Object owner, String name) {
        try {
            Field f = type.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(owner);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no field " + type.getSimpleName() + "." + name, e);
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /**
     * Prints the per-class footprint of a smaller table, per entry.
     *
     * @param store back end
     * @param n     connections
     * @return the printable table
     */
    static String classes(StoreKind store, int n) {
        Filled f = fill(store, n);
        GraphLayout map = GraphLayout.parseInstance(f.map());
        GraphLayout counts = GraphLayout.parseInstance(f.counts());
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "per-class footprint, %s store, %,d connections, bytes per entry:%n",
                                 store, n));
        append(out, "map content", map, n);
        append(out, "member counts", counts, n);
        return out.toString();
    }

    private static void append(StringBuilder out, String title, GraphLayout g, int n) {
        out.append("  ").append(title).append(String.format(Locale.ROOT, " (%.1f B/entry)%n",
                                                           (double) g.totalSize() / n));
        g.getClassSizes().keys().stream()
                .sorted((a, b) -> Long.compare(g.getClassSizes().count(b), g.getClassSizes().count(a)))
                .forEach(c -> {
                    double bytes = (double) g.getClassSizes().count(c) / n;
                    if (bytes >= 0.5) {
                        out.append(String.format(Locale.ROOT, "    %8.1f B %6.2f x  %s%n", bytes,
                                                 (double) g.getClassCounts().count(c) / n, c.getName()));
                    }
                });
    }

    /**
     * Measures and prints.
     *
     * @param args --store plain|kryo (default both), --live N (default 1,000,000), --classes N (default 0: none)
     */
    public static void main(String[] args) {
        StoreKind[] stores = StoreKind.values();
        int live = 1_000_000;
        int classes = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--store":
                    stores = new StoreKind[]{StoreKind.valueOf(args[i + 1])};
                    break;
                case "--live":
                    live = Integer.parseInt(args[i + 1]);
                    break;
                case "--classes":
                    classes = Integer.parseInt(args[i + 1]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        System.out.println(VM.current().details());
        for (StoreKind s : stores) {
            long t0 = System.nanoTime();
            Result r = measure(s, live);
            System.out.print(r.report());
            System.out.printf(Locale.ROOT, "  (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
            if (classes > 0) {
                System.out.print(classes(s, classes));
            }
        }
    }
}
