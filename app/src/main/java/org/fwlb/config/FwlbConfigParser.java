package org.fwlb.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import org.fwlb.model.AdminState;
import org.fwlb.model.Attachment;
import org.fwlb.model.DispatchMode;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.PathTag;
import org.fwlb.model.ProbeSettings;
import org.fwlb.model.Protocol;
import org.fwlb.model.Server;
import org.fwlb.model.Timeouts;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.UnknownNonSynAction;
import org.fwlb.model.VirtualService;
import org.onlab.packet.IpAddress;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

import java.util.ArrayList;
import java.util.List;

import static org.fwlb.config.ConfigErrors.child;
import static org.fwlb.config.ConfigErrors.element;

/**
 * Parses the fwlb netcfg JSON (schema: docs/CONFIG.md) into an {@link FwlbTopology}. First every field
 * is read and checked (types, ranges, formats, unknown and missing fields); only if that succeeds are the
 * cross references and uniqueness rules checked by {@link TopologyValidator}, so errors do not cascade.
 */
public final class FwlbConfigParser {
    static final List<String> ROOT_FIELDS = ImmutableList.of("sandwich", "servers", "dispatchers", "services",
                                                             "timeouts", "connectionTable");
    static final List<String> SANDWICH_FIELDS = ImmutableList.of("external", "internal", "firewalls",
                                                                 "trafficClasses", "probe");
    static final List<String> SIDE_FIELDS = ImmutableList.of("deviceId", "gatewayIp", "gatewayMac", "subnet");
    static final List<String> FIREWALL_FIELDS = ImmutableList.of("id", "weight", "maxConnections", "adminState",
                                                                 "outside", "inside", "pathTag");
    static final List<String> ATTACHMENT_FIELDS = ImmutableList.of("port", "mac", "ip");
    static final List<String> CLASS_FIELDS = ImmutableList.of("id", "protocol", "ports", "mode", "policy",
                                                              "unknownNonSyn");
    static final List<String> PROBE_FIELDS = ImmutableList.of("intervalMs", "downAfter", "upAfter");
    static final List<String> SERVER_FIELDS = ImmutableList.of("id", "ip", "mac", "location", "services",
                                                               "weight", "maxConnections", "adminState");
    static final List<String> DISPATCHER_FIELDS = ImmutableList.of("id", "kind", "deviceId", "mac", "ip",
            "location", "attachment", "uplink", "reaches", "policy", "weight", "maxConnections", "adminState");
    static final List<String> SERVICE_FIELDS = ImmutableList.of("id", "vip", "protocol", "port", "serviceType",
            "firstStage", "mode", "unknownNonSyn", "policy", "dataPorts");
    static final List<String> TIMEOUT_FIELDS = ImmutableList.of("idleSeconds", "closingSeconds");
    static final List<String> TABLE_FIELDS = ImmutableList.of("maxConnections");

    /** Largest weight. */
    public static final int MAX_WEIGHT = 10_000;
    /** Largest per-member connection limit. */
    public static final int MAX_MEMBER_CONNECTIONS = 100_000_000;
    /** Largest connection table cap. */
    public static final int MAX_TABLE_CONNECTIONS = 100_000_000;

    private static final String[] ADMIN_NAMES = {"up", "draining", "down"};
    private static final String[] PROTOCOL_NAMES = {"tcp", "udp"};
    private static final String[] MODE_NAMES = {"pinned", "static-hash"};
    private static final String[] NON_SYN_NAMES = {"drop", "drop-rst", "forward"};
    private static final String[] KIND_NAMES = {"L4/2", "L4/3", "L7/3"};

    private final ConfigErrors errors = new ConfigErrors();
    private final JsonFields f = new JsonFields(errors);

    private FwlbConfigParser() {
    }

    /**
     * Parses and fully validates a configuration.
     *
     * @param root the JSON object under apps / org.fwlb.core / fwlb (null is treated as {})
     * @return the topology, or every error found
     */
    public static ParseResult parse(JsonNode root) {
        return new FwlbConfigParser().run(root);
    }

    private ParseResult run(JsonNode root) {
        FwlbTopology.Builder b = FwlbTopology.builder();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return ParseResult.valid(b.build());
        }
        ObjectNode o = f.object(root, "", ROOT_FIELDS, ImmutableList.of());
        if (o == null) {
            return ParseResult.invalid(errors.list());
        }
        if (present(o, "sandwich")) {
            parseSandwich(o.get("sandwich"), b);
        }
        parseList(o, "servers", b, this::parseServer);
        parseList(o, "dispatchers", b, this::parseDispatcher);
        parseList(o, "services", b, this::parseService);
        if (present(o, "timeouts")) {
            parseTimeouts(o.get("timeouts"), b);
        }
        if (present(o, "connectionTable")) {
            ObjectNode t = f.object(o.get("connectionTable"), "connectionTable", TABLE_FIELDS, ImmutableList.of());
            if (t != null) {
                Integer max = f.intField(t, "maxConnections", "connectionTable",
                                         FwlbTopology.DEFAULT_MAX_CONNECTIONS, 1, MAX_TABLE_CONNECTIONS);
                if (max != null) {
                    b.maxConnections(max);
                }
            }
        }
        if (!errors.isEmpty()) {
            return ParseResult.invalid(errors.list());
        }
        FwlbTopology topology;
        try {
            topology = b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            // the field checks above should make this unreachable; never let it escape
            return ParseResult.invalid(ImmutableList.of(ConfigErrors.ROOT + ": " + e.getMessage()));
        }
        List<String> semantic = TopologyValidator.validate(topology);
        return semantic.isEmpty() ? ParseResult.valid(topology) : ParseResult.invalid(semantic);
    }

    private static boolean present(ObjectNode o, String field) {
        return o.has(field) && !o.get(field).isNull();
    }

    private interface ElementParser {
        void parse(JsonNode node, String path, FwlbTopology.Builder b);
    }

    private void parseList(ObjectNode o, String field, FwlbTopology.Builder b, ElementParser p) {
        ArrayNode a = f.array(o, field, "");
        if (a == null) {
            return;
        }
        for (int i = 0; i < a.size(); i++) {
            p.parse(a.get(i), element(field, i), b);
        }
    }

    // ---- sandwich ----

    private void parseSandwich(JsonNode node, FwlbTopology.Builder b) {
        String path = "sandwich";
        ObjectNode o = f.object(node, path, SANDWICH_FIELDS, ImmutableList.of("external", "internal", "firewalls"));
        if (o == null) {
            return;
        }
        if (present(o, "external")) {
            b.external(parseSide(o.get("external"), child(path, "external"), FirewallDispatcher.Role.EXTERNAL));
        }
        if (present(o, "internal")) {
            b.internal(parseSide(o.get("internal"), child(path, "internal"), FirewallDispatcher.Role.INTERNAL));
        }
        ArrayNode fws = f.array(o, "firewalls", path);
        if (fws != null) {
            if (fws.size() == 0) {
                errors.add(child(path, "firewalls"), "needs at least one firewall");
            }
            if (fws.size() > PathTag.MAX) {
                errors.add(child(path, "firewalls"), fws.size() + " firewalls, at most " + PathTag.MAX);
            }
            for (int i = 0; i < fws.size(); i++) {
                Firewall fw = parseFirewall(fws.get(i), element(child(path, "firewalls"), i), i);
                if (fw != null) {
                    b.addFirewall(fw);
                }
            }
        }
        ArrayNode classes = f.array(o, "trafficClasses", path);
        if (classes == null) {
            b.addTrafficClass(TrafficClass.defaultClass());
        } else {
            if (classes.size() == 0) {
                errors.add(child(path, "trafficClasses"), "needs at least one traffic class (omit the field for "
                        + "the default class: all TCP, pinned, round-robin, drop)");
            }
            for (int i = 0; i < classes.size(); i++) {
                TrafficClass t = parseClass(classes.get(i), element(child(path, "trafficClasses"), i));
                if (t != null) {
                    b.addTrafficClass(t);
                }
            }
        }
        if (present(o, "probe")) {
            String p = child(path, "probe");
            ObjectNode po = f.object(o.get("probe"), p, PROBE_FIELDS, ImmutableList.of());
            if (po != null) {
                Integer interval = f.intField(po, "intervalMs", p, ProbeSettings.DEFAULT_INTERVAL_MS, 50, 60_000);
                Integer down = f.intField(po, "downAfter", p, ProbeSettings.DEFAULT_DOWN_AFTER, 1, 100);
                Integer up = f.intField(po, "upAfter", p, ProbeSettings.DEFAULT_UP_AFTER, 1, 100);
                if (interval != null && down != null && up != null) {
                    b.probe(ProbeSettings.of(interval, down, up));
                }
            }
        }
    }

    private FirewallDispatcher parseSide(JsonNode node, String path, FirewallDispatcher.Role role) {
        ObjectNode o = f.object(node, path, SIDE_FIELDS, SIDE_FIELDS);
        if (o == null) {
            return null;
        }
        DeviceId dev = f.deviceId(o, "deviceId", path);
        IpAddress gwIp = f.ip4(o, "gatewayIp", path);
        MacAddress gwMac = f.mac(o, "gatewayMac", path);
        IpPrefix subnet = f.prefix4(o, "subnet", path);
        if (dev == null || gwIp == null || gwMac == null || subnet == null) {
            return null;
        }
        return FirewallDispatcher.of(role, dev, gwIp, gwMac, subnet);
    }

    private Firewall parseFirewall(JsonNode node, String path, int position) {
        ObjectNode o = f.object(node, path, FIREWALL_FIELDS, ImmutableList.of("id", "outside", "inside"));
        if (o == null) {
            return null;
        }
        String id = f.id(o, "id", path);
        Integer weight = f.intField(o, "weight", path, 1, 1, MAX_WEIGHT);
        Integer max = f.intField(o, "maxConnections", path, 0, 0, MAX_MEMBER_CONNECTIONS);
        AdminState admin = f.enumField(o, "adminState", path, AdminState.UP, AdminState::fromJson, ADMIN_NAMES);
        Attachment outside = present(o, "outside") ? parseAttachment(o.get("outside"), child(path, "outside")) : null;
        Attachment inside = present(o, "inside") ? parseAttachment(o.get("inside"), child(path, "inside")) : null;
        Integer tag = f.intField(o, "pathTag", path, Math.min(position + 1, PathTag.MAX), PathTag.MIN, PathTag.MAX);
        if (id == null || weight == null || max == null || admin == null || outside == null || inside == null
                || tag == null) {
            return null;
        }
        return Firewall.builder().id(id).weight(weight).maxConnections(max).adminState(admin)
                .outside(outside).inside(inside).pathTag(PathTag.of(tag)).build();
    }

    private Attachment parseAttachment(JsonNode node, String path) {
        ObjectNode o = f.object(node, path, ATTACHMENT_FIELDS, ATTACHMENT_FIELDS);
        if (o == null) {
            return null;
        }
        PortNumber port = f.port(o, "port", path);
        MacAddress mac = f.mac(o, "mac", path);
        IpAddress ip = f.ip4(o, "ip", path);
        return port == null || mac == null || ip == null ? null : Attachment.of(port, mac, ip);
    }

    private TrafficClass parseClass(JsonNode node, String path) {
        ObjectNode o = f.object(node, path, CLASS_FIELDS, ImmutableList.of("id"));
        if (o == null) {
            return null;
        }
        String id = f.id(o, "id", path);
        Protocol proto = f.enumField(o, "protocol", path, Protocol.TCP, Protocol::fromJson, PROTOCOL_NAMES);
        DispatchMode mode = f.enumField(o, "mode", path, DispatchMode.PINNED, DispatchMode::fromJson, MODE_NAMES);
        String policy = f.string(o, "policy", path, null);
        UnknownNonSynAction nonSyn = f.enumField(o, "unknownNonSyn", path, UnknownNonSynAction.DROP,
                                                 UnknownNonSynAction::fromJson, NON_SYN_NAMES);
        List<Integer> ports = new ArrayList<>();
        ArrayNode pa = f.array(o, "ports", path);
        boolean portsOk = true;
        if (pa != null) {
            for (int i = 0; i < pa.size(); i++) {
                String pp = element(child(path, "ports"), i);
                Long v = f.integerValue(pa.get(i), pp, 1, 65535);
                if (v == null) {
                    portsOk = false;
                } else if (ports.contains(v.intValue())) {
                    errors.add(pp, v + " is listed twice");
                    portsOk = false;
                } else {
                    ports.add(v.intValue());
                }
            }
        }
        if (present(o, "policy") && policy == null) {
            return null;
        }
        if (id == null || proto == null || mode == null || nonSyn == null || !portsOk) {
            return null;
        }
        if (policy == null) {
            policy = mode == DispatchMode.STATIC_HASH ? "static-hash" : "round-robin";
        }
        return TrafficClass.of(id, proto, ports, mode, policy, nonSyn);
    }

    // ---- dispatch ----

    private void parseServer(JsonNode node, String path, FwlbTopology.Builder b) {
        ObjectNode o = f.object(node, path, SERVER_FIELDS, ImmutableList.of("id", "ip", "mac", "location",
                                                                            "services"));
        if (o == null) {
            return;
        }
        String id = f.id(o, "id", path);
        IpAddress ip = f.ip4(o, "ip", path);
        MacAddress mac = f.mac(o, "mac", path);
        ConnectPoint loc = f.location(o, "location", path);
        List<String> services = f.strings(o, "services", path, JsonFields.SERVICE_TYPE,
                                          "service type (lower-case letters, digits, . _ -)");
        if (services != null && services.isEmpty() && o.get("services").size() == 0) {
            errors.add(child(path, "services"), "needs at least one service type, e.g. [\"http\"]");
            services = null;
        }
        Integer weight = f.intField(o, "weight", path, 1, 1, MAX_WEIGHT);
        Integer max = f.intField(o, "maxConnections", path, 0, 0, MAX_MEMBER_CONNECTIONS);
        AdminState admin = f.enumField(o, "adminState", path, AdminState.UP, AdminState::fromJson, ADMIN_NAMES);
        if (id == null || ip == null || mac == null || loc == null || services == null || weight == null
                || max == null || admin == null) {
            return;
        }
        b.addServer(Server.builder().id(id).ip(ip).mac(mac).location(loc).services(services).weight(weight)
                            .maxConnections(max).adminState(admin).build());
    }

    private void parseDispatcher(JsonNode node, String path, FwlbTopology.Builder b) {
        ObjectNode o = f.object(node, path, DISPATCHER_FIELDS, ImmutableList.of("id", "kind", "mac", "ip",
                                                                                "reaches"));
        if (o == null) {
            return;
        }
        String id = f.id(o, "id", path);
        DispatcherKind kind = f.enumField(o, "kind", path, null, DispatcherKind::fromJson, KIND_NAMES);
        DeviceId dev = present(o, "deviceId") ? f.deviceId(o, "deviceId", path) : null;
        boolean devOk = !present(o, "deviceId") || dev != null;
        MacAddress mac = f.mac(o, "mac", path);
        IpAddress ip = f.ip4(o, "ip", path);
        ConnectPoint loc = f.location(o, "location", path);
        boolean locOk = !present(o, "location") || loc != null;
        if (!present(o, "deviceId") && !present(o, "location")) {
            errors.add(child(path, "location"), "is required for a host-realized dispatcher (one without deviceId)");
            locOk = false;
        }
        ConnectPoint attach = f.location(o, "attachment", path);
        boolean attachOk = !present(o, "attachment") || attach != null;
        if (present(o, "attachment") && present(o, "deviceId")) {
            errors.add(child(path, "attachment"), "is only for a host-realized dispatcher (one without deviceId)");
            attachOk = false;
        }
        Long up = present(o, "uplink") ? f.integer(o, "uplink", path, null, 1, JsonFields.MAX_OF_PORT) : null;
        boolean upOk = !present(o, "uplink") || up != null;
        if (present(o, "uplink") && !present(o, "deviceId") && !present(o, "attachment")) {
            errors.add(child(path, "uplink"), "needs deviceId or attachment: it is a port of the stage's own switch"
                    + " or of its attachment's switch");
            upOk = false;
        }
        List<String> reaches = f.strings(o, "reaches", path, JsonFields.ID, "id");
        if (reaches != null && reaches.isEmpty() && o.get("reaches").size() == 0) {
            errors.add(child(path, "reaches"), "needs at least one server or dispatcher id");
            reaches = null;
        }
        String policy = f.string(o, "policy", path, "round-robin");
        Integer weight = f.intField(o, "weight", path, 1, 1, MAX_WEIGHT);
        Integer max = f.intField(o, "maxConnections", path, 0, 0, MAX_MEMBER_CONNECTIONS);
        AdminState admin = f.enumField(o, "adminState", path, AdminState.UP, AdminState::fromJson, ADMIN_NAMES);
        if (id == null || kind == null || !devOk || mac == null || ip == null || !locOk || !attachOk || !upOk || reaches == null
                || policy == null || weight == null || max == null || admin == null) {
            return;
        }
        b.addDispatcher(Dispatcher.builder().id(id).kind(kind).deviceId(dev).mac(mac).ip(ip).location(loc)
                                .attachment(attach).uplink(up == null ? null : PortNumber.portNumber(up))
                                .reaches(reaches).policy(policy).weight(weight).maxConnections(max)
                                .adminState(admin).build());
    }

    private void parseService(JsonNode node, String path, FwlbTopology.Builder b) {
        ObjectNode o = f.object(node, path, SERVICE_FIELDS, ImmutableList.of("id", "vip", "port", "serviceType",
                                                                             "firstStage"));
        if (o == null) {
            return;
        }
        String id = f.id(o, "id", path);
        IpAddress vip = f.ip4(o, "vip", path);
        Protocol proto = f.enumField(o, "protocol", path, Protocol.TCP, Protocol::fromJson, PROTOCOL_NAMES);
        Long port = f.integer(o, "port", path, null, 1, 65535);
        String type = f.string(o, "serviceType", path, null);
        if (type != null && !JsonFields.SERVICE_TYPE.matcher(type).matches()) {
            errors.add(child(path, "serviceType"), JsonFields.quote(type)
                    + " is not a valid service type (lower-case letters, digits, . _ -)");
            type = null;
        }
        String first = f.id(o, "firstStage", path);
        DispatchMode mode = f.enumField(o, "mode", path, DispatchMode.PINNED, DispatchMode::fromJson, MODE_NAMES);
        UnknownNonSynAction nonSyn = f.enumField(o, "unknownNonSyn", path, UnknownNonSynAction.DROP,
                                                 UnknownNonSynAction::fromJson, NON_SYN_NAMES);
        String policy = f.string(o, "policy", path, null);
        if (present(o, "policy") && policy == null) {
            return;
        }
        int[] data = dataPorts(o, path, port);
        if (id == null || vip == null || proto == null || port == null || type == null || first == null
                || mode == null || nonSyn == null || data == null) {
            return;
        }
        b.addService(VirtualService.builder().id(id).vip(vip).protocol(proto).port(port.intValue()).serviceType(type)
                             .firstStage(first).mode(mode).unknownNonSyn(nonSyn).policy(policy)
                             .dataPorts(data[0], data[1]).build());
    }

    /** "dataPorts": [first, last], the passive FTP ports whose connections follow the control connection. */
    private int[] dataPorts(ObjectNode o, String path, Long servicePort) {
        if (!present(o, "dataPorts")) {
            return new int[]{0, 0};
        }
        String p = child(path, "dataPorts");
        JsonNode n = o.get("dataPorts");
        if (!n.isArray() || n.size() != 2 || !n.get(0).canConvertToInt() || !n.get(1).canConvertToInt()
                || !n.get(0).isIntegralNumber() || !n.get(1).isIntegralNumber()) {
            errors.add(p, "must be [first, last], two port numbers");
            return null;
        }
        int a = n.get(0).intValue();
        int z = n.get(1).intValue();
        if (a < 1 || z > 65535 || a > z) {
            errors.add(p, "[" + a + ", " + z + "] is not a port range (1 <= first <= last <= 65535)");
            return null;
        }
        if (servicePort != null && servicePort >= a && servicePort <= z) {
            errors.add(p, "[" + a + ", " + z + "] contains the service's own port " + servicePort);
            return null;
        }
        return new int[]{a, z};
    }

    private void parseTimeouts(JsonNode node, FwlbTopology.Builder b) {
        String path = "timeouts";
        ObjectNode o = f.object(node, path, TIMEOUT_FIELDS, ImmutableList.of());
        if (o == null) {
            return;
        }
        Integer idle = f.intField(o, "idleSeconds", path, Timeouts.DEFAULT_IDLE_SECONDS, 1, 65535);
        Integer closing = f.intField(o, "closingSeconds", path, Timeouts.DEFAULT_CLOSING_SECONDS, 1, 65535);
        if (idle != null && closing != null) {
            if (closing > idle) {
                errors.add(child(path, "closingSeconds"), closing + " is longer than idleSeconds " + idle);
                return;
            }
            b.timeouts(Timeouts.of(idle, closing));
        }
    }
}
