package org.fwlb.runtime.openflow.channel;

/** The switch connection closed before a request was answered. */
public final class ConnectionClosedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConnectionClosedException(String message) {
        super(message);
    }
}
