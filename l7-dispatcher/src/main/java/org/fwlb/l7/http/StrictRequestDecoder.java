package org.fwlb.l7.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, except that a request with both Transfer-Encoding and Content-Length keeps
 * both headers (Netty drops Content-Length), so {@link RequestValidator} can refuse it: a proxy and its
 * servers disagreeing on such framing is how requests get smuggled.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {
    public StrictRequestDecoder(int maxRequestLine, int maxHeaders) {
        super(new HttpDecoderConfig().setMaxInitialLineLength(maxRequestLine).setMaxHeaderSize(maxHeaders)
                .setMaxChunkSize(64 * 1024).setValidateHeaders(true).setAllowDuplicateContentLengths(false)
                .setChunkedSupported(true));
    }

    /** Bytes received and not yet decoded (e.g. the start of the next request's head). */
    public int buffered() {
        return actualReadableBytes();
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // keep both; the request is rejected before its body matters
    }
}
