package org.fwlb.l7.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Responses the dispatcher produces itself (errors, relay probes). */
public final class Responses {
    private Responses() {
    }

    public static FullHttpResponse text(ByteBufAllocator alloc, int status, String body, boolean close) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(status);
        byte[] bytes = (body == null ? s.code() + " " + s.reasonPhrase() + "\n" : body)
                .getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, s, buf);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (close) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }
}
