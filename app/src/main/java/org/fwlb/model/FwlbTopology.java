package org.fwlb.model;

import com.google.common.base.MoreObjects;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.DeviceId;
import org.onosproject.net.PortNumber;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The whole system description (the parsed netcfg): the firewall sandwich, servers, dispatchers of every
 * stage, virtual services, timeouts and the connection table cap, with fast lookups and dispatch-tree
 * helpers. Immutable; lookups that find nothing return null.
 * <p>
 * Built from a validated configuration ({@link org.fwlb.config.FwlbConfig#topology()}); if built
 * directly from inconsistent parts, lookups keep the first of duplicate ids and tree helpers never loop.
 */
public final class FwlbTopology {
    /** Default hard cap of the connection table. */
    public static final int DEFAULT_MAX_CONNECTIONS = 200_000;

    private static final FwlbTopology EMPTY = builder().build();

    private final FirewallDispatcher external;
    private final FirewallDispatcher internal;
    private final ImmutableList<Firewall> firewalls;
    private final ImmutableList<TrafficClass> trafficClasses;
    private final ProbeSettings probe;
    private final ImmutableList<Server> servers;
    private final ImmutableList<Dispatcher> dispatchers;
    private final ImmutableList<VirtualService> services;
    private final Timeouts timeouts;
    private final int maxConnections;

    private final Firewall[] firewallArray;
    private final Map<String, Firewall> firewallsById;
    private final Map<String, Integer> firewallPositions;
    private final Map<String, Server> serversById;
    private final Map<IpAddress, Server> serversByIp;
    private final Map<String, Dispatcher> dispatchersById;
    private final Map<DeviceId, List<Dispatcher>> dispatchersByDevice;
    private final Map<String, VirtualService> servicesById;
    private final long[] serviceKeys;
    private final VirtualService[] serviceArray;
    private final Map<String, List<String>> parents;
    private final Map<String, Integer> depths;
    private final Set<String> serviceTypes;
    private final Map<String, Map<String, List<Server>>> reachableServers;
    private final Map<String, Map<String, List<String>>> candidates;

    private FwlbTopology(Builder b) {
        this.external = b.external;
        this.internal = b.internal;
        checkArgument(external == null || external.role() == FirewallDispatcher.Role.EXTERNAL,
                      "external dispatcher must have role EXTERNAL");
        checkArgument(internal == null || internal.role() == FirewallDispatcher.Role.INTERNAL,
                      "internal dispatcher must have role INTERNAL");
        this.firewalls = ImmutableList.copyOf(b.firewalls);
        this.trafficClasses = ImmutableList.copyOf(b.trafficClasses);
        this.probe = checkNotNull(b.probe, "probe");
        this.servers = ImmutableList.copyOf(b.servers);
        this.dispatchers = ImmutableList.copyOf(b.dispatchers);
        this.services = ImmutableList.copyOf(b.services);
        this.timeouts = checkNotNull(b.timeouts, "timeouts");
        checkArgument(b.maxConnections > 0, "maxConnections must be > 0");
        this.maxConnections = b.maxConnections;

        this.firewallArray = firewalls.toArray(new Firewall[0]);
        Map<String, Firewall> fws = new LinkedHashMap<>();
        Map<String, Integer> positions = new HashMap<>();
        for (int i = 0; i < firewallArray.length; i++) {
            fws.putIfAbsent(firewallArray[i].id(), firewallArray[i]);
            positions.putIfAbsent(firewallArray[i].id(), i);
        }
        this.firewallsById = ImmutableMap.copyOf(fws);
        this.firewallPositions = ImmutableMap.copyOf(positions);

        Map<String, Server> srvs = new LinkedHashMap<>();
        Map<IpAddress, Server> srvIps = new HashMap<>();
        Set<String> types = new LinkedHashSet<>();
        for (Server s : servers) {
            srvs.putIfAbsent(s.id(), s);
            srvIps.putIfAbsent(s.ip(), s);
            types.addAll(s.services());
        }
        this.serversById = ImmutableMap.copyOf(srvs);
        this.serversByIp = ImmutableMap.copyOf(srvIps);
        this.serviceTypes = ImmutableSet.copyOf(types);

        Map<String, Dispatcher> disps = new LinkedHashMap<>();
        Map<DeviceId, List<Dispatcher>> byDevice = new LinkedHashMap<>();
        for (Dispatcher d : dispatchers) {
            if (disps.putIfAbsent(d.id(), d) == null && d.isSwitchRealized()) {
                byDevice.computeIfAbsent(d.deviceId().get(), k -> new ArrayList<>()).add(d);
            }
        }
        this.dispatchersById = ImmutableMap.copyOf(disps);
        ImmutableMap.Builder<DeviceId, List<Dispatcher>> dev = ImmutableMap.builder();
        byDevice.forEach((k, v) -> dev.put(k, ImmutableList.copyOf(v)));
        this.dispatchersByDevice = dev.build();

        Map<String, VirtualService> svcs = new LinkedHashMap<>();
        for (VirtualService v : services) {
            svcs.putIfAbsent(v.id(), v);
        }
        this.servicesById = ImmutableMap.copyOf(svcs);
        this.serviceArray = services.toArray(new VirtualService[0]);
        this.serviceKeys = new long[serviceArray.length];
        for (int i = 0; i < serviceArray.length; i++) {
            VirtualService v = serviceArray[i];
            serviceKeys[i] = v.vip().isIp4() ? serviceKey(v.vip().getIp4Address().toInt(),
                                                           v.protocol().number(), v.port()) : -1L;
        }

        this.parents = computeParents();
        this.depths = computeDepths();
        this.reachableServers = computeReachableServers();
        this.candidates = computeCandidates();
    }

    private static long serviceKey(int vip, int protocol, int port) {
        return ((vip & 0xffffffffL) << 24) | ((long) (protocol & 0xff) << 16) | (port & 0xffff);
    }

    private Map<String, List<String>> computeParents() {
        Map<String, List<String>> p = new LinkedHashMap<>();
        for (Dispatcher d : dispatchersById.values()) {
            for (String child : d.reaches()) {
                List<String> list = p.computeIfAbsent(child, k -> new ArrayList<>());
                if (!list.contains(d.id())) {
                    list.add(d.id());
                }
            }
        }
        ImmutableMap.Builder<String, List<String>> b = ImmutableMap.builder();
        p.forEach((k, v) -> b.put(k, ImmutableList.copyOf(v)));
        return b.build();
    }

    private Map<String, Integer> computeDepths() {
        Map<String, Integer> depth = new HashMap<>();
        Deque<String> queue = new ArrayDeque<>();
        for (Dispatcher d : dispatchersById.values()) {
            if (!parents.containsKey(d.id())) {
                depth.put(d.id(), 1);
                queue.add(d.id());
            }
        }
        while (!queue.isEmpty()) {
            String id = queue.poll();
            int next = depth.get(id) + 1;
            for (String child : dispatchersById.get(id).reaches()) {
                if (dispatchersById.containsKey(child) && !depth.containsKey(child)) {
                    depth.put(child, next);
                    queue.add(child);
                }
            }
        }
        return ImmutableMap.copyOf(depth);
    }

    private Map<String, Map<String, List<Server>>> computeReachableServers() {
        ImmutableMap.Builder<String, Map<String, List<Server>>> b = ImmutableMap.builder();
        for (Dispatcher d : dispatchersById.values()) {
            Set<Server> reached = new HashSet<>();
            collectServers(d.id(), new HashSet<>(), reached);
            ImmutableMap.Builder<String, List<Server>> byType = ImmutableMap.builder();
            for (String type : serviceTypes) {
                ImmutableList.Builder<Server> l = ImmutableList.builder();
                // configuration order, whatever the tree's shape
                serversById.values().stream().filter(s -> reached.contains(s) && s.offers(type)).forEach(l::add);
                byType.put(type, l.build());
            }
            b.put(d.id(), byType.build());
        }
        return b.build();
    }

    private void collectServers(String id, Set<String> visited, Set<Server> out) {
        if (!visited.add(id)) {
            return;
        }
        Server s = serversById.get(id);
        if (s != null) {
            out.add(s);
            return;
        }
        Dispatcher d = dispatchersById.get(id);
        if (d != null) {
            for (String child : d.reaches()) {
                collectServers(child, visited, out);
            }
        }
    }

    private Map<String, Map<String, List<String>>> computeCandidates() {
        ImmutableMap.Builder<String, Map<String, List<String>>> b = ImmutableMap.builder();
        for (Dispatcher d : dispatchersById.values()) {
            ImmutableMap.Builder<String, List<String>> byType = ImmutableMap.builder();
            for (String type : serviceTypes) {
                ImmutableList.Builder<String> l = ImmutableList.builder();
                for (String child : d.reaches()) {
                    Server s = serversById.get(child);
                    if (s != null ? s.offers(type)
                            : dispatchersById.containsKey(child)
                            && !reachableServers.get(child).get(type).isEmpty()) {
                        l.add(child);
                    }
                }
                byType.put(type, l.build());
            }
            b.put(d.id(), byType.build());
        }
        return b.build();
    }

    /**
     * Returns the empty topology (no sandwich, no dispatch tree, defaults).
     *
     * @return empty topology
     */
    public static FwlbTopology empty() {
        return EMPTY;
    }

    /**
     * Returns a new builder.
     *
     * @return builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder initialised from this topology (e.g. to change one member's admin state).
     *
     * @return builder
     */
    public Builder toBuilder() {
        return new Builder().external(external).internal(internal).firewalls(firewalls)
                .trafficClasses(trafficClasses).probe(probe).servers(servers).dispatchers(dispatchers)
                .services(services).timeouts(timeouts).maxConnections(maxConnections);
    }

    // ---- sandwich ----

    /**
     * Returns true when a firewall sandwich is configured (both firewall dispatchers).
     *
     * @return true when there is a sandwich
     */
    public boolean hasSandwich() {
        return external != null && internal != null;
    }

    /**
     * Returns the external firewall dispatcher.
     *
     * @return external FLB, or empty
     */
    public Optional<FirewallDispatcher> external() {
        return Optional.ofNullable(external);
    }

    /**
     * Returns the internal firewall dispatcher.
     *
     * @return internal FLB, or empty
     */
    public Optional<FirewallDispatcher> internal() {
        return Optional.ofNullable(internal);
    }

    /**
     * Returns which firewall dispatcher a device is.
     *
     * @param device device
     * @return its role, or null when the device is neither firewall dispatcher
     */
    public FirewallDispatcher.Role firewallRoleOf(DeviceId device) {
        if (external != null && external.deviceId().equals(device)) {
            return FirewallDispatcher.Role.EXTERNAL;
        }
        if (internal != null && internal.deviceId().equals(device)) {
            return FirewallDispatcher.Role.INTERNAL;
        }
        return null;
    }

    /**
     * Returns the firewalls in configuration order.
     *
     * @return firewalls
     */
    public List<Firewall> firewalls() {
        return firewalls;
    }

    /**
     * Returns a firewall by id.
     *
     * @param id firewall id
     * @return firewall, or null
     */
    public Firewall firewall(String id) {
        return firewallsById.get(id);
    }

    /**
     * Returns the position of a firewall in configuration order.
     *
     * @param id firewall id
     * @return zero-based position, or -1
     */
    public int firewallPosition(String id) {
        Integer p = firewallPositions.get(id);
        return p == null ? -1 : p;
    }

    /**
     * Returns the firewall attached at a port of the external firewall dispatcher.
     *
     * @param port port number
     * @return firewall, or null
     */
    public Firewall firewallByOutsidePort(PortNumber port) {
        for (Firewall f : firewallArray) {
            if (f.outside().port().equals(port)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Returns the firewall attached at a port of the internal firewall dispatcher.
     *
     * @param port port number
     * @return firewall, or null
     */
    public Firewall firewallByInsidePort(PortNumber port) {
        for (Firewall f : firewallArray) {
            if (f.inside().port().equals(port)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Returns the firewall whose outside interface has this MAC.
     *
     * @param mac MAC address
     * @return firewall, or null
     */
    public Firewall firewallByOutsideMac(MacAddress mac) {
        for (Firewall f : firewallArray) {
            if (f.outside().mac().equals(mac)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Returns the firewall whose inside interface has this MAC.
     *
     * @param mac MAC address
     * @return firewall, or null
     */
    public Firewall firewallByInsideMac(MacAddress mac) {
        for (Firewall f : firewallArray) {
            if (f.inside().mac().equals(mac)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Returns the firewall identified by a path tag.
     *
     * @param tag path tag
     * @return firewall, or null
     */
    public Firewall firewallByPathTag(PathTag tag) {
        for (Firewall f : firewallArray) {
            if (f.pathTag().equals(tag)) {
                return f;
            }
        }
        return null;
    }

    /**
     * Returns the sandwich traffic classes in order.
     *
     * @return traffic classes
     */
    public List<TrafficClass> trafficClasses() {
        return trafficClasses;
    }

    /**
     * Returns the first traffic class (in configuration order) that a packet belongs to.
     *
     * @param protocol IP protocol number
     * @param dstPort  destination port
     * @return traffic class, or null when none matches
     */
    public TrafficClass trafficClassFor(int protocol, int dstPort) {
        for (int i = 0; i < trafficClasses.size(); i++) {
            TrafficClass t = trafficClasses.get(i);
            if (t.matches(protocol, dstPort)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Returns the health probe settings.
     *
     * @return probe settings
     */
    public ProbeSettings probe() {
        return probe;
    }

    // ---- dispatch ----

    /**
     * Returns the servers in configuration order.
     *
     * @return servers
     */
    public List<Server> servers() {
        return servers;
    }

    /**
     * Returns a server by id.
     *
     * @param id server id
     * @return server, or null
     */
    public Server server(String id) {
        return serversById.get(id);
    }

    /**
     * Returns a server by IP.
     *
     * @param ip IP address
     * @return server, or null
     */
    public Server serverByIp(IpAddress ip) {
        return serversByIp.get(ip);
    }

    /**
     * Returns the dispatchers in configuration order.
     *
     * @return dispatchers
     */
    public List<Dispatcher> dispatchers() {
        return dispatchers;
    }

    /**
     * Returns a dispatcher by id.
     *
     * @param id dispatcher id
     * @return dispatcher, or null
     */
    public Dispatcher dispatcher(String id) {
        return dispatchersById.get(id);
    }

    /**
     * Returns the dispatchers realized by a switch.
     *
     * @param deviceId device id
     * @return dispatchers (empty when none)
     */
    public List<Dispatcher> dispatchersOnDevice(DeviceId deviceId) {
        List<Dispatcher> l = dispatchersByDevice.get(deviceId);
        return l == null ? ImmutableList.of() : l;
    }

    /**
     * Returns the virtual services in configuration order.
     *
     * @return services
     */
    public List<VirtualService> services() {
        return services;
    }

    /**
     * Returns a virtual service by id.
     *
     * @param id service id
     * @return service, or null
     */
    public VirtualService service(String id) {
        return servicesById.get(id);
    }

    /**
     * Returns the virtual service at (VIP, protocol, port); allocation-free.
     *
     * @param vip      VIP as IPv4 int
     * @param protocol IP protocol number
     * @param port     destination port
     * @return service, or null
     */
    public VirtualService serviceFor(int vip, int protocol, int port) {
        long k = serviceKey(vip, protocol, port);
        for (int i = 0; i < serviceKeys.length; i++) {
            if (serviceKeys[i] == k) {
                return serviceArray[i];
            }
        }
        return null;
    }

    /**
     * Returns the virtual service at (VIP, protocol, port).
     *
     * @param vip      VIP
     * @param protocol protocol
     * @param port     destination port
     * @return service, or null
     */
    public VirtualService serviceFor(IpAddress vip, Protocol protocol, int port) {
        if (!vip.isIp4()) {
            return null;
        }
        return serviceFor(vip.getIp4Address().toInt(), protocol.number(), port);
    }

    /**
     * Returns the services whose first stage is the given dispatcher.
     *
     * @param dispatcherId dispatcher id
     * @return services
     */
    public List<VirtualService> servicesWithFirstStage(String dispatcherId) {
        ImmutableList.Builder<VirtualService> b = ImmutableList.builder();
        for (VirtualService v : services) {
            if (v.firstStage().equals(dispatcherId)) {
                b.add(v);
            }
        }
        return b.build();
    }

    /**
     * Returns true when the id names a server.
     *
     * @param id id
     * @return true for a server
     */
    public boolean isServer(String id) {
        return serversById.containsKey(id);
    }

    /**
     * Returns true when the id names a dispatcher.
     *
     * @param id id
     * @return true for a dispatcher
     */
    public boolean isDispatcher(String id) {
        return dispatchersById.containsKey(id);
    }

    /**
     * Returns the ids a dispatcher reaches (servers and next-stage dispatchers), in order.
     *
     * @param dispatcherId dispatcher id
     * @return ids (empty when unknown)
     */
    public List<String> children(String dispatcherId) {
        Dispatcher d = dispatchersById.get(dispatcherId);
        return d == null ? ImmutableList.of() : d.reaches();
    }

    /**
     * Returns the next-stage dispatchers a dispatcher reaches.
     *
     * @param dispatcherId dispatcher id
     * @return dispatchers
     */
    public List<Dispatcher> childDispatchers(String dispatcherId) {
        ImmutableList.Builder<Dispatcher> b = ImmutableList.builder();
        for (String c : children(dispatcherId)) {
            Dispatcher d = dispatchersById.get(c);
            if (d != null) {
                b.add(d);
            }
        }
        return b.build();
    }

    /**
     * Returns the servers a dispatcher reaches directly.
     *
     * @param dispatcherId dispatcher id
     * @return servers
     */
    public List<Server> childServers(String dispatcherId) {
        ImmutableList.Builder<Server> b = ImmutableList.builder();
        for (String c : children(dispatcherId)) {
            Server s = serversById.get(c);
            if (s != null) {
                b.add(s);
            }
        }
        return b.build();
    }

    /**
     * Returns the dispatchers that reach a server or dispatcher.
     *
     * @param id server or dispatcher id
     * @return dispatcher ids (empty for a root or unknown id)
     */
    public List<String> parents(String id) {
        List<String> l = parents.get(id);
        return l == null ? ImmutableList.of() : l;
    }

    /**
     * Returns the stage of a dispatcher: 1 for a dispatcher no other dispatcher reaches, else one more
     * than the shallowest dispatcher reaching it.
     *
     * @param dispatcherId dispatcher id
     * @return stage depth, or 0 when unknown
     */
    public int stageDepth(String dispatcherId) {
        Integer d = depths.get(dispatcherId);
        return d == null ? 0 : d;
    }

    /**
     * Returns the service types offered by any server.
     *
     * @return service types
     */
    public Set<String> serviceTypes() {
        return serviceTypes;
    }

    /**
     * Returns every server offering a service type that is reachable from a dispatcher (any depth), in
     * configuration order.
     *
     * @param dispatcherId dispatcher id (e.g. a service's first stage)
     * @param serviceType  service type
     * @return servers (empty when none or unknown)
     */
    public List<Server> serversReachable(String dispatcherId, String serviceType) {
        Map<String, List<Server>> byType = reachableServers.get(dispatcherId);
        List<Server> l = byType == null ? null : byType.get(serviceType);
        return l == null ? ImmutableList.of() : l;
    }

    /**
     * Returns the children of a dispatcher that can serve a service type: servers offering it and
     * dispatchers from which such a server is reachable, in configuration order. These are the members
     * a dispatcher's policy chooses among. Precomputed; allocation-free.
     *
     * @param dispatcherId dispatcher id
     * @param serviceType  service type
     * @return candidate ids (empty when none or unknown)
     */
    public List<String> candidates(String dispatcherId, String serviceType) {
        Map<String, List<String>> byType = candidates.get(dispatcherId);
        List<String> l = byType == null ? null : byType.get(serviceType);
        return l == null ? ImmutableList.of() : l;
    }

    // ---- global ----

    /**
     * Returns the timeouts.
     *
     * @return timeouts
     */
    public Timeouts timeouts() {
        return timeouts;
    }

    /**
     * Returns the hard cap of the connection table.
     *
     * @return max connections
     */
    public int maxConnections() {
        return maxConnections;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FwlbTopology)) {
            return false;
        }
        FwlbTopology t = (FwlbTopology) o;
        return maxConnections == t.maxConnections && Objects.equals(external, t.external)
                && Objects.equals(internal, t.internal) && firewalls.equals(t.firewalls)
                && trafficClasses.equals(t.trafficClasses) && probe.equals(t.probe) && servers.equals(t.servers)
                && dispatchers.equals(t.dispatchers) && services.equals(t.services) && timeouts.equals(t.timeouts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(external, internal, firewalls, trafficClasses, probe, servers, dispatchers, services,
                            timeouts, maxConnections);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("FwlbTopology").omitNullValues().add("external", external)
                .add("internal", internal).add("firewalls", firewalls).add("trafficClasses", trafficClasses)
                .add("probe", probe).add("servers", servers).add("dispatchers", dispatchers)
                .add("services", services).add("timeouts", timeouts).add("maxConnections", maxConnections)
                .toString();
    }

    /**
     * Builder of {@link FwlbTopology}.
     */
    public static final class Builder {
        private FirewallDispatcher external;
        private FirewallDispatcher internal;
        private List<Firewall> firewalls = new ArrayList<>();
        private List<TrafficClass> trafficClasses = new ArrayList<>();
        private ProbeSettings probe = ProbeSettings.defaults();
        private List<Server> servers = new ArrayList<>();
        private List<Dispatcher> dispatchers = new ArrayList<>();
        private List<VirtualService> services = new ArrayList<>();
        private Timeouts timeouts = Timeouts.defaults();
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;

        private Builder() {
        }

        /**
         * Sets the external firewall dispatcher.
         *
         * @param external external FLB or null
         * @return this
         */
        public Builder external(FirewallDispatcher external) {
            this.external = external;
            return this;
        }

        /**
         * Sets the internal firewall dispatcher.
         *
         * @param internal internal FLB or null
         * @return this
         */
        public Builder internal(FirewallDispatcher internal) {
            this.internal = internal;
            return this;
        }

        /**
         * Replaces the firewalls.
         *
         * @param list firewalls
         * @return this
         */
        public Builder firewalls(Collection<Firewall> list) {
            this.firewalls = new ArrayList<>(list);
            return this;
        }

        /**
         * Adds a firewall.
         *
         * @param f firewall
         * @return this
         */
        public Builder addFirewall(Firewall f) {
            firewalls.add(checkNotNull(f));
            return this;
        }

        /**
         * Replaces the traffic classes.
         *
         * @param list traffic classes
         * @return this
         */
        public Builder trafficClasses(Collection<TrafficClass> list) {
            this.trafficClasses = new ArrayList<>(list);
            return this;
        }

        /**
         * Adds a traffic class.
         *
         * @param t traffic class
         * @return this
         */
        public Builder addTrafficClass(TrafficClass t) {
            trafficClasses.add(checkNotNull(t));
            return this;
        }

        /**
         * Sets the probe settings.
         *
         * @param p probe settings
         * @return this
         */
        public Builder probe(ProbeSettings p) {
            this.probe = p;
            return this;
        }

        /**
         * Replaces the servers.
         *
         * @param list servers
         * @return this
         */
        public Builder servers(Collection<Server> list) {
            this.servers = new ArrayList<>(list);
            return this;
        }

        /**
         * Adds a server.
         *
         * @param s server
         * @return this
         */
        public Builder addServer(Server s) {
            servers.add(checkNotNull(s));
            return this;
        }

        /**
         * Replaces the dispatchers.
         *
         * @param list dispatchers
         * @return this
         */
        public Builder dispatchers(Collection<Dispatcher> list) {
            this.dispatchers = new ArrayList<>(list);
            return this;
        }

        /**
         * Adds a dispatcher.
         *
         * @param d dispatcher
         * @return this
         */
        public Builder addDispatcher(Dispatcher d) {
            dispatchers.add(checkNotNull(d));
            return this;
        }

        /**
         * Replaces the services.
         *
         * @param list services
         * @return this
         */
        public Builder services(Collection<VirtualService> list) {
            this.services = new ArrayList<>(list);
            return this;
        }

        /**
         * Adds a service.
         *
         * @param v service
         * @return this
         */
        public Builder addService(VirtualService v) {
            services.add(checkNotNull(v));
            return this;
        }

        /**
         * Sets the timeouts.
         *
         * @param t timeouts
         * @return this
         */
        public Builder timeouts(Timeouts t) {
            this.timeouts = t;
            return this;
        }

        /**
         * Sets the connection table cap.
         *
         * @param max max connections
         * @return this
         */
        public Builder maxConnections(int max) {
            this.maxConnections = max;
            return this;
        }

        /**
         * Builds the topology.
         *
         * @return topology
         */
        public FwlbTopology build() {
            return new FwlbTopology(this);
        }
    }
}
