package org.fwlb.l7.http;

import org.fwlb.l7.config.DispatcherConfig.Route;

import java.util.List;

/**
 * Service type of a request ([0031]): the first route whose path prefix or Host matches, else the default.
 * Plain string tests: this runs on every request.
 */
public final class Router {
    private final Route[] routes;
    private final String defaultType;

    public Router(List<Route> routes, String defaultType) {
        this.routes = routes.toArray(new Route[0]);
        this.defaultType = defaultType;
    }

    public String serviceType(String path, String host) {
        if (routes.length == 0) {
            return defaultType;
        }
        String h = host == null ? null : hostOnly(host);
        for (Route r : routes) {
            if (r.pathPrefix() != null ? path.startsWith(r.pathPrefix()) : r.host().equals(h)) {
                return r.serviceType();
            }
        }
        return defaultType;
    }

    /** "Img.Example:8080" → "img.example"; IPv6 literals keep their brackets. */
    static String hostOnly(String host) {
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        return host.toLowerCase();
    }
}
