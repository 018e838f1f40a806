package org.fwlb.runtime.store;

import org.onosproject.store.service.StorageException;

/**
 * A key or value could not go through its primitive's serializer (typically a class missing from the
 * Kryo namespace, e.g. an unregistered JDK immutable collection).
 */
public class StoreSerializationException extends StorageException {

    private final String detail;

    /**
     * @param message names the primitive and the type
     * @param cause   the serializer's exception
     */
    public StoreSerializationException(String message, Throwable cause) {
        super(cause);
        this.detail = message;
    }

    @Override
    public String getMessage() {
        return detail;
    }
}
