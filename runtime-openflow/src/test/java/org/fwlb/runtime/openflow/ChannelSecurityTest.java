package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.Test;
import org.onosproject.net.DeviceId;
import org.onosproject.net.device.DeviceEvent;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFSetConfig;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attacks on the OpenFlow channel: a second connection claiming a connected datapath id, and multipart
 * replies without end. (TLS: {@link TlsChannelTest}.)
 */
class ChannelSecurityTest extends RuntimeTestBase {

    @Test
    void aSecondConnectionOfAConnectedDatapathIsRefusedAndTheFirstKeepsWorking() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch first = connect(rt, 9, 1);
        DeviceId id = deviceId(9);
        FakeSwitch impostor = new FakeSwitch(9, 1).connect(rt.boundPort());
        switches.add(impostor);
        assertTrue(impostor.awaitClosed(WAIT), "the impostor is disconnected");
        assertTrue(impostor.all(OFSetConfig.class).isEmpty(), "refused at its FEATURES_REPLY: no handshake went on");

        // the first connection still carries the device: a rule applied now reaches it, not the impostor
        rt.flowRuleService().applyFlowRules(FlowRuleServiceTest.pinned(id, 40000, 10));
        notNull("FLOW_MOD on the first connection", first.await(OFFlowAdd.class, m -> true, WAIT));
        assertFalse(first.closedByPeer);
        assertTrue(rt.deviceService().isAvailable(id));
        assertEquals(1, rt.stats().forDevice(id).connects());
        assertTrue(impostor.all(OFFlowMod.class).isEmpty(), "the impostor got no rule");
        assertFalse(deviceEvents.stream().anyMatch(e -> e.type() == DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED),
                    "the device never went away");

        // once the first connection is gone the datapath may connect again
        first.close();
        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED
                && !rt.deviceService().isAvailable(id));
        FakeSwitch again = connect(rt, 9, 1);
        assertFalse(again.closedByPeer);
        assertEquals(2, rt.stats().forDevice(id).connects());
    }

    @Test
    void aMultipartReplyWithMorePartsThanTheLimitFailsItsRequest() throws Exception {
        OpenFlowRuntime rt = start(options().maxMultipartParts(3).build());
        FakeSwitch sw = new FakeSwitch(0x31, 8);
        sw.portDescParts = 4;
        sw.connect(rt.boundPort());
        switches.add(sw);
        // the PORT_DESC request of the handshake fails, so the handshake does
        assertTrue(sw.awaitClosed(WAIT), "the controller gave up on the switch");
        assertFalse(rt.deviceService().isAvailable(deviceId(0x31)));
        assertEquals(0, rt.stats().forDevice(deviceId(0x31)).connects());

        FakeSwitch atLimit = new FakeSwitch(0x32, 8);
        atLimit.portDescParts = 3;
        atLimit.connect(rt.boundPort());
        switches.add(atLimit);
        await("a reply of exactly 3 parts is taken", () -> rt.deviceService().isAvailable(deviceId(0x32)));
        assertEquals(8, rt.deviceService().getPorts(deviceId(0x32)).size());
    }

    @Test
    void aMultipartReplyWithMoreBytesThanTheLimitFailsItsRequest() throws Exception {
        // 1100 port descriptions of 64 bytes: two parts of about 35 KB, 70 KB in all
        // (no statistics polling: a PORT statistics reply for 1100 ports would not fit in one fake message)
        OpenFlowRuntime rt = start(options().automaticPolling(false).maxMultipartBytes(65_535).build());
        FakeSwitch sw = new FakeSwitch(0x33, 1100);
        sw.portDescParts = 2;
        sw.connect(rt.boundPort());
        switches.add(sw);
        assertTrue(sw.awaitClosed(WAIT), "the controller gave up on the switch");
        assertFalse(rt.deviceService().isAvailable(deviceId(0x33)));

        OpenFlowRuntime roomy = start(options().automaticPolling(false).maxMultipartBytes(80_000).build());
        FakeSwitch ok = new FakeSwitch(0x34, 1100);
        ok.portDescParts = 2;
        ok.connect(roomy.boundPort());
        switches.add(ok);
        await("a reply under the byte limit is taken", () -> roomy.deviceService().isAvailable(deviceId(0x34)));
        assertEquals(1100, roomy.deviceService().getPorts(deviceId(0x34)).size());
    }

    @Test
    void aNewDatapathsPortDescriptionsAreBoundedFarBelowTheStatisticsLimit() throws Exception {
        // any host can claim a new datapath id: at the handshake its port descriptions may not use the
        // (default) 128 MiB of the statistics, only what 65536 ports take; it is dropped at once, without
        // waiting for its other answer (the handshake timeout is far away)
        OpenFlowRuntime rt = start(options().automaticPolling(false).handshakeTimeout(Duration.ofMinutes(5)).build());
        FakeSwitch big = new FakeSwitch(0x35, 70_000);          // 4.5 MB in 80 parts
        big.portDescParts = 80;
        big.answerDesc = false;
        big.connect(rt.boundPort());
        switches.add(big);
        assertTrue(big.awaitClosed(WAIT), "the controller gave up on the switch");
        assertFalse(rt.deviceService().isAvailable(deviceId(0x35)));
        assertEquals(0, rt.stats().forDevice(deviceId(0x35)).connects());

        FakeSwitch most = new FakeSwitch(0x36, 65_279);         // Open vSwitch's largest bridge
        most.portDescParts = 80;
        most.connect(rt.boundPort());
        switches.add(most);
        await("65279 ports are taken", () -> rt.deviceService().isAvailable(deviceId(0x36)));
        assertEquals(65_279, rt.deviceService().getPorts(deviceId(0x36)).size());
    }

    @Test
    void limitsAndTlsSettingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> OpenFlowOptions.builder().maxMultipartParts(0));
        assertThrows(IllegalArgumentException.class, () -> OpenFlowOptions.builder().maxMultipartBytes(1000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenFlowOptions.builder()
                .tls(OpenFlowOptions.TlsMode.STRICT, null, null, null, null));
        assertEquals("OpenFlow TLS mode strict needs a key store, a trust store and both passwords", e.getMessage());
        assertEquals(OpenFlowOptions.TlsMode.ENABLED, OpenFlowOptions.TlsMode.parse("Enabled"));
        assertThrows(IllegalArgumentException.class, () -> OpenFlowOptions.TlsMode.parse("on"));
        OpenFlowOptions d = OpenFlowOptions.defaults();
        assertEquals(OpenFlowOptions.TlsMode.DISABLED, d.tlsMode());
        assertEquals(65_536, d.maxMultipartParts());
        assertEquals(128L << 20, d.maxMultipartBytes());
        assertEquals(Optional.empty(), d.keyAliases().apply(deviceId(1)));
        notNull("options", d);
        assertNotNull(d.toString());
    }
}
