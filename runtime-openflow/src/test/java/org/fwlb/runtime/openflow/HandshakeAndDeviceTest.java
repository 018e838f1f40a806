package org.fwlb.runtime.openflow;

import org.junit.jupiter.api.Test;
import org.onosproject.net.AnnotationKeys;
import org.onosproject.net.Device;
import org.onosproject.net.DeviceId;
import org.onosproject.net.MastershipRole;
import org.onosproject.net.Port;
import org.onosproject.net.PortNumber;
import org.onosproject.net.device.DeviceEvent;
import org.onosproject.net.device.PortStatistics;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFFeaturesRequest;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloElemVersionbitmap;
import org.projectfloodlight.openflow.protocol.OFPortReason;
import org.projectfloodlight.openflow.protocol.OFSetConfig;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFStatsType;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeAndDeviceTest extends RuntimeTestBase {

    @Test
    void handshakeCreatesDeviceWithPorts() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 0xabcdefL, 3);
        DeviceId id = deviceId(0xabcdefL);

        OFHello hello = notNull("controller HELLO", sw.await(OFHello.class, h -> true, WAIT));
        OFHelloElemVersionbitmap bitmap = (OFHelloElemVersionbitmap) hello.getElements().get(0);
        assertEquals(1L << 4, bitmap.getBitmaps().get(0).getValue(), "controller offers exactly OpenFlow 1.3");
        notNull("FEATURES_REQUEST", sw.await(OFFeaturesRequest.class, m -> true, WAIT));
        OFSetConfig cfg = notNull("SET_CONFIG", sw.await(OFSetConfig.class, m -> true, WAIT));
        assertEquals(0xffff, cfg.getMissSendLen(), "packet-ins carry whole packets");
        notNull("PORT_DESC request", sw.await(OFStatsRequest.class, m -> m.getStatsType() == OFStatsType.PORT_DESC, WAIT));
        notNull("DESC request", sw.await(OFStatsRequest.class, m -> m.getStatsType() == OFStatsType.DESC, WAIT));

        Device d = rt.deviceService().getDevice(id);
        assertEquals("of:0000000000abcdef", d.id().toString());
        assertEquals(Device.Type.SWITCH, d.type());
        assertEquals("fwlb tests", d.manufacturer());
        assertEquals("FakeSwitch 1.0", d.swVersion());
        assertEquals("42", d.serialNumber());
        assertEquals(MastershipRole.MASTER, rt.deviceService().getRole(id));
        assertEquals(1, rt.deviceService().getAvailableDeviceCount());
        List<Port> ports = rt.deviceService().getPorts(id);
        assertEquals(3, ports.size());
        Port p2 = rt.deviceService().getPort(id, PortNumber.portNumber(2));
        assertTrue(p2.isEnabled());
        assertEquals("p2", p2.annotations().value(AnnotationKeys.PORT_NAME));
        assertEquals(10_000, p2.portSpeed(), "10 Gb/s reported in kb/s becomes Mb/s");

        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.DEVICE_ADDED && e.subject().id().equals(id));
        await("3 PORT_ADDED", () -> deviceEvents.stream().filter(e -> e.type() == DeviceEvent.Type.PORT_ADDED).count() == 3);
        assertEquals(1, rt.stats().forDevice(id).connects());
    }

    @Test
    void portStatusPostsPortEvents() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 5, 2);
        DeviceId id = deviceId(5);

        sw.setPort(2, false, OFPortReason.MODIFY);
        DeviceEvent down = awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.PORT_UPDATED);
        assertEquals(PortNumber.portNumber(2), down.port().number());
        assertFalse(down.port().isEnabled(), "link down means disabled");
        assertFalse(rt.deviceService().getPort(id, PortNumber.portNumber(2)).isEnabled());

        sw.setPort(3, true, OFPortReason.ADD);
        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.PORT_ADDED && e.port().number().toLong() == 3);
        sw.setPort(1, true, OFPortReason.DELETE);
        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.PORT_REMOVED && e.port().number().toLong() == 1);
        assertNull(rt.deviceService().getPort(id, PortNumber.portNumber(1)));
        assertEquals(2, rt.deviceService().getPorts(id).size());
    }

    private static void assertNull(Object o) {
        assertTrue(o == null, "expected null, got " + o);
    }

    @Test
    void portStatisticsArePolledWithDeltas() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch sw = connect(rt, 6, 2);
        DeviceId id = deviceId(6);
        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.PORT_STATS_UPDATED);
        sw.portCounter = 10;
        await("rx packets 10", () -> {
            PortStatistics s = rt.deviceService().getStatisticsForPort(id, PortNumber.portNumber(1));
            return s != null && s.packetsReceived() == 10;
        });
        PortStatistics s = rt.deviceService().getStatisticsForPort(id, PortNumber.portNumber(1));
        assertEquals(20, s.packetsSent());
        assertEquals(1000, s.bytesReceived());
        sw.portCounter = 15;
        await("delta of 5 packets", () -> {
            PortStatistics d = rt.deviceService().getDeltaStatisticsForPort(id, PortNumber.portNumber(1));
            return d != null && d.packetsReceived() == 5;
        });
        PortStatistics d = rt.deviceService().getDeltaStatisticsForPort(id, PortNumber.portNumber(1));
        assertEquals(10, d.packetsSent());
        assertEquals(5, d.durationSec(), "duration of the delta is the difference of the port durations");
        assertEquals(2, rt.deviceService().getPortStatistics(id).size());
    }

    @Test
    void echoBothWaysAndDisconnectAfterMissedReplies() throws Exception {
        OpenFlowRuntime rt = start(options().echoInterval(Duration.ofMillis(100)).echoMissLimit(3).build());
        FakeSwitch sw = connect(rt, 7, 1);
        DeviceId id = deviceId(7);

        // the controller answers our echo with the same xid and payload
        sw.send(FakeSwitch.F.buildEchoRequest().setXid(4242).setData(new byte[]{1, 2, 3}).build());
        OFEchoReply reply = notNull("ECHO_REPLY", sw.await(OFEchoReply.class, m -> m.getXid() == 4242, WAIT));
        assertArrayEquals(new byte[]{1, 2, 3}, reply.getData());

        // the controller probes on its own; answered probes keep the switch connected
        notNull("controller ECHO_REQUEST", sw.await(OFEchoRequest.class, m -> true, WAIT));
        Thread.sleep(600);
        assertTrue(rt.deviceService().isAvailable(id), "answered echoes keep the connection");

        sw.answerEcho = false;
        assertTrue(sw.awaitClosed(WAIT), "switch that stops answering echoes is disconnected");
        awaitEvent(deviceEvents, e -> e.type() == DeviceEvent.Type.DEVICE_AVAILABILITY_CHANGED
                && !rt.deviceService().isAvailable(id));
        assertNotNull(rt.deviceService().getDevice(id), "the device stays known while unavailable");
        assertEquals(MastershipRole.MASTER, rt.deviceService().getRole(id));
    }

    @Test
    void helloWithoutOpenFlow13IsRefusedWithHelloFailed() throws Exception {
        OpenFlowRuntime rt = start();
        try (Socket s = new Socket("127.0.0.1", rt.boundPort())) {
            s.setSoTimeout((int) WAIT);
            OutputStream out = s.getOutputStream();
            out.write(new byte[]{0x01, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x05}); // OF 1.0 HELLO, xid 5
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[8];
            in.readFully(header); // the controller's own HELLO
            assertEquals(0x04, header[0]);
            assertEquals(0x00, header[1]);
            int len = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
            in.readNBytes(len - 8);
            byte[] err = new byte[12];
            in.readFully(err);
            assertEquals(0x01, err[0], "error in the switch's own version");
            assertEquals(0x01, err[1], "OFPT_ERROR");
            assertEquals(5, err[7], "answers the HELLO's xid");
            assertEquals(0, err[8] << 8 | err[9], "OFPET_HELLO_FAILED");
            assertEquals(0, err[10] << 8 | err[11], "OFPHFC_INCOMPATIBLE");
            int errLen = ((err[2] & 0xff) << 8) | (err[3] & 0xff);
            in.readNBytes(errLen - 12);
            assertEquals(-1, in.read(), "connection closed after HELLO_FAILED");
        }
        // a 1.3 switch still connects afterwards
        connect(rt, 8, 1);
    }

    @Test
    void helloOfNewerVersionWithBitmapIncluding13IsAccepted() throws Exception {
        OpenFlowRuntime rt = start();
        try (Socket s = new Socket("127.0.0.1", rt.boundPort())) {
            s.setSoTimeout((int) WAIT);
            OutputStream out = s.getOutputStream();
            // OF 1.5 HELLO with a version bitmap {1.3, 1.4, 1.5}
            out.write(new byte[]{0x06, 0x00, 0x00, 0x10, 0, 0, 0, 9, 0x00, 0x01, 0x00, 0x08, 0, 0, 0, 0x70});
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[8];
            in.readFully(header);
            in.readNBytes((((header[2] & 0xff) << 8) | (header[3] & 0xff)) - 8); // HELLO
            in.readFully(header);
            assertEquals(0x04, header[0], "negotiated OpenFlow 1.3");
            assertEquals(5, header[1], "FEATURES_REQUEST follows");
        }
    }
}
