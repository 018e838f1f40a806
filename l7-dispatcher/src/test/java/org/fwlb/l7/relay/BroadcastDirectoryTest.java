package org.fwlb.l7.relay;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Issue 11: the broadcast answer must be cached before any caller can act on it, and never after an
 * invalidate() that followed it. Every interleaving is forced here: the test completes the peers' answers.
 */
class BroadcastDirectoryTest {
    private static final PeerRef B = new PeerRef("dB", new InetSocketAddress("127.0.0.1", 9));
    private final List<CompletableFuture<Boolean>> asked = new CopyOnWriteArrayList<>();
    private final BroadcastDirectory dir = new BroadcastDirectory("dA", List.of(B), (p, sid) -> {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        asked.add(f);
        return f;
    }, 60_000);

    @Test
    void aRefusalHandledAsSoonAsTheAnswerArrivesIsNotOverwrittenByThatAnswer() {
        CompletableFuture<PeerRef> first = dir.locate("s3");
        assertEquals(1, asked.size());
        // the flake: request 1 is relayed and answered, request 2 finds B, B refuses, A invalidates - all
        // before the broadcasting thread had stored its answer
        first.thenAccept(p -> {
            assertSame(B, dir.locate("s3").join(), "request 2 is relayed to B");
            dir.invalidate("s3"); // B refused request 2
        });
        asked.get(0).complete(true);
        assertSame(B, first.join());
        // request 3 must ask again (B now says "not here"), not relay to B from a stale cache entry
        CompletableFuture<PeerRef> third = dir.locate("s3");
        assertEquals(2, asked.size(), "a new broadcast after the refusal");
        asked.get(1).complete(false);
        assertNull(third.join());
    }

    @Test
    void anAnswerThatArrivesAfterAnInvalidateIsDeliveredButNotCached() {
        CompletableFuture<PeerRef> first = dir.locate("s3");
        dir.invalidate("s3"); // e.g. a refusal from another request while the broadcast runs
        asked.get(0).complete(true);
        assertSame(B, first.join());
        dir.locate("s3");
        assertEquals(2, asked.size(), "the answer from before the refusal was not cached");
    }

    @Test
    void answersAreCachedAndConcurrentLookupsShareOneBroadcast() {
        CompletableFuture<PeerRef> a = dir.locate("s3");
        CompletableFuture<PeerRef> b = dir.locate("s3");
        assertEquals(1, asked.size());
        asked.get(0).complete(true);
        assertSame(B, a.join());
        assertSame(B, b.join());
        assertSame(B, dir.locate("s3").join());
        assertEquals(1, asked.size(), "cached");
        CompletableFuture<PeerRef> none = dir.locate("s9");
        asked.get(1).complete(false);
        assertNull(none.join());
        assertNull(dir.locate("s9").join(), "'nobody' is cached too");
        assertEquals(2, asked.size());
    }
}
