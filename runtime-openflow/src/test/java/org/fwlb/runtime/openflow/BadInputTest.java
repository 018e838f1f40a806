package org.fwlb.runtime.openflow;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onosproject.net.DeviceId;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad OpenFlow input closes only the connection it came on, with one log line. */
class BadInputTest extends RuntimeTestBase {
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger handlerLog;

    @BeforeEach
    void captureLogs() {
        handlerLog = (Logger) LoggerFactory.getLogger("org.fwlb.runtime.openflow.channel.SwitchChannelHandler");
        logs.start();
        handlerLog.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        handlerLog.detachAppender(logs);
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }

    /** The healthy switch still works end to end: echo answered, a rule gets to it. */
    private void assertHealthy(OpenFlowRuntime rt, FakeSwitch healthy, long dpid, int echoXid) throws Exception {
        DeviceId dev = deviceId(dpid);
        assertTrue(rt.deviceService().isAvailable(dev));
        healthy.send(FakeSwitch.F.buildEchoRequest().setXid(echoXid).build());
        notNull("echo reply on the healthy connection", healthy.await(OFEchoReply.class, m -> m.getXid() == echoXid, WAIT));
        rt.flowRuleService().applyFlowRules(FlowRuleServiceTest.pinned(dev, 10000 + echoXid, 10));
        notNull("FLOW_MOD on the healthy connection",
                healthy.await(OFFlowAdd.class, m -> m.getMatch().toString().contains("tcp_src=" + (10000 + echoXid)), WAIT));
    }

    @Test
    void garbageBeforeHelloClosesOnlyThatConnection() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch healthy = connect(rt, 0x61, 2);
        try (Socket s = new Socket("127.0.0.1", rt.boundPort())) {
            s.setSoTimeout((int) WAIT);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertClosedAfterHello(s.getInputStream());
        }
        await("one warning", () -> warnings().size() == 1);
        assertTrue(warnings().get(0).contains("first message is not an OpenFlow HELLO"), warnings().get(0));
        assertHealthy(rt, healthy, 0x61, 901);
    }

    @Test
    void wrongVersionAfterHandshakeClosesThatSwitch() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch healthy = connect(rt, 0x62, 2);
        FakeSwitch bad = connect(rt, 0x63, 2);
        bad.sendRaw(new byte[]{0x01, 0x02, 0x00, 0x08, 0, 0, 0, 1}); // OF 1.0 ECHO_REQUEST
        assertTrue(bad.awaitClosed(WAIT));
        await("bad switch unavailable", () -> !rt.deviceService().isAvailable(deviceId(0x63)));
        await("one warning", () -> warnings().size() == 1);
        assertTrue(warnings().get(0).contains("version 0x01"), warnings().get(0));
        assertHealthy(rt, healthy, 0x62, 902);
    }

    @Test
    void truncatedMessageClosesThatSwitch() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch healthy = connect(rt, 0x64, 2);
        FakeSwitch bad = connect(rt, 0x65, 2);
        // a PACKET_IN whose header length cuts it in the middle of its match
        ByteBuf buf = Unpooled.buffer();
        FakeSwitch.F.buildPacketIn().setXid(3).setBufferId(org.projectfloodlight.openflow.types.OFBufferId.NO_BUFFER)
                .setTotalLen(64).setReason(org.projectfloodlight.openflow.protocol.OFPacketInReason.NO_MATCH)
                .setTableId(org.projectfloodlight.openflow.types.TableId.of(0))
                .setCookie(org.projectfloodlight.openflow.types.U64.ZERO)
                .setMatch(FakeSwitch.F.buildMatch().setExact(org.projectfloodlight.openflow.protocol.match.MatchField.IN_PORT,
                        org.projectfloodlight.openflow.types.OFPort.of(1)).build())
                .setData(new byte[64]).build().writeTo(buf);
        byte[] full = new byte[buf.readableBytes()];
        buf.readBytes(full);
        byte[] cut = java.util.Arrays.copyOf(full, 30);
        cut[2] = 0;
        cut[3] = 30;
        bad.sendRaw(cut);
        assertTrue(bad.awaitClosed(WAIT));
        await("one warning", () -> warnings().size() == 1);
        assertTrue(warnings().get(0).contains("bad OpenFlow input"), warnings().get(0));
        assertHealthy(rt, healthy, 0x64, 903);
    }

    @Test
    void lengthShorterThanHeaderClosesThatSwitch() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch healthy = connect(rt, 0x66, 2);
        FakeSwitch bad = connect(rt, 0x67, 2);
        bad.sendRaw(new byte[]{0x04, 0x02, 0x00, 0x04, 0, 0, 0, 1});
        assertTrue(bad.awaitClosed(WAIT));
        await("one warning", () -> warnings().size() == 1);
        assertTrue(warnings().get(0).contains("less than the 8-byte header"), warnings().get(0));
        assertHealthy(rt, healthy, 0x66, 904);
    }

    @Test
    void unknownMessageTypeClosesThatSwitch() throws Exception {
        OpenFlowRuntime rt = start();
        FakeSwitch healthy = connect(rt, 0x68, 2);
        FakeSwitch bad = connect(rt, 0x69, 2);
        bad.sendRaw(new byte[]{0x04, (byte) 0xee, 0x00, 0x0c, 0, 0, 0, 1, 1, 2, 3, 4});
        assertTrue(bad.awaitClosed(WAIT));
        await("one warning", () -> warnings().size() == 1);
        assertTrue(warnings().get(0).contains("malformed message of type 238"), warnings().get(0));
        assertHealthy(rt, healthy, 0x68, 905);
        assertEquals(1, warnings().size(), "exactly one line for the bad connection");
    }

    private static void assertClosedAfterHello(InputStream in) throws Exception {
        byte[] buf = new byte[256];
        int total = 0;
        while (true) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            total += n;
        }
        assertTrue(total <= 16, "only the controller's HELLO, then EOF (read " + total + " bytes)");
    }
}
