package org.fwlb.runtime.openflow.translate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.onlab.packet.EthType;
import org.onlab.packet.Ethernet;
import org.onlab.packet.IPv4;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.MplsLabel;
import org.onlab.packet.TpPort;
import org.onlab.packet.VlanId;
import org.onosproject.core.GroupId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.criteria.Criteria;
import org.onosproject.net.meter.MeterId;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ONOS selectors/treatments to OpenFlow 1.3 and back, through the wire format. */
class TranslatorTest {
    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);

    static Stream<TrafficSelector> selectors() {
        return Stream.of(
                DefaultTrafficSelector.builder().matchInPort(PortNumber.portNumber(7)).build(),
                DefaultTrafficSelector.builder().matchEthDst(MacAddress.valueOf("02:fb:00:00:01:fe"))
                        .matchEthSrc(MacAddress.valueOf("02:00:00:00:00:01")).matchEthType(Ethernet.TYPE_IPV4).build(),
                DefaultTrafficSelector.builder().add(Criteria.matchEthDstMasked(MacAddress.valueOf("01:00:00:00:00:00"),
                        MacAddress.valueOf("01:00:00:00:00:00"))).build(),
                DefaultTrafficSelector.builder().matchVlanId(VlanId.ANY).build(),
                DefaultTrafficSelector.builder().matchVlanId(VlanId.NONE).build(),
                DefaultTrafficSelector.builder().matchVlanId(VlanId.vlanId((short) 100)).matchVlanPcp((byte) 5).build(),
                DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                        .matchIPSrc(IpPrefix.valueOf("10.0.1.10/32")).matchIPDst(IpPrefix.valueOf("10.0.2.0/24"))
                        .matchTcpSrc(TpPort.tpPort(40000)).matchTcpDst(TpPort.tpPort(80))
                        .add(Criteria.matchTcpFlags(0x012)).build(),
                DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_TCP)
                        .add(Criteria.matchTcpSrcMasked(TpPort.tpPort(0x100), TpPort.tpPort(0xff00))).build(),
                DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_UDP)
                        .matchUdpSrc(TpPort.tpPort(53)).add(Criteria.matchUdpDstMasked(TpPort.tpPort(0x10), TpPort.tpPort(0xfff0)))
                        .build(),
                DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4).matchIPProtocol(IPv4.PROTOCOL_ICMP)
                        .matchIcmpType((byte) 8).matchIcmpCode((byte) 0).matchIPDscp((byte) 46).build(),
                DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_ARP).matchArpOp(1)
                        .matchArpSpa(Ip4Address.valueOf("10.0.1.1")).matchArpTpa(Ip4Address.valueOf("10.0.1.254"))
                        .matchArpSha(MacAddress.valueOf("02:00:00:00:00:01"))
                        .matchArpTha(MacAddress.valueOf("00:00:00:00:00:00")).build(),
                DefaultTrafficSelector.builder().matchEthType(Ethernet.MPLS_UNICAST).matchMplsLabel(MplsLabel.mplsLabel(1234))
                        .build(),
                DefaultTrafficSelector.builder().matchMetadata(0xdeadbeefL).build(),
                DefaultTrafficSelector.builder().build());
    }

    @ParameterizedTest
    @MethodSource("selectors")
    void selectorRoundTripsThroughTheWire(TrafficSelector s) {
        Match m = MatchTranslator.toMatch(F, s);
        Match back = throughWire(m, List.of());
        assertEquals(s, MatchTranslator.toSelector(back));
    }

    static Stream<TrafficTreatment> treatments() {
        return Stream.of(
                DefaultTrafficTreatment.builder().setOutput(PortNumber.portNumber(3)).build(),
                DefaultTrafficTreatment.builder().setOutput(PortNumber.CONTROLLER).setOutput(PortNumber.NORMAL)
                        .setOutput(PortNumber.IN_PORT).setOutput(PortNumber.FLOOD).setOutput(PortNumber.ALL)
                        .setOutput(PortNumber.LOCAL).build(),
                DefaultTrafficTreatment.builder().setEthSrc(MacAddress.valueOf("02:fb:00:00:02:fe"))
                        .setEthDst(MacAddress.valueOf("02:fb:00:02:00:01")).setOutput(PortNumber.portNumber(4)).build(),
                DefaultTrafficTreatment.builder().setIpSrc(Ip4Address.valueOf("10.0.2.100"))
                        .setIpDst(Ip4Address.valueOf("10.0.2.21")).setTcpSrc(TpPort.tpPort(80))
                        .setTcpDst(TpPort.tpPort(8080)).setUdpSrc(TpPort.tpPort(1)).setUdpDst(TpPort.tpPort(2))
                        .setOutput(PortNumber.portNumber(5)).build(),
                DefaultTrafficTreatment.builder().pushVlan().setVlanId(VlanId.vlanId((short) 42)).setVlanPcp((byte) 3)
                        .setOutput(PortNumber.portNumber(1)).build(),
                DefaultTrafficTreatment.builder().popVlan().setOutput(PortNumber.portNumber(1)).build(),
                DefaultTrafficTreatment.builder().pushMpls().setMpls(MplsLabel.mplsLabel(77)).setOutput(PortNumber.portNumber(2))
                        .build(),
                DefaultTrafficTreatment.builder().popMpls(EthType.EtherType.IPV4.ethType()).setOutput(PortNumber.portNumber(2))
                        .build(),
                DefaultTrafficTreatment.builder().meter(MeterId.meterId(3)).setOutput(PortNumber.CONTROLLER).build(),
                DefaultTrafficTreatment.builder().group(GroupId.valueOf(9)).build(),
                DefaultTrafficTreatment.builder().setOutput(PortNumber.portNumber(1)).transition(2)
                        .writeMetadata(0x10, 0xff).build(),
                DefaultTrafficTreatment.builder().punt().wipeDeferred().build(),
                DefaultTrafficTreatment.builder().deferred().setOutput(PortNumber.portNumber(6)).immediate().build(),
                DefaultTrafficTreatment.builder().build());
    }

    @ParameterizedTest
    @MethodSource("treatments")
    void treatmentRoundTripsThroughTheWire(TrafficTreatment t) {
        List<OFInstruction> ins = TreatmentTranslator.toInstructions(F, t);
        Match any = F.buildMatch().build();
        List<OFInstruction> back = flowStatsThroughWire(any, ins);
        assertEquals(t, TreatmentTranslator.toTreatment(back));
    }

    @Test
    void dropIsNoInstructionAtAll() {
        assertTrue(TreatmentTranslator.toInstructions(F, DefaultTrafficTreatment.builder().drop().build()).isEmpty());
    }

    @Test
    void unsupportedCriteriaAndInstructionsAreNamed() {
        UnsupportedFlowFeatureException e = assertThrows(UnsupportedFlowFeatureException.class,
                () -> MatchTranslator.toMatch(F, DefaultTrafficSelector.builder()
                        .matchIPv6Dst(IpPrefix.valueOf("2001:db8::1/128")).build()));
        assertTrue(e.getMessage().contains("IPV6_DST"), e.getMessage());
        e = assertThrows(UnsupportedFlowFeatureException.class,
                () -> TreatmentTranslator.toInstructions(F, DefaultTrafficTreatment.builder().setTunnelId(7).build()));
        assertTrue(e.getMessage().contains("TUNNEL_ID"), e.getMessage());
        e = assertThrows(UnsupportedFlowFeatureException.class,
                () -> TreatmentTranslator.toInstructions(F, DefaultTrafficTreatment.builder().setIpDst(
                        org.onlab.packet.IpAddress.valueOf("2001:db8::1")).build()));
        assertTrue(e.getMessage().contains("not IPv4"), e.getMessage());
        Match nonCidr = F.buildMatchV3().setOxmList(org.projectfloodlight.openflow.protocol.OFOxmList.of(
                F.oxms().ipv4SrcMasked(org.projectfloodlight.openflow.types.IPv4Address.of("10.0.5.0"),
                        org.projectfloodlight.openflow.types.IPv4Address.of("255.0.255.0")))).build();
        e = assertThrows(UnsupportedFlowFeatureException.class, () -> MatchTranslator.toSelector(nonCidr));
        assertTrue(e.getMessage().contains("ipv4_src"), e.getMessage());
    }

    @Test
    void readBackIsWhatOnosFlowEntryBuilderBuilds() {
        // a masked field ONOS only matches exactly: FlowEntryBuilder reads the value (Match.get)
        Match maskedMetadata = F.buildMatch().setMasked(MatchField.METADATA,
                org.projectfloodlight.openflow.types.OFMetadata.ofRaw(1),
                org.projectfloodlight.openflow.types.OFMetadata.ofRaw(0xff)).build();
        assertEquals(DefaultTrafficSelector.builder().matchMetadata(1).build(), MatchTranslator.toSelector(maskedMetadata));
        // fields FlowEntryBuilder does not know are dropped: MPLS_TC, and tcp_flags unless the option is on
        Match unknown = F.buildMatch().setExact(MatchField.ETH_TYPE, org.projectfloodlight.openflow.types.EthType.of(0x8847))
                .setExact(MatchField.MPLS_TC, org.projectfloodlight.openflow.types.U8.of((short) 3)).build();
        assertEquals(DefaultTrafficSelector.builder().matchEthType((short) 0x8847).build(), MatchTranslator.toSelector(unknown));
        Match syn = F.buildMatch().setExact(MatchField.ETH_TYPE, org.projectfloodlight.openflow.types.EthType.IPv4)
                .setExact(MatchField.IP_PROTO, org.projectfloodlight.openflow.types.IpProtocol.TCP)
                .setExact(MatchField.OVS_TCP_FLAGS, org.projectfloodlight.openflow.types.U16.of(2)).build();
        TrafficSelector withoutFlags = DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV4)
                .matchIPProtocol(IPv4.PROTOCOL_TCP).build();
        assertEquals(withoutFlags, MatchTranslator.toSelector(syn, false));
        assertEquals(DefaultTrafficSelector.builder(withoutFlags).add(Criteria.matchTcpFlags(2)).build(),
                MatchTranslator.toSelector(syn, true));
        // and left out on the way to the wire unless the option is on
        TrafficSelector synSel = DefaultTrafficSelector.builder(withoutFlags).add(Criteria.matchTcpFlags(2)).build();
        assertEquals(MatchTranslator.toMatch(F, withoutFlags), MatchTranslator.toMatch(F, synSel, false));
        // VLAN_VID: an exact value without the present bit is "untagged"; a mask other than "present" is dropped
        assertEquals(DefaultTrafficSelector.builder().matchVlanId(VlanId.NONE).build(), MatchTranslator.toSelector(
                F.buildMatch().setExact(MatchField.VLAN_VID, org.projectfloodlight.openflow.types.OFVlanVidMatch.NONE).build()));
        assertEquals(DefaultTrafficSelector.builder().build(), MatchTranslator.toSelector(F.buildMatch().setMasked(
                MatchField.VLAN_VID, org.projectfloodlight.openflow.types.OFVlanVidMatch.ofVlan(5),
                org.projectfloodlight.openflow.types.OFVlanVidMatch.ofRawVid((short) 0x1fff)).build()));
        // IPv6 is read back (the runtime cannot send it, but a switch may hold it)
        Match v6 = F.buildMatch().setExact(MatchField.ETH_TYPE, org.projectfloodlight.openflow.types.EthType.IPv6)
                .setExact(MatchField.IPV6_SRC, org.projectfloodlight.openflow.types.IPv6Address.of("2001:db8::1")).build();
        assertEquals(DefaultTrafficSelector.builder().matchEthType(Ethernet.TYPE_IPV6)
                .matchIPv6Src(IpPrefix.valueOf("2001:db8::1/128")).build(), MatchTranslator.toSelector(v6));
        // unknown actions are dropped from the treatment; the meter and clear-deferred are not compared
        List<OFInstruction> ins = List.of(F.instructions().meter(4), F.instructions().clearActions(),
                F.instructions().applyActions(List.of(F.actions().setNwTtl((short) 9),
                        F.actions().output(org.projectfloodlight.openflow.types.OFPort.of(2), 0))));
        assertEquals(DefaultTrafficTreatment.builder().setOutput(PortNumber.portNumber(2)).build(),
                TreatmentTranslator.toTreatment(ins));
    }

    @Test
    void instructionsInFlowModBuilderVer13Order() {
        TrafficTreatment t = DefaultTrafficTreatment.builder().meter(MeterId.meterId(3)).punt().wipeDeferred()
                .deferred().setOutput(PortNumber.portNumber(6)).immediate().transition(2).writeMetadata(1, 1).build();
        List<OFInstruction> ins = TreatmentTranslator.toInstructions(F, t);
        List<String> order = new java.util.ArrayList<>();
        ins.forEach(i -> order.add(i.getType().name()));
        assertEquals(List.of("CLEAR_ACTIONS", "APPLY_ACTIONS", "WRITE_ACTIONS", "GOTO_TABLE", "WRITE_METADATA", "METER"),
                order);
        org.projectfloodlight.openflow.protocol.action.OFActionOutput toPort = (org.projectfloodlight.openflow.protocol.action.OFActionOutput)
                ((org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteActions) ins.get(2)).getActions().get(0);
        assertEquals(0, toPort.getMaxLen(), "only an output to CONTROLLER carries max_len 0xffff");
        assertTrue(TreatmentTranslator.toInstructions(F, DefaultTrafficTreatment.builder().drop()
                .setOutput(PortNumber.portNumber(1)).build()).isEmpty(), "NOACTION empties its action list");
    }

    private static Match throughWire(Match m, List<OFInstruction> ins) {
        return parsedEntry(m, ins).getMatch();
    }

    private static List<OFInstruction> flowStatsThroughWire(Match m, List<OFInstruction> ins) {
        return parsedEntry(m, ins).getInstructions();
    }

    /** Writes a FLOW stats reply with one entry and parses it back, as when reading a switch's table. */
    private static org.projectfloodlight.openflow.protocol.OFFlowStatsEntry parsedEntry(Match m, List<OFInstruction> ins) {
        OFFlowStatsReply reply = F.buildFlowStatsReply().setXid(1).setEntries(List.of(F.buildFlowStatsEntry()
                .setTableId(TableId.of(0)).setPriority(1).setCookie(U64.of(5)).setPacketCount(U64.ZERO)
                .setByteCount(U64.ZERO).setMatch(m).setInstructions(ins).build())).build();
        ByteBuf buf = Unpooled.buffer();
        reply.writeTo(buf);
        try {
            OFFlowStatsReply parsed = (OFFlowStatsReply) F.getReader().readFrom(buf);
            return parsed.getEntries().get(0);
        } catch (org.projectfloodlight.openflow.exceptions.OFParseError e) {
            throw new AssertionError(e);
        }
    }
}
