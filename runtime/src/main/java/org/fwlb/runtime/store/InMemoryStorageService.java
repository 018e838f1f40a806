package org.fwlb.runtime.store;

import org.onlab.util.KryoNamespace;
import org.onosproject.cluster.NodeId;
import org.onosproject.store.Timestamp;
import org.onosproject.store.service.AsyncAtomicCounter;
import org.onosproject.store.service.AsyncAtomicIdGenerator;
import org.onosproject.store.service.AsyncAtomicValue;
import org.onosproject.store.service.AsyncConsistentMap;
import org.onosproject.store.service.AsyncConsistentMultimap;
import org.onosproject.store.service.AsyncConsistentTreeMap;
import org.onosproject.store.service.AsyncDistributedSet;
import org.onosproject.store.service.AsyncDocumentTree;
import org.onosproject.store.service.AtomicCounterBuilder;
import org.onosproject.store.service.AtomicCounterMapBuilder;
import org.onosproject.store.service.AtomicIdGeneratorBuilder;
import org.onosproject.store.service.AtomicValueBuilder;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.ConsistentMapBuilder;
import org.onosproject.store.service.ConsistentMultimapBuilder;
import org.onosproject.store.service.ConsistentTreeMapBuilder;
import org.onosproject.store.service.DistributedLockBuilder;
import org.onosproject.store.service.DistributedPrimitive;
import org.onosproject.store.service.DistributedSetBuilder;
import org.onosproject.store.service.DocumentTreeBuilder;
import org.onosproject.store.service.EventuallyConsistentMap;
import org.onosproject.store.service.EventuallyConsistentMapBuilder;
import org.onosproject.store.service.LeaderElectorBuilder;
import org.onosproject.store.service.Serializer;
import org.onosproject.store.service.StorageService;
import org.onosproject.store.service.Topic;
import org.onosproject.store.service.TopicBuilder;
import org.onosproject.store.service.TransactionContextBuilder;
import org.onosproject.store.service.WorkQueue;

import java.util.Collection;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

import static java.util.Objects.requireNonNull;

/**
 * StorageService over a {@link StoreBackend}: consistent maps, eventually consistent maps, sets,
 * atomic counters, id generators and atomic values. The builders enforce what ONOS enforces (a name;
 * a serializer for maps, sets and values; a timestamp provider for eventually consistent maps), and
 * every write goes through the serializer when the backend serializes. Other primitives (trees,
 * multimaps, locks, leader electors, topics, work queues, transactions) throw
 * UnsupportedOperationException naming the method.
 */
public final class InMemoryStorageService implements StorageService {

    private final StoreBackend backend;

    /**
     * @param backend shared primitive data
     */
    public InMemoryStorageService(StoreBackend backend) {
        this.backend = requireNonNull(backend);
    }

    /** @return the backend (shared with other instances of a simulated cluster) */
    public StoreBackend backend() {
        return backend;
    }

    private static String requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalStateException(what + ": a name is required (withName)");
        }
        return name;
    }

    private Codec codec(String what, String name, Serializer serializer) {
        if (serializer == null) {
            throw new IllegalStateException(what + " " + name + ": a serializer is required (withSerializer)");
        }
        return new Codec(what + " " + name, serializer, backend.serializes());
    }

    @Override
    public <K, V> ConsistentMapBuilder<K, V> consistentMapBuilder() {
        return new ConsistentMapBuilder<K, V>() {
            @Override
            public AsyncConsistentMap<K, V> buildAsyncMap() {
                String n = requireName(name(), "consistent map");
                return new InMemoryConsistentMap<>(backend.map(n), codec("consistent map", n, serializer()),
                                                   nullValues(), readOnly(), applicationId());
            }

            @Override
            public ConsistentMap<K, V> build() {
                return buildAsyncMap().asConsistentMap();
            }
        };
    }

    @Override
    public <K, V> EventuallyConsistentMapBuilder<K, V> eventuallyConsistentMapBuilder() {
        return new EcMapBuilder<>();
    }

    private final class EcMapBuilder<K, V> implements EventuallyConsistentMapBuilder<K, V> {
        private String name;
        private Serializer serializer;
        private BiFunction<K, V, Timestamp> timestamps;
        private Executor eventExecutor = Runnable::run;
        private boolean tombstones = true;

        @Override
        public EventuallyConsistentMapBuilder<K, V> withName(String name) {
            this.name = name;
            return this;
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withSerializer(KryoNamespace.Builder builder) {
            this.serializer = Serializer.using(requireNonNull(builder).build());
            return this;
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withSerializer(KryoNamespace namespace) {
            this.serializer = Serializer.using(requireNonNull(namespace));
            return this;
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withTimestampProvider(BiFunction<K, V, Timestamp> provider) {
            this.timestamps = requireNonNull(provider);
            return this;
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withEventExecutor(ExecutorService executor) {
            this.eventExecutor = requireNonNull(executor);
            return this;
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withCommunicationExecutor(ExecutorService executor) {
            return this; // nothing is communicated
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withBackgroundExecutor(ScheduledExecutorService executor) {
            return this; // no anti-entropy to run
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withPeerUpdateFunction(
                BiFunction<K, V, Collection<NodeId>> function) {
            return this; // every view sees every update at once
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withTombstonesDisabled() {
            this.tombstones = false;
            return this;
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withAntiEntropyPeriod(long period, TimeUnit unit) {
            if (period <= 0) {
                throw new IllegalArgumentException("anti-entropy period must be greater than 0");
            }
            return this;
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withFasterConvergence() {
            return this;
        }

        @Override
        public EventuallyConsistentMapBuilder<K, V> withPersistence() {
            throw new UnsupportedOperationException(
                    "EventuallyConsistentMapBuilder.withPersistence is not supported by the fwlb runtime");
        }

        @Override
        public EventuallyConsistentMap<K, V> build() {
            String n = requireName(name, "eventually consistent map");
            Codec codec = codec("eventually consistent map", n, serializer);
            if (timestamps == null) {
                throw new IllegalStateException("eventually consistent map " + n
                        + ": a timestamp provider is required (withTimestampProvider)");
            }
            return new InMemoryEventuallyConsistentMap<>(backend.ecMap(n), codec, timestamps, eventExecutor,
                                                         tombstones);
        }
    }

    @Override
    public <E> DistributedSetBuilder<E> setBuilder() {
        return new DistributedSetBuilder<E>() {
            @Override
            public AsyncDistributedSet<E> build() {
                String n = requireName(name(), "set");
                return new InMemoryDistributedSet<>(backend.set(n), codec("set", n, serializer()));
            }
        };
    }

    @Override
    public AtomicCounterBuilder atomicCounterBuilder() {
        return new AtomicCounterBuilder() {
            @Override
            public AsyncAtomicCounter build() {
                String n = requireName(name(), "atomic counter");
                return new InMemoryAtomicCounter(n, backend.counter("counter:" + n),
                                                 DistributedPrimitive.Type.COUNTER);
            }
        };
    }

    @Override
    public AtomicIdGeneratorBuilder atomicIdGeneratorBuilder() {
        return new AtomicIdGeneratorBuilder() {
            @Override
            public AsyncAtomicIdGenerator build() {
                String n = requireName(name(), "id generator");
                return new InMemoryAtomicCounter(n, backend.counter("idgen:" + n),
                                                 DistributedPrimitive.Type.ID_GENERATOR);
            }
        };
    }

    @Override
    public <V> AtomicValueBuilder<V> atomicValueBuilder() {
        return new AtomicValueBuilder<V>() {
            @Override
            public AsyncAtomicValue<V> build() {
                String n = requireName(name(), "atomic value");
                return new InMemoryAtomicValue<>(backend.value(n), codec("atomic value", n, serializer()));
            }
        };
    }

    private static UnsupportedOperationException unsupported(String method) {
        return new UnsupportedOperationException("StorageService." + method
                + " is not supported by the fwlb runtime (in-memory store)");
    }

    @Override
    public <V> DocumentTreeBuilder<V> documentTreeBuilder() {
        throw unsupported("documentTreeBuilder");
    }

    @Override
    public <V> ConsistentTreeMapBuilder<V> consistentTreeMapBuilder() {
        throw unsupported("consistentTreeMapBuilder");
    }

    @Override
    public <K, V> ConsistentMultimapBuilder<K, V> consistentMultimapBuilder() {
        throw unsupported("consistentMultimapBuilder");
    }

    @Override
    public <K> AtomicCounterMapBuilder<K> atomicCounterMapBuilder() {
        throw unsupported("atomicCounterMapBuilder");
    }

    @Override
    public DistributedLockBuilder lockBuilder() {
        throw unsupported("lockBuilder");
    }

    @Override
    public LeaderElectorBuilder leaderElectorBuilder() {
        throw unsupported("leaderElectorBuilder");
    }

    @Override
    public <T> TopicBuilder<T> topicBuilder() {
        throw unsupported("topicBuilder");
    }

    @Override
    public <E> org.onosproject.store.service.WorkQueueBuilder<E> workQueueBuilder() {
        throw unsupported("workQueueBuilder");
    }

    @Override
    public TransactionContextBuilder transactionContextBuilder() {
        throw unsupported("transactionContextBuilder");
    }

    @Override
    public <E> WorkQueue<E> getWorkQueue(String name, Serializer serializer) {
        throw unsupported("getWorkQueue");
    }

    @Override
    public <V> AsyncDocumentTree<V> getDocumentTree(String name, Serializer serializer) {
        throw unsupported("getDocumentTree");
    }

    @Override
    public <K, V> AsyncConsistentMultimap<K, V> getAsyncSetMultimap(String name, Serializer serializer) {
        throw unsupported("getAsyncSetMultimap");
    }

    @Override
    public <V> AsyncConsistentTreeMap<V> getAsyncTreeMap(String name, Serializer serializer) {
        throw unsupported("getAsyncTreeMap");
    }

    @Override
    public <T> Topic<T> getTopic(String name, Serializer serializer) {
        throw unsupported("getTopic");
    }
}
