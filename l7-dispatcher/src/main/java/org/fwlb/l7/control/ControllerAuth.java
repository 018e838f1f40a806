package org.fwlb.l7.control;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HTTP BASIC credentials for the controller's REST, taken from the user-info part of the controller URL
 * ({@code http://l7:PASSWORD@onos-host:8181/onos/cluster-dispatch}): ONOS and the standalone runtime protect their
 * REST with BASIC auth; give a user with the role l7-reporter (it may only report and read the directory).
 */
public final class ControllerAuth {

    private ControllerAuth() {
    }

    /**
     * Returns the URL without its user-info.
     *
     * @param url controller URL
     * @return the same URL without credentials
     */
    public static URI strip(URI url) {
        if (url.getUserInfo() == null) {
            return url;
        }
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), url.getQuery(),
                           url.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Adds the Authorization header when the URL carries credentials.
     *
     * @param b   request builder
     * @param url the configured controller URL (with or without user-info)
     * @return the builder
     */
    public static HttpRequest.Builder apply(HttpRequest.Builder b, URI url) {
        String info = url.getUserInfo();
        if (info != null && !info.isEmpty()) {
            b.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(info.getBytes(StandardCharsets.UTF_8)));
        }
        return b;
    }
}
