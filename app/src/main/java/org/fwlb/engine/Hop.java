package org.fwlb.engine;

import com.google.common.base.MoreObjects;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FirewallDispatcher.Role;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Ip4;
import org.fwlb.model.Server;
import org.onosproject.net.PortNumber;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One decided step of a connection's path: a decision point with its choice (the firewall, the next stage or
 * server), the connection's firewall (where replies must go) and, for an answering stage, the port replies leave
 * by. A connection's hops follow from its entry and the plan, so its rules can be rebuilt at any time.
 */
public final class Hop {

    private final DecisionPoint point;
    private final Firewall firewall;
    private final String next;
    private final PortNumber uplink;
    private final boolean origin;

    Hop(DecisionPoint point, Firewall firewall, String next, PortNumber uplink, boolean origin) {
        this.point = point;
        this.firewall = firewall;
        this.next = next;
        this.uplink = uplink;
        this.origin = origin;
    }

    /** @return the decision point */
    public DecisionPoint point() {
        return point;
    }

    /** @return the connection's firewall, or null (no sandwich on the path) */
    public Firewall firewall() {
        return firewall;
    }

    /** @return the member chosen here (next stage or server); null at a firewall choice or a DF */
    public String next() {
        return next;
    }

    /**
     * @return where an answering stage's replies leave (null: not known, NORMAL is used); for an L4/2 stage, where
     *         its connections come in (its rule sends a connection back out that port with IN_PORT)
     */
    public PortNumber uplink() {
        return uplink;
    }

    /** @return whether this is the connection's first hop (its forward rule records the direction) */
    public boolean origin() {
        return origin;
    }

    /**
     * Returns the decided hops of a connection: the firewall choice (if it crosses the sandwich) and every stage
     * whose choice is recorded. A stage whose choice is not made yet (a later stage deciding when its own SYN
     * arrives) ends the list.
     *
     * @param plan    plan in force
     * @param e       connection
     * @param uplinks uplink of an answering stage (configured, else learned), or null
     * @return hops, in path order
     */
    public static List<Hop> of(EnginePlan plan, ConnectionEntry e, Function<Dispatcher, PortNumber> uplinks) {
        FwlbTopology t = plan.topology();
        List<Hop> out = new ArrayList<>(4);
        Firewall fw = e.path().firewallId().map(t::firewall).orElse(null);
        if (fw != null) {
            DecisionPoint p = plan.firewallChoice(originOf(t, e));
            if (p != null) {
                out.add(new Hop(p, fw, null, null, true));
            }
        } else {
            // FIG 8: no firewall choice pinned the connection (e.g. a static-hash class): the path tag its
            // answering stage read names the firewall its replies go to
            fw = e.path().pathTag().map(t::firewallByPathTag).orElse(null);
        }
        List<String> ids = e.path().dispatcherIds();
        for (int i = 0; i < ids.size(); i++) {
            DecisionPoint p = plan.pointOf(ids.get(i));
            if (p == null) {
                continue;       // a host-realized stage without DF: nothing to program
            }
            String next = null;
            if (p.kind() == DecisionPoint.Kind.L4_2) {
                next = i + 1 < ids.size() ? ids.get(i + 1) : e.path().serverId().orElse(null);
            } else if (p.kind() == DecisionPoint.Kind.L4_3) {
                next = e.path().serverId().orElse(null);
            }
            if (next == null && p.kind() != DecisionPoint.Kind.DF) {
                break;          // this stage has not decided yet
            }
            if (p.kind() == DecisionPoint.Kind.DF && fw == null) {
                break;
            }
            PortNumber up = p.answers() ? uplinkOf(p, fw, uplinks) : inPortOf(t, p, fw, uplinks);
            out.add(new Hop(p, fw, next, up, out.isEmpty()));
        }
        return out;
    }

    /** An answering stage's uplink: the firewall's own port when it hangs off the stage's switch (FIG 6). */
    static PortNumber uplinkOf(DecisionPoint p, Firewall fw, Function<Dispatcher, PortNumber> uplinks) {
        if (fw != null && p.kind() == DecisionPoint.Kind.L4_3 && isFirewallSide(p, fw)) {
            return fw.inside().port();
        }
        if (p.stage().uplink().isPresent()) {
            return p.stage().uplink().get();
        }
        return uplinks == null ? null : uplinks.apply(p.stage());
    }

    /**
     * Where an L4/2 stage's connections come in: on the internal firewall dispatcher, the firewall's inside port;
     * else its uplink (configured, else learned from its SYNs).
     *
     * @param t       topology
     * @param p       an L4/2 stage
     * @param fw      the connection's firewall, or null
     * @param uplinks learned uplinks, or null
     * @return port, or null when not known
     */
    static PortNumber inPortOf(FwlbTopology t, DecisionPoint p, Firewall fw, Function<Dispatcher, PortNumber> uplinks) {
        if (fw != null && t.internal().map(d -> d.deviceId().equals(p.device())).orElse(false)) {
            return fw.inside().port();
        }
        if (p.stage().uplink().isPresent()) {
            return p.stage().uplink().get();
        }
        return uplinks == null ? null : uplinks.apply(p.stage());
    }

    /** Whether a stage sits on the internal firewall dispatcher, where the firewall's inside interface hangs. */
    static boolean isFirewallSide(DecisionPoint p, Firewall fw) {
        return p.owner() == Owner.SANDWICH;
    }

    /**
     * Returns the side a connection started from: private clients sit in the internal subnet.
     *
     * @param t topology
     * @param e connection
     * @return origin
     */
    public static Role originOf(FwlbTopology t, ConnectionEntry e) {
        boolean inside = t.internal().isPresent()
                && t.internal().get().subnet().contains(Ip4.toAddress(e.flow().srcIp()));
        return inside ? Role.INTERNAL : Role.EXTERNAL;
    }

    /**
     * Returns the server of a hop's choice.
     *
     * @param t topology
     * @return server, or null when the choice is a dispatcher
     */
    public Server server(FwlbTopology t) {
        return next == null ? null : t.server(next);
    }

    @Override
    public String toString() {
        return MoreObjects.toStringHelper("Hop").add("point", point.id()).add("fw", firewall == null ? null
                : firewall.id()).add("next", next).add("uplink", uplink).add("origin", origin).toString();
    }
}
