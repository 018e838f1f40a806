/**
 * In-memory ONOS distributed primitives (ConsistentMap, EventuallyConsistentMap, DistributedSet,
 * AtomicCounter, AtomicIdGenerator, AtomicValue). Values really go through the primitive's Serializer
 * on every write (on by default), so a type missing from a Kryo namespace fails here as it would when
 * ONOS replicates it. Named primitives live in a {@link org.fwlb.runtime.store.StoreBackend} that
 * several {@link org.fwlb.runtime.store.InMemoryStorageService}s can share (a simulated cluster).
 */
package org.fwlb.runtime.store;
