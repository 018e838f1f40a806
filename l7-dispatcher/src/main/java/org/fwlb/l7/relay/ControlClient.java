package org.fwlb.l7.relay;

import java.net.http.HttpClient;
import java.time.Duration;

/** The JDK HTTP client used for control-plane calls (controller, peers' has-queries); never the data path. */
public final class ControlClient {
    private ControlClient() {
    }

    public static HttpClient create(int connectMs) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(connectMs)).followRedirects(HttpClient.Redirect.NEVER).build();
    }
}
