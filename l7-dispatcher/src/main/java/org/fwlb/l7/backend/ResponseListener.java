package org.fwlb.l7.backend;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Receives one response from a leased server connection. Called on the connection's event loop; the
 * implementation moves to its own loop if needed. Ownership of every HttpContent passes to the listener.
 */
public interface ResponseListener {
    void onResponseHead(HttpResponse head);

    /** Body piece; {@code last} is true for the final one (which may be a LastHttpContent). */
    void onResponseContent(HttpContent content, boolean last, boolean reusable);

    /** End of one backend read burst: a good moment to flush what was written to the client. */
    void onReadComplete();

    /** The connection closed or failed before the response ended. */
    void onBackendFailed(Throwable cause, boolean responseStarted);

    /** The connection takes writes again (request body back-pressure). */
    default void onWritable() {
    }

    /** The server answered 100 Continue. */
    default void onContinue() {
    }
}
