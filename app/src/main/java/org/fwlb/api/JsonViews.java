package org.fwlb.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.FlowKey;
import org.fwlb.model.Ip4;

/**
 * The JSON shapes the REST API and the CLI's {@code -j} output share.
 */
public final class JsonViews {

    private JsonViews() {
    }

    /**
     * Returns a firewall status as JSON.
     *
     * @param mapper mapper
     * @param s      status
     * @return node
     */
    public static ObjectNode firewall(ObjectMapper mapper, FirewallStatus s) {
        ObjectNode n = mapper.createObjectNode();
        n.put("id", s.id());
        n.put("adminState", s.adminState().jsonName());
        n.put("health", s.health().name().toLowerCase());
        n.put("eligibility", s.eligibility().name().toLowerCase());
        n.put("weight", s.weight());
        n.put("maxConnections", s.maxConnections());
        n.put("connections", s.connections());
        n.put("packetRate", Math.round(s.packetRate() * 10) / 10.0);
        return n;
    }

    /**
     * Returns a pinned connection as JSON.
     *
     * @param mapper    mapper
     * @param e         connection
     * @param nowMillis now, for the age
     * @return node
     */
    public static ObjectNode connection(ObjectMapper mapper, ConnectionEntry e, long nowMillis) {
        ObjectNode n = mapper.createObjectNode();
        FlowKey f = e.flow();
        n.put("client", Ip4.format(f.srcIp()) + ":" + f.srcPort());
        // the same as fields, so a script need not split the display form
        n.put("clientIp", Ip4.format(f.srcIp()));
        n.put("clientPort", f.srcPort());
        n.put("service", Ip4.format(f.dstIp()) + ":" + f.dstPort());
        n.put("firewall", e.path().firewallId().orElse(null));
        n.put("dispatchers", String.join(",", e.path().dispatcherIds()));
        n.put("server", e.path().serverId().orElse(null));
        e.path().pathTag().ifPresent(t -> n.put("pathTag", t.value()));
        n.put("state", e.state().name().toLowerCase());
        n.put("app", e.appName());
        n.put("ageSeconds", Math.max(0, (nowMillis - e.createdMillis()) / 1000));
        return n;
    }

    /**
     * Renders the packet path's readiness: {"ready": bool, "devices": {id: "ready" or what it waits for}}; ready
     * when there is at least one device and every one is ready.
     *
     * @param mapper    mapper
     * @param readiness device id to "ready" or what it waits for
     * @return JSON
     */
    public static ObjectNode readiness(ObjectMapper mapper, java.util.Map<String, String> readiness) {
        ObjectNode root = mapper.createObjectNode();
        boolean ready = !readiness.isEmpty() && readiness.values().stream().allMatch("ready"::equals);
        root.put("ready", ready);
        ObjectNode devices = root.putObject("devices");
        readiness.forEach(devices::put);
        return root;
    }
}
