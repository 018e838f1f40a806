package org.fwlb.l7;

import org.fwlb.l7.control.ControllerAuth;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControllerAuthTest {

    @Test
    void credentialsInTheControllerUrlBecomeABasicHeaderAndLeaveTheUrl() {
        URI url = URI.create("http://onos:rocks@10.254.0.254:8181/onos/cluster-dispatch");
        assertEquals("http://10.254.0.254:8181/onos/cluster-dispatch", ControllerAuth.strip(url).toString());
        HttpRequest r = ControllerAuth.apply(HttpRequest.newBuilder(ControllerAuth.strip(url)), url).build();
        assertEquals("Basic b25vczpyb2Nrcw==", r.headers().firstValue("Authorization").orElse(null));
    }

    @Test
    void noCredentialsNoHeader() {
        URI url = URI.create("http://10.254.0.254:18181/onos/cluster-dispatch");
        assertEquals(url, ControllerAuth.strip(url));
        assertTrue(ControllerAuth.apply(HttpRequest.newBuilder(url), url).build().headers()
                .firstValue("Authorization").isEmpty());
    }
}
