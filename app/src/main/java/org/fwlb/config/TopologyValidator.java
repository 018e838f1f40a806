package org.fwlb.config;

import org.fwlb.model.DispatchMode;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.DispatcherKind;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.fwlb.model.TrafficClass;
import org.fwlb.model.VirtualService;
import org.fwlb.policy.Policies;
import org.onlab.packet.IpAddress;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onosproject.net.ConnectPoint;
import org.onosproject.net.PortNumber;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.fwlb.config.ConfigErrors.child;
import static org.fwlb.config.ConfigErrors.element;
import static org.fwlb.config.JsonFields.quote;

/**
 * Cross-reference and uniqueness rules of a topology: duplicate ids, MACs, IPs and switch ports; unknown
 * references; cycles in the dispatch tree; servers in no stage; services no server can serve; policy and
 * mode combinations; subnets: with a sandwich every address (gateways, firewall interfaces, servers,
 * dispatchers, VIPs) lies in its external or internal subnet — traffic to any other address has no way through
 * the sandwich. Error paths follow the JSON layout (list positions).
 */
public final class TopologyValidator {
    private static final String FWS = "sandwich.firewalls";
    private static final String CLASSES = "sandwich.trafficClasses";

    private final FwlbTopology t;
    private final ConfigErrors errors = new ConfigErrors();
    private final Map<MacAddress, String> macs = new HashMap<>();
    private final Map<IpAddress, String> hostIps = new HashMap<>();
    private final Map<ConnectPoint, String> firewallPorts = new HashMap<>();

    private TopologyValidator(FwlbTopology t) {
        this.t = t;
    }

    /**
     * Validates a topology.
     *
     * @param topology topology
     * @return errors, each "path: message"; empty when valid
     */
    public static List<String> validate(FwlbTopology topology) {
        TopologyValidator v = new TopologyValidator(topology);
        v.run();
        return v.errors.list();
    }

    private void run() {
        checkMemberIds();
        checkSandwich();
        checkTrafficClasses();
        checkServers();
        checkDispatchers();
        checkCycles();
        checkServersInStage();
        checkServices();
        checkAddressesInSubnets();
    }

    // ---- ids ----

    private void checkMemberIds() {
        // firewalls, servers and dispatchers share one id space: connection counts are kept per member id
        Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < t.firewalls().size(); i++) {
            memberId(seen, t.firewalls().get(i).id(), element(FWS, i));
        }
        for (int i = 0; i < t.servers().size(); i++) {
            memberId(seen, t.servers().get(i).id(), element("servers", i));
        }
        for (int i = 0; i < t.dispatchers().size(); i++) {
            memberId(seen, t.dispatchers().get(i).id(), element("dispatchers", i));
        }
    }

    private void memberId(Map<String, String> seen, String id, String path) {
        String prev = seen.putIfAbsent(id, path);
        if (prev != null) {
            errors.add(child(path, "id"), "duplicate id " + quote(id) + " (already used by " + prev
                    + "; firewalls, servers and dispatchers share one id space)");
        }
    }

    // ---- sandwich ----

    private void checkSandwich() {
        FirewallDispatcher ext = t.external().orElse(null);
        FirewallDispatcher in = t.internal().orElse(null);
        if (!t.firewalls().isEmpty() && ext == null) {
            errors.add("sandwich.external", "is required when firewalls are configured");
        }
        if (!t.firewalls().isEmpty() && in == null) {
            errors.add("sandwich.internal", "is required when firewalls are configured");
        }
        if ((ext != null || in != null) && t.firewalls().isEmpty()) {
            errors.add(FWS, "needs at least one firewall");
        }
        if (ext != null) {
            side(ext, "sandwich.external");
        }
        if (in != null) {
            side(in, "sandwich.internal");
        }
        if (ext != null && in != null && overlap(ext.subnet(), in.subnet())) {
            errors.add("sandwich.internal.subnet", in.subnet() + " overlaps sandwich.external.subnet "
                    + ext.subnet());
        }
        Map<Integer, String> tags = new HashMap<>();
        for (int i = 0; i < t.firewalls().size(); i++) {
            Firewall f = t.firewalls().get(i);
            String p = element(FWS, i);
            String prev = tags.putIfAbsent(f.pathTag().value(), p);
            if (prev != null) {
                errors.add(child(p, "pathTag"), f.pathTag().value() + " is already the path tag of " + prev);
            }
            if (ext != null) {
                attachment(ext, f.outside().port(), f.outside().mac(), f.outside().ip(), child(p, "outside"));
            }
            if (in != null) {
                attachment(in, f.inside().port(), f.inside().mac(), f.inside().ip(), child(p, "inside"));
            }
        }
    }

    private void side(FirewallDispatcher s, String path) {
        if (!s.subnet().contains(s.gatewayIp())) {
            errors.add(child(path, "gatewayIp"), s.gatewayIp() + " is outside subnet " + s.subnet());
        }
        mac(s.gatewayMac(), child(path, "gatewayMac"));
        hostIp(s.gatewayIp(), child(path, "gatewayIp"));
    }

    private void attachment(FirewallDispatcher side, PortNumber port, MacAddress mac, IpAddress ip, String path) {
        ConnectPoint cp = new ConnectPoint(side.deviceId(), port);
        String prev = firewallPorts.putIfAbsent(cp, path);
        if (prev != null) {
            errors.add(child(path, "port"), "port " + port + " of " + side.deviceId() + " is already used by "
                    + prev);
        }
        mac(mac, child(path, "mac"));
        if (!side.subnet().contains(ip)) {
            errors.add(child(path, "ip"), ip + " is outside the " + side.role().name().toLowerCase()
                    + " subnet " + side.subnet());
        }
        hostIp(ip, child(path, "ip"));
    }

    private static boolean overlap(IpPrefix a, IpPrefix b) {
        return a.contains(b) || b.contains(a);
    }

    private void mac(MacAddress mac, String path) {
        String prev = macs.putIfAbsent(mac, path);
        if (prev != null) {
            errors.add(path, mac + " is already used by " + prev);
        }
    }

    private void hostIp(IpAddress ip, String path) {
        String prev = hostIps.putIfAbsent(ip, path);
        if (prev != null) {
            errors.add(path, ip + " is already used by " + prev);
        }
    }

    // Without a sandwich fwlb knows no subnet, so there is nothing to check an address against.
    private void checkAddressesInSubnets() {
        FirewallDispatcher ext = t.external().orElse(null);
        FirewallDispatcher in = t.internal().orElse(null);
        if (ext == null || in == null) {
            return;
        }
        for (int i = 0; i < t.servers().size(); i++) {
            inSubnet(t.servers().get(i).ip(), child(element("servers", i), "ip"), ext, in);
        }
        for (int i = 0; i < t.dispatchers().size(); i++) {
            inSubnet(t.dispatchers().get(i).ip(), child(element("dispatchers", i), "ip"), ext, in);
        }
        for (int i = 0; i < t.services().size(); i++) {
            inSubnet(t.services().get(i).vip(), child(element("services", i), "vip"), ext, in);
        }
    }

    private void inSubnet(IpAddress ip, String path, FirewallDispatcher ext, FirewallDispatcher in) {
        if (!ext.subnet().contains(ip) && !in.subnet().contains(ip)) {
            errors.add(path, ip + " is outside every configured subnet (sandwich.external.subnet " + ext.subnet()
                    + ", sandwich.internal.subnet " + in.subnet() + ")");
        }
    }

    // ---- traffic classes ----

    private void checkTrafficClasses() {
        Set<String> ids = new HashSet<>();
        Map<String, String> matched = new HashMap<>();
        Map<Integer, String> catchAll = new HashMap<>();
        for (int i = 0; i < t.trafficClasses().size(); i++) {
            TrafficClass c = t.trafficClasses().get(i);
            String p = element(CLASSES, i);
            if (!ids.add(c.id())) {
                errors.add(child(p, "id"), "duplicate traffic class id " + quote(c.id()));
            }
            policyAndMode(c.policy(), c.mode(), child(p, "policy"));
            int proto = c.protocol().number();
            String all = catchAll.get(proto);
            if (all != null) {
                errors.add(p, "unreachable: " + all + " already matches every " + c.protocol().jsonName() + " port");
                continue;
            }
            if (c.ports().isEmpty()) {
                catchAll.put(proto, p);
            }
            for (int j = 0; j < c.ports().size(); j++) {
                String k = proto + "/" + c.ports().get(j);
                String prev = matched.putIfAbsent(k, p);
                if (prev != null) {
                    errors.add(element(child(p, "ports"), j), c.protocol().jsonName() + " port " + c.ports().get(j)
                            + " is already matched by " + prev);
                }
            }
        }
    }

    private void policyAndMode(String policy, DispatchMode mode, String path) {
        if (policy == null) {
            return;
        }
        if (!Policies.isKnown(policy)) {
            errors.add(path, quote(policy) + " is not a known policy (known: " + String.join(", ", Policies.NAMES)
                    + ")");
        } else if (mode == DispatchMode.STATIC_HASH && !policy.equals("static-hash")) {
            errors.add(path, quote(policy) + " cannot be used with mode \"static-hash\" (use \"static-hash\" or "
                    + "omit policy)");
        }
    }

    // ---- servers and dispatchers ----

    private void checkServers() {
        for (int i = 0; i < t.servers().size(); i++) {
            Server s = t.servers().get(i);
            String p = element("servers", i);
            mac(s.mac(), child(p, "mac"));
            hostIp(s.ip(), child(p, "ip"));
            location(s.location(), child(p, "location"));
        }
    }

    private void location(ConnectPoint cp, String path) {
        String prev = firewallPorts.get(cp);
        if (prev != null) {
            errors.add(path, cp.deviceId() + "/" + cp.port() + " is a firewall attachment (" + prev + ")");
        }
    }

    private void checkDispatchers() {
        for (int i = 0; i < t.dispatchers().size(); i++) {
            Dispatcher d = t.dispatchers().get(i);
            String p = element("dispatchers", i);
            mac(d.mac(), child(p, "mac"));
            // dispatchers of one service may share its VIP, but never a host's address
            String owner = hostIps.get(d.ip());
            if (owner != null) {
                errors.add(child(p, "ip"), d.ip() + " is already used by " + owner);
            }
            d.location().ifPresent(cp -> location(cp, child(p, "location")));
            d.attachment().ifPresent(cp -> location(cp, child(p, "attachment")));
            if (d.kind() == DispatcherKind.L7_3 && d.isSwitchRealized()) {
                errors.add(child(p, "deviceId"), "an L7/3 dispatcher is a process, not a switch: omit deviceId "
                        + "and give its location");
            }
            if (!Policies.isKnown(d.policy())) {
                errors.add(child(p, "policy"), quote(d.policy()) + " is not a known policy (known: "
                        + String.join(", ", Policies.NAMES) + ")");
            }
            Set<String> listed = new HashSet<>();
            for (int j = 0; j < d.reaches().size(); j++) {
                String id = d.reaches().get(j);
                String rp = element(child(p, "reaches"), j);
                if (!listed.add(id)) {
                    errors.add(rp, quote(id) + " is listed twice");
                } else if (id.equals(d.id())) {
                    errors.add(rp, "a dispatcher cannot reach itself");
                } else if (t.firewall(id) != null) {
                    errors.add(rp, quote(id) + " is a firewall; reaches lists servers and dispatchers");
                } else if (!t.isServer(id) && !t.isDispatcher(id)) {
                    errors.add(rp, "unknown id " + quote(id) + " (not a server or dispatcher)");
                }
            }
        }
    }

    private void checkCycles() {
        Map<String, Integer> state = new HashMap<>(); // 1 = on stack, 2 = done
        for (Dispatcher d : t.dispatchers()) {
            if (!state.containsKey(d.id())) {
                dfs(d.id(), state, new ArrayList<>());
            }
        }
    }

    private void dfs(String id, Map<String, Integer> state, List<String> stack) {
        state.put(id, 1);
        stack.add(id);
        for (String child : t.children(id)) {
            if (!t.isDispatcher(child) || child.equals(id)) {
                continue;
            }
            Integer s = state.get(child);
            if (s == null) {
                dfs(child, state, stack);
            } else if (s == 1) {
                List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(child), stack.size()));
                cycle.add(child);
                int pos = indexOfDispatcher(id);
                errors.add(child(element("dispatchers", pos), "reaches"), "cycle in the dispatch tree: "
                        + String.join(" -> ", cycle));
            }
        }
        stack.remove(stack.size() - 1);
        state.put(id, 2);
    }

    private int indexOfDispatcher(String id) {
        for (int i = 0; i < t.dispatchers().size(); i++) {
            if (t.dispatchers().get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private void checkServersInStage() {
        for (int i = 0; i < t.servers().size(); i++) {
            Server s = t.servers().get(i);
            if (t.parents(s.id()).isEmpty()) {
                errors.add(element("servers", i), "server " + quote(s.id()) + " is in no dispatch stage "
                        + "(no dispatcher reaches it)");
            }
        }
    }

    // ---- services ----

    private void checkServices() {
        Set<String> ids = new HashSet<>();
        Map<String, String> endpoints = new HashMap<>();
        for (int i = 0; i < t.services().size(); i++) {
            VirtualService v = t.services().get(i);
            String p = element("services", i);
            if (!ids.add(v.id())) {
                errors.add(child(p, "id"), "duplicate service id " + quote(v.id()));
            }
            String ep = v.vip() + " " + v.protocol().jsonName() + "/" + v.port();
            String prev = endpoints.putIfAbsent(ep, p);
            if (prev != null) {
                errors.add(p, ep + " is already served by " + prev);
            }
            String owner = hostIps.get(v.vip());
            if (owner != null) {
                errors.add(child(p, "vip"), v.vip() + " is already used by " + owner);
            }
            policyAndMode(v.policy().orElse(null), v.mode(), child(p, "policy"));
            if (t.isServer(v.firstStage())) {
                errors.add(child(p, "firstStage"), quote(v.firstStage()) + " is a server; the first stage must be a "
                        + "dispatcher");
            } else if (!t.isDispatcher(v.firstStage())) {
                errors.add(child(p, "firstStage"), "unknown dispatcher " + quote(v.firstStage()));
            } else if (t.serversReachable(v.firstStage(), v.serviceType()).isEmpty()) {
                errors.add(child(p, "serviceType"), quote(v.serviceType()) + " is offered by no server reachable "
                        + "from first stage " + quote(v.firstStage()));
            }
        }
    }
}
