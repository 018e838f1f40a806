package org.fwlb.runtime.store;

import org.onosproject.store.service.Serializer;

import java.util.Arrays;
import java.util.Objects;

import static java.util.Objects.requireNonNull;

/**
 * How one primitive view stores keys and values: through its Serializer (bytes, like a replicated ONOS
 * primitive) or, with serialization switched off, as the objects themselves.
 */
final class Codec {

    private final String primitive;
    private final Serializer serializer;
    private final boolean enabled;

    Codec(String primitive, Serializer serializer, boolean enabled) {
        this.primitive = primitive;
        this.serializer = requireNonNull(serializer, primitive + ": a serializer is required (withSerializer)");
        this.enabled = enabled;
    }

    /** @return the stored form of a value: its bytes, or the value itself */
    Object store(Object value) {
        if (!enabled || value == null) {
            return value;
        }
        try {
            return serializer.encode(value);
        } catch (RuntimeException e) {
            throw new StoreSerializationException(primitive + ": cannot serialize " + value.getClass().getName()
                    + " (register it in the primitive's serializer): " + e.getMessage(), e);
        }
    }

    /** @return the value of a stored form (a fresh copy when serialized) */
    @SuppressWarnings("unchecked")
    <T> T load(Object stored) {
        if (!enabled || stored == null) {
            return (T) stored;
        }
        try {
            return serializer.decode((byte[]) stored);
        } catch (RuntimeException e) {
            throw new StoreSerializationException(primitive + ": cannot deserialize a stored value: "
                    + e.getMessage(), e);
        }
    }

    /** @return a key as stored: round-tripped through the serializer so an unregistered key type fails */
    <T> T key(T key) {
        requireNonNull(key, primitive + ": null keys are not allowed");
        return enabled ? load(store(key)) : key;
    }

    /** @return whether two stored forms hold the same value */
    static boolean sameStored(Object a, Object b) {
        if (a instanceof byte[] && b instanceof byte[]) {
            return Arrays.equals((byte[]) a, (byte[]) b);
        }
        return Objects.equals(a, b);
    }
}
