package org.fwlb.bench;

import org.fwlb.model.Dispatcher;
import org.fwlb.model.Firewall;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.onlab.packet.MacAddress;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * What both decision benchmarks set up alike.
 */
final class BenchSetup {

    /** The upstream router the external firewall dispatcher receives client SYNs from. */
    static final MacAddress ROUTER_MAC = MacAddress.valueOf("02:00:00:00:00:01");

    private BenchSetup() {
    }

    /**
     * Returns packet rates per member as PacketRateMonitor reports them (a concurrent map lookup): fixed,
     * unequal rates, so that least-packets has something to compare.
     *
     * @param t topology
     * @return rate per member id (0 for unknown ids)
     */
    static ToDoubleFunction<String> packetRates(FwlbTopology t) {
        Map<String, Double> rates = new ConcurrentHashMap<>();
        double r = 1000;
        for (Firewall f : t.firewalls()) {
            rates.put(f.id(), r);
            r += 250;
        }
        for (Dispatcher d : t.dispatchers()) {
            rates.put(d.id(), r);
            r += 250;
        }
        for (Server s : t.servers()) {
            rates.put(s.id(), r);
            r += 250;
        }
        return id -> rates.getOrDefault(id, 0.0);
    }
}
