package org.fwlb.runtime.openflow.channel;

/** A switch's multipart reply went beyond the configured number of parts or bytes; its request failed. */
public final class MultipartTooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MultipartTooLargeException(String message) {
        super(message);
    }
}
