package org.fwlb.engine.impl;

import com.google.common.collect.ImmutableList;
import org.onosproject.core.ApplicationId;
import org.onosproject.net.DeviceId;
import org.onosproject.net.meter.Band;
import org.onosproject.net.meter.DefaultBand;
import org.onosproject.net.meter.DefaultMeterRequest;
import org.onosproject.net.meter.Meter;
import org.onosproject.net.meter.MeterId;
import org.onosproject.net.meter.MeterRequest;
import org.onosproject.net.meter.MeterService;
import org.slf4j.Logger;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.slf4j.LoggerFactory.getLogger;

/**
 * The packets-per-second meters the engine's punt rules go through, one per (device, purpose): the TCP punts and
 * the ARP/probe punts have separate budgets, so a TCP flood cannot starve the gateways' ARP answers. A meter with
 * the wanted rate found on the switch (a previous master's) is reused.
 */
final class PuntMeters {

    private final Logger log = getLogger(getClass());

    private final MeterService meters;
    private final ApplicationId appId;
    /** (device, purpose) to meter id and the (rate, burst) it was made with. */
    private final Map<List<Object>, MeterId> ids = new ConcurrentHashMap<>();
    private final Map<List<Object>, List<Integer>> settings = new ConcurrentHashMap<>();
    /** Meters replaced by new settings: withdrawn once the rules that used them moved to the new ones. */
    private final List<Object[]> retired = new java.util.concurrent.CopyOnWriteArrayList<>();

    PuntMeters(MeterService meters, ApplicationId appId) {
        this.meters = meters;
        this.appId = appId;
    }

    /**
     * Returns the meter of a device and purpose with a rate, making it if needed.
     *
     * @param dev     device
     * @param purpose e.g. "punt", "arp"
     * @param rate    packets/s; 0 = none
     * @param burst   burst
     * @return meter, or empty (no metering)
     */
    Optional<MeterId> meter(DeviceId dev, String purpose, int rate, int burst) {
        List<Object> key = Arrays.asList(dev, purpose);
        List<Integer> wanted = Arrays.asList(rate, burst);
        MeterId id = ids.get(key);
        if (id != null && !wanted.equals(settings.get(key))) {
            retired.add(new Object[]{dev, ids.remove(key)});
            id = null;
        }
        if (rate <= 0) {
            return Optional.empty();
        }
        if (id == null) {
            id = existing(dev, rate, burst, key);
        }
        if (id == null) {
            try {
                Band band = DefaultBand.builder().ofType(Band.Type.DROP).withRate(rate).burstSize(burst).build();
                MeterRequest req = DefaultMeterRequest.builder().forDevice(dev).fromApp(appId)
                        .withUnit(Meter.Unit.PKTS_PER_SEC).burst().withBands(ImmutableList.of(band)).add();
                id = meters.submit(req).id();
            } catch (RuntimeException e) {
                log.warn("no {} meter on {} ({}); those punts are not rate-limited", purpose, dev, e.getMessage());
                return Optional.empty();
            }
        }
        ids.put(key, id);
        settings.put(key, wanted);
        return Optional.of(id);
    }

    /** A meter of ours with the wanted band already on the device, not claimed for another purpose. */
    private MeterId existing(DeviceId dev, int rate, int burst, List<Object> key) {
        try {
            for (Meter m : meters.getMeters(dev)) {
                if (appId.equals(m.appId()) && m.unit() == Meter.Unit.PKTS_PER_SEC && m.bands().size() == 1
                        && !ids.containsValue(m.id())) {
                    Band b = m.bands().iterator().next();
                    if (b.rate() == rate && b.burst() != null && b.burst() == burst) {
                        return m.id();
                    }
                }
            }
        } catch (RuntimeException e) {
            log.debug("meters of {} not readable: {}", dev, e.getMessage());
        }
        return null;
    }

    /**
     * Forgets a device's meters; with {@code withdraw} also removes them from the switch.
     *
     * @param dev      device
     * @param withdraw whether to remove them
     */
    void forget(DeviceId dev, boolean withdraw) {
        ids.entrySet().removeIf(e -> {
            if (e.getKey().get(0).equals(dev)) {
                if (withdraw) {
                    withdraw(dev, e.getValue());
                }
                return true;
            }
            return false;
        });
    }

    /** Withdraws the meters replaced by new settings (call after the rules were moved to the new ones). */
    void withdrawRetired() {
        for (Object[] r : retired) {
            withdraw((DeviceId) r[0], (MeterId) r[1]);
        }
        retired.clear();
    }

    /** Removes every meter this instance made (application deactivated). */
    void withdrawAll() {
        ids.forEach((k, id) -> withdraw((DeviceId) k.get(0), id));
        ids.clear();
        settings.clear();
    }

    private void withdraw(DeviceId dev, MeterId id) {
        try {
            MeterRequest req = DefaultMeterRequest.builder().forDevice(dev).fromApp(appId)
                    .withUnit(Meter.Unit.PKTS_PER_SEC).withBands(ImmutableList.of(
                            DefaultBand.builder().ofType(Band.Type.DROP).withRate(1).build())).remove();
            meters.withdraw(req, id);
        } catch (RuntimeException e) {
            log.debug("meter {} on {} not withdrawn: {}", id, dev, e.getMessage());
        }
    }
}
