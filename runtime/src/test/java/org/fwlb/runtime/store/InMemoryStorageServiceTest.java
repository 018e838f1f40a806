package org.fwlb.runtime.store;

import org.junit.jupiter.api.Test;
import org.onlab.util.KryoNamespace;
import org.onosproject.store.LogicalTimestamp;
import org.onosproject.store.serializers.KryoNamespaces;
import org.onosproject.store.service.AtomicCounter;
import org.onosproject.store.service.AtomicValue;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.DistributedSet;
import org.onosproject.store.service.EventuallyConsistentMap;
import org.onosproject.store.service.EventuallyConsistentMapEvent;
import org.onosproject.store.service.MapEvent;
import org.onosproject.store.service.Serializer;
import org.onosproject.store.service.SetEvent;
import org.onosproject.store.service.Versioned;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryStorageServiceTest {

    private static final Serializer API = Serializer.using(KryoNamespaces.API);

    private final StoreBackend backend = new StoreBackend();
    private final InMemoryStorageService storage = new InMemoryStorageService(backend);

    private ConsistentMap<String, Object> map(InMemoryStorageService s) {
        return s.<String, Object>consistentMapBuilder().withName("test-map").withSerializer(API).build();
    }

    @Test
    void versionsGrowAndIdenticalWritesAreNoOps() {
        ConsistentMap<String, Object> m = map(storage);
        List<MapEvent<String, Object>> events = new ArrayList<>();
        m.addListener(events::add);

        assertNull(m.put("a", 1));
        Versioned<Object> v1 = m.get("a");
        assertEquals(1, v1.value());
        Versioned<Object> prev = m.put("a", 1);
        assertEquals(v1.version(), prev.version());
        assertEquals(v1.version(), m.get("a").version(), "same value: no new version");
        m.put("a", 2);
        long v2 = m.get("a").version();
        assertTrue(v2 > v1.version());
        m.put("b", 1);
        assertTrue(m.get("b").version() > v2, "one version counter per map");

        assertEquals(List.of(MapEvent.Type.INSERT, MapEvent.Type.UPDATE, MapEvent.Type.INSERT),
                     events.stream().map(MapEvent::type).toList());
        MapEvent<String, Object> update = events.get(1);
        assertEquals(2, update.newValue().value());
        assertEquals(1, update.oldValue().value());
    }

    @Test
    void conditionalOperations() {
        ConsistentMap<String, Object> m = map(storage);
        assertNull(m.putIfAbsent("k", "x"));
        assertEquals("x", m.putIfAbsent("k", "y").value());
        long version = m.get("k").version();
        assertFalse(m.replace("k", version + 100, "z"));
        assertTrue(m.replace("k", version, "z"));
        assertFalse(m.replace("k", "nope", "w"));
        assertTrue(m.replace("k", "z", "w"));
        assertNull(m.replace("absent", "v"), "replace of an absent key does nothing");
        assertFalse(m.containsKey("absent"));
        assertFalse(m.remove("k", m.get("k").version() + 1));
        assertTrue(m.remove("k", m.get("k").version()));
        assertFalse(m.containsKey("k"));

        assertEquals(5, m.computeIfAbsent("c", k -> 5).value());
        assertEquals(5, m.computeIfAbsent("c", k -> 6).value());
        assertEquals(6, m.computeIfPresent("c", (k, v) -> (Integer) v + 1).value());
        assertNull(m.computeIfPresent("c", (k, v) -> null));
        assertFalse(m.containsKey("c"));
        assertEquals(3, m.getOrDefault("zz", 3).value());
        assertThrows(NullPointerException.class, () -> m.put("n", null));
    }

    @Test
    void unregisteredTypeFailsAsItWouldInOnosAndNothingIsStored() {
        ConsistentMap<String, Object> m = map(storage);
        // List.of is a JDK ImmutableCollections class, not in KryoNamespaces.API
        StoreSerializationException e = assertThrows(StoreSerializationException.class,
                                                     () -> m.put("bad", List.of(1, 2)));
        assertTrue(e.getMessage().contains("consistent map test-map"), e.getMessage());
        assertTrue(e.getMessage().contains("ImmutableCollections"), e.getMessage());
        assertFalse(m.containsKey("bad"));
        // an ArrayList is registered: fine
        m.put("good", new ArrayList<>(List.of(1, 2)));
        assertEquals(List.of(1, 2), m.get("good").value());
    }

    @Test
    void serializationCanBeSwitchedOff() {
        InMemoryStorageService plain = new InMemoryStorageService(new StoreBackend(false));
        ConsistentMap<String, Object> m = map(plain);
        List<Integer> value = List.of(1, 2);
        m.put("ok", value);
        assertEquals(value, m.get("ok").value());
    }

    @Test
    void readsAreCopiesLikeAReplicatedStore() {
        ConsistentMap<String, Object> m = map(storage);
        ArrayList<Integer> list = new ArrayList<>(List.of(1));
        m.put("l", list);
        list.add(2);
        @SuppressWarnings("unchecked")
        List<Integer> read = (List<Integer>) m.get("l").value();
        assertEquals(List.of(1), read, "later mutation of the caller's object does not reach the store");
        assertNotSame(read, m.get("l").value());
    }

    @Test
    void buildersRequireWhatOnosRequires() {
        IllegalStateException noSerializer = assertThrows(IllegalStateException.class,
                () -> storage.consistentMapBuilder().withName("x").build());
        assertTrue(noSerializer.getMessage().contains("withSerializer"));
        assertThrows(IllegalStateException.class, () -> storage.consistentMapBuilder().withSerializer(API).build());
        IllegalStateException noClock = assertThrows(IllegalStateException.class,
                () -> storage.eventuallyConsistentMapBuilder().withName("e")
                        .withSerializer(KryoNamespace.newBuilder().register(KryoNamespaces.API)).build());
        assertTrue(noClock.getMessage().contains("withTimestampProvider"));
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, storage::leaderElectorBuilder);
        assertTrue(u.getMessage().contains("leaderElectorBuilder"));
    }

    @Test
    void instancesOnOneBackendShareDataAndEvents() {
        InMemoryStorageService other = new InMemoryStorageService(backend);
        ConsistentMap<String, Object> a = map(storage);
        ConsistentMap<String, Object> b = map(other);
        List<MapEvent<String, Object>> seenByB = new ArrayList<>();
        b.addListener(seenByB::add);
        a.put("k", "v");
        assertEquals("v", b.get("k").value());
        assertEquals(1, seenByB.size());
        b.remove("k");
        assertNull(a.get("k"));
        assertEquals(MapEvent.Type.REMOVE, seenByB.get(1).type());
        assertEquals("v", seenByB.get(1).oldValue().value());
    }

    @Test
    void eventuallyConsistentMapKeepsTheNewestWrite() {
        AtomicLong clock = new AtomicLong(10);
        EventuallyConsistentMap<String, String> m = storage.<String, String>eventuallyConsistentMapBuilder()
                .withName("ec").withSerializer(KryoNamespace.newBuilder().register(KryoNamespaces.API))
                .withTimestampProvider((k, v) -> new LogicalTimestamp(clock.get())).build();
        List<EventuallyConsistentMapEvent<String, String>> events = new ArrayList<>();
        m.addListener(events::add);
        m.put("k", "new");
        clock.set(5);
        m.put("k", "older write");
        assertEquals("new", m.get("k"), "an older timestamp loses");
        clock.set(20);
        assertEquals("new", m.remove("k"));
        clock.set(15);
        m.put("k", "resurrect?");
        assertNull(m.get("k"), "a tombstone newer than the write wins");
        assertEquals(List.of(EventuallyConsistentMapEvent.Type.PUT, EventuallyConsistentMapEvent.Type.REMOVE),
                     events.stream().map(EventuallyConsistentMapEvent::type).toList());
        clock.set(30);
        assertThrows(NullPointerException.class, () -> m.put("x", null));
    }

    @Test
    void eventuallyConsistentMapRejectsUnregisteredValues() {
        EventuallyConsistentMap<String, Object> m = storage.<String, Object>eventuallyConsistentMapBuilder()
                .withName("ec2").withSerializer(KryoNamespaces.API)
                .withTimestampProvider((k, v) -> new LogicalTimestamp(System.nanoTime())).build();
        assertThrows(StoreSerializationException.class, () -> m.put("x", java.util.Set.of("a")));
        assertTrue(m.isEmpty());
    }

    @Test
    void countersSetsAndValues() {
        AtomicCounter c = storage.getAtomicCounter("c");
        assertEquals(1, c.incrementAndGet());
        assertEquals(1, storage.getAtomicCounter("c").get(), "same name, same counter");
        assertTrue(c.compareAndSet(1, 10));
        assertEquals(10, c.get());

        DistributedSet<String> s = storage.<String>setBuilder().withName("s").withSerializer(API).build()
                .asDistributedSet();
        List<SetEvent<String>> events = new ArrayList<>();
        s.addListener(events::add);
        assertTrue(s.add("a"));
        assertFalse(s.add("a"));
        assertTrue(s.remove("a"));
        assertEquals(2, events.size());

        AtomicValue<String> v = storage.<String>atomicValueBuilder().withName("v").withSerializer(API).build()
                .asAtomicValue();
        assertTrue(v.compareAndSet(null, "x"));
        assertFalse(v.compareAndSet(null, "y"));
        assertEquals("x", v.get());
    }

    /** Decodes like API, but the first decode of the value "slow" waits until released. */
    private static final class GatedSerializer implements Serializer {
        final java.util.concurrent.CountDownLatch inDecode = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        volatile boolean gate;

        @Override
        public <T> byte[] encode(T object) {
            return API.encode(object);
        }

        @Override
        public <T> T copy(T object) {
            return API.copy(object);
        }

        @Override
        public <T> T decode(byte[] bytes) {
            T value = API.decode(bytes);
            if (gate && "slow".equals(value)) {
                gate = false;
                inDecode.countDown();
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return value;
        }
    }

    @Test
    void aReaderDecodingAValueDoesNotHoldUpTheMapsOtherReadersAndWriters() throws Exception {
        // the connection table is read by the packet thread and 32 operation threads at once: decoding (Kryo) under
        // the map's lock made them queue behind each other
        GatedSerializer gated = new GatedSerializer();
        ConsistentMap<String, Object> m = storage.<String, Object>consistentMapBuilder().withName("gated")
                .withSerializer(gated).build();
        m.put("a", "slow");
        m.put("b", "fast");
        gated.gate = true;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Versioned<Object>> slow = pool.submit(() -> m.get("a"));
            assertTrue(gated.inDecode.await(10, java.util.concurrent.TimeUnit.SECONDS), "the first reader decodes");
            java.util.concurrent.CompletableFuture<Object> other = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> m.get("b").value() + "/" + m.put("c", "new") + "/" + m.putIfAbsent("c", "x").value());
            assertEquals("fast/null/new", other.get(10, java.util.concurrent.TimeUnit.SECONDS),
                         "read and written while the first reader is still decoding");
            assertFalse(slow.isDone());
            gated.release.countDown();
            assertEquals("slow", slow.get(10, java.util.concurrent.TimeUnit.SECONDS).value());
        } finally {
            gated.release.countDown();
            pool.shutdownNow();
        }
    }
}
