package org.fwlb.l7.config;

import java.util.List;
import java.util.regex.Pattern;

/** One back-end server this dispatcher reaches directly (static config or the controller's answer). */
public record ServerConfig(String id, String ip, int port, int weight, AdminState adminState,
                           List<String> serviceTypes) {

    /** Ids go into cookies as {@code id.ts.mac}: no dots, no cookie-unsafe characters. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public ServerConfig {
        serviceTypes = List.copyOf(serviceTypes);
    }

    public boolean serves(String serviceType) {
        return serviceTypes.contains(serviceType);
    }

    static ServerConfig parse(JsonFields f, String defaultServiceType) {
        String id = f.str("id", null);
        if (!ID.matcher(id).matches()) {
            throw new ConfigException(f.path("id") + ": '" + id + "' must match " + ID.pattern());
        }
        String ip = f.str("ip", null);
        Addresses.checkHost(ip, f.path("ip"));
        int port = f.integer("port", 80, 1, 65535);
        int weight = f.integer("weight", 1, 0, 10000);
        AdminState admin = AdminState.parse(f.str("adminState", "up"), f.path("adminState"));
        List<String> types = f.strings("serviceTypes");
        f.done();
        return new ServerConfig(id, ip, port, weight, admin, types.isEmpty() ? List.of(defaultServiceType) : types);
    }
}
