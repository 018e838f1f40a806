package org.fwlb.runtime.openflow.translate;

import org.onlab.packet.EthType;
import org.onlab.packet.Ip4Address;
import org.onlab.packet.IpAddress;
import org.onlab.packet.MplsLabel;
import org.onlab.packet.TpPort;
import org.onlab.packet.VlanId;
import org.onosproject.core.GroupId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficTreatment;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.Instructions;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;
import org.onosproject.net.flow.instructions.L3ModificationInstruction;
import org.onosproject.net.flow.instructions.L4ModificationInstruction;
import org.onosproject.net.meter.MeterId;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionGroup;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionPopMpls;
import org.projectfloodlight.openflow.protocol.action.OFActionPushMpls;
import org.projectfloodlight.openflow.protocol.action.OFActionPushVlan;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.action.OFActionSetQueue;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionMeter;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionWriteMetadata;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.oxm.OFOxms;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpDscp;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFBooleanValue;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.VlanPcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ONOS {@link TrafficTreatment} to OpenFlow 1.3 instructions/actions and back.
 *
 * <p>To the wire the instructions are those of ONOS's {@code FlowModBuilderVer13.buildFlowAdd}, in its
 * order: clear-actions, apply-actions, write-actions, goto-table, write-metadata, meter; a NOACTION
 * (drop) empties its action list; only an output to CONTROLLER carries max_len 0xffff. What the runtime
 * cannot express is refused, naming it.
 *
 * <p>From the wire the treatment is what {@code FlowEntryBuilder.buildTreatment} builds: unknown
 * instructions, actions and set-fields are dropped. Treatments compare with
 * {@code DefaultTrafficTreatment.equals} (immediate, deferred, goto, metadata: meter and clear-deferred
 * are not compared).
 */
public final class TreatmentTranslator {
    /** OFPCML_NO_BUFFER: send whole packets to the controller. */
    static final int NO_BUFFER_MAX_LEN = 0xffff;
    private static final Logger log = LoggerFactory.getLogger(TreatmentTranslator.class);

    private TreatmentTranslator() {
    }

    /**
     * Instructions of a flow rule's treatment.
     *
     * @param f OF 1.3 factory
     * @param t treatment
     * @return instructions (empty = drop)
     * @throws UnsupportedFlowFeatureException naming the first instruction that cannot be expressed
     */
    public static List<OFInstruction> toInstructions(OFFactory f, TrafficTreatment t) {
        List<OFInstruction> out = new ArrayList<>();
        Set<Instructions.MeterInstruction> meters = t.meters();
        if (meters != null && meters.size() > 1) {
            throw new UnsupportedFlowFeatureException("treatment has " + meters.size()
                    + " meter instructions; OpenFlow 1.3 allows one per flow");
        }
        if (t.statTrigger() != null) {
            throw new UnsupportedFlowFeatureException("instruction STAT_TRIGGER is not supported by OpenFlow 1.3");
        }
        List<OFAction> write = toFlowActions(f, t.deferred());
        List<OFAction> apply = toFlowActions(f, t.immediate());
        if (t.clearedDeferred()) {
            out.add(f.instructions().clearActions());
        }
        if (!apply.isEmpty()) {
            out.add(f.instructions().applyActions(apply));
        }
        if (!write.isEmpty()) {
            out.add(f.instructions().writeActions(write));
        }
        Instructions.TableTypeTransition goTo = t.tableTransition();
        if (goTo != null) {
            out.add(f.instructions().gotoTable(TableId.of(goTo.tableId())));
        }
        Instructions.MetadataInstruction md = t.writeMetadata();
        if (md != null) {
            out.add(f.instructions().writeMetadata(U64.of(md.metadata()), U64.of(md.metadataMask())));
        }
        Instructions.MeterInstruction meter = t.metered();
        if (meter == null && meters != null && !meters.isEmpty()) {
            meter = meters.iterator().next();
        }
        if (meter != null) {
            out.add(f.instructions().meter(meter.meterId().id()));
        }
        return out;
    }

    /** FlowModBuilder.buildActions: a NOACTION anywhere means no actions at all. */
    private static List<OFAction> toFlowActions(OFFactory f, List<Instruction> instructions) {
        for (Instruction i : instructions) {
            if (i.type() == Instruction.Type.NOACTION) {
                toActions(f, instructions); // still refuse what cannot be expressed
                return List.of();
            }
        }
        return toActions(f, instructions);
    }

    /**
     * Actions of an instruction list (a packet-out, or the apply/write part of a flow).
     *
     * @param f            OF 1.3 factory
     * @param instructions ONOS instructions
     * @return actions in the same order
     * @throws UnsupportedFlowFeatureException naming the first instruction that is not an action here
     */
    public static List<OFAction> toActions(OFFactory f, List<Instruction> instructions) {
        List<OFAction> out = new ArrayList<>(instructions.size());
        for (Instruction i : instructions) {
            OFAction a = toAction(f, i);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    private static OFAction toAction(OFFactory f, Instruction i) {
        OFOxms oxms = f.oxms();
        switch (i.type()) {
            case NOACTION:
                return null;
            case OUTPUT:
                PortNumber outPort = ((Instructions.OutputInstruction) i).port();
                OFActionOutput.Builder out = f.actions().buildOutput().setPort(MatchTranslator.ofPort(outPort));
                if (outPort.equals(PortNumber.CONTROLLER)) {
                    out.setMaxLen(NO_BUFFER_MAX_LEN);
                }
                return out.build();
            case GROUP:
                return f.actions().group(OFGroup.of(((Instructions.GroupInstruction) i).groupId().id()));
            case QUEUE:
                return f.actions().setQueue(((Instructions.SetQueueInstruction) i).queueId());
            case L2MODIFICATION:
                return l2(f, oxms, (L2ModificationInstruction) i);
            case L3MODIFICATION:
                return l3(f, oxms, (L3ModificationInstruction) i);
            case L4MODIFICATION:
                L4ModificationInstruction.ModTransportPortInstruction tp =
                        (L4ModificationInstruction.ModTransportPortInstruction) i;
                TransportPort port = TransportPort.of(tp.port().toInt());
                switch (tp.subtype()) {
                    case TCP_SRC:
                        return f.actions().setField(oxms.tcpSrc(port));
                    case TCP_DST:
                        return f.actions().setField(oxms.tcpDst(port));
                    case UDP_SRC:
                        return f.actions().setField(oxms.udpSrc(port));
                    case UDP_DST:
                        return f.actions().setField(oxms.udpDst(port));
                    default:
                        throw unsupported(i);
                }
            default:
                throw unsupported(i);
        }
    }

    private static OFAction l2(OFFactory f, OFOxms oxms, L2ModificationInstruction i) {
        switch (i.subtype()) {
            case ETH_SRC:
                return f.actions().setField(oxms.ethSrc(MatchTranslator.mac(((L2ModificationInstruction.ModEtherInstruction) i).mac())));
            case ETH_DST:
                return f.actions().setField(oxms.ethDst(MatchTranslator.mac(((L2ModificationInstruction.ModEtherInstruction) i).mac())));
            case VLAN_ID:
                VlanId vid = ((L2ModificationInstruction.ModVlanIdInstruction) i).vlanId();
                if (vid.equals(VlanId.NONE) || vid.equals(VlanId.ANY)) {
                    throw new UnsupportedFlowFeatureException("instruction VLAN_ID: cannot set the VLAN id to " + vid);
                }
                return f.actions().setField(oxms.vlanVid(OFVlanVidMatch.ofVlan(vid.toShort())));
            case VLAN_PCP:
                return f.actions().setField(oxms.vlanPcp(VlanPcp.of(((L2ModificationInstruction.ModVlanPcpInstruction) i).vlanPcp())));
            case VLAN_PUSH:
                return f.actions().pushVlan(ofEthType(((L2ModificationInstruction.ModVlanHeaderInstruction) i).ethernetType()));
            case VLAN_POP:
                return f.actions().popVlan();
            case MPLS_PUSH:
                return f.actions().pushMpls(ofEthType(((L2ModificationInstruction.ModMplsHeaderInstruction) i).ethernetType()));
            case MPLS_POP:
                return f.actions().popMpls(ofEthType(((L2ModificationInstruction.ModMplsHeaderInstruction) i).ethernetType()));
            case MPLS_LABEL:
                return f.actions().setField(oxms.mplsLabel(U32.of(((L2ModificationInstruction.ModMplsLabelInstruction) i).label().toInt())));
            case MPLS_BOS:
                return f.actions().setField(oxms.mplsBos(OFBooleanValue.of(((L2ModificationInstruction.ModMplsBosInstruction) i).mplsBos())));
            case DEC_MPLS_TTL:
                return f.actions().decMplsTtl();
            default:
                throw unsupported(i);
        }
    }

    private static OFAction l3(OFFactory f, OFOxms oxms, L3ModificationInstruction i) {
        switch (i.subtype()) {
            case IPV4_SRC:
                return f.actions().setField(oxms.ipv4Src(ipv4(i, ((L3ModificationInstruction.ModIPInstruction) i).ip())));
            case IPV4_DST:
                return f.actions().setField(oxms.ipv4Dst(ipv4(i, ((L3ModificationInstruction.ModIPInstruction) i).ip())));
            case DEC_TTL:
                return f.actions().decNwTtl();
            case TTL_OUT:
                return f.actions().copyTtlOut();
            case TTL_IN:
                return f.actions().copyTtlIn();
            case IP_DSCP:
                return f.actions().setField(oxms.ipDscp(IpDscp.of(((L3ModificationInstruction.ModDscpInstruction) i).dscp())));
            case ARP_SPA:
                return f.actions().setField(oxms.arpSpa(ipv4(i, ((L3ModificationInstruction.ModArpIPInstruction) i).ip())));
            case ARP_TPA:
                return f.actions().setField(oxms.arpTpa(ipv4(i, ((L3ModificationInstruction.ModArpIPInstruction) i).ip())));
            case ARP_SHA:
                return f.actions().setField(oxms.arpSha(MatchTranslator.mac(((L3ModificationInstruction.ModArpEthInstruction) i).mac())));
            case ARP_THA:
                return f.actions().setField(oxms.arpTha(MatchTranslator.mac(((L3ModificationInstruction.ModArpEthInstruction) i).mac())));
            case ARP_OP:
                return f.actions().setField(oxms.arpOp(ArpOpcode.of((int) ((L3ModificationInstruction.ModArpOpInstruction) i).op())));
            default:
                throw unsupported(i);
        }
    }

    private static IPv4Address ipv4(Instruction i, IpAddress ip) {
        if (!ip.isIp4()) {
            throw new UnsupportedFlowFeatureException("instruction " + describe(i) + ": " + ip + " is not IPv4");
        }
        return IPv4Address.of(ip.getIp4Address().toInt());
    }

    private static org.projectfloodlight.openflow.types.EthType ofEthType(EthType t) {
        return org.projectfloodlight.openflow.types.EthType.of(t.toShort() & 0xffff);
    }

    private static String describe(Instruction i) {
        if (i instanceof L2ModificationInstruction) {
            return "L2MODIFICATION/" + ((L2ModificationInstruction) i).subtype();
        }
        if (i instanceof L3ModificationInstruction) {
            return "L3MODIFICATION/" + ((L3ModificationInstruction) i).subtype();
        }
        if (i instanceof L4ModificationInstruction) {
            return "L4MODIFICATION/" + ((L4ModificationInstruction) i).subtype();
        }
        return String.valueOf(i.type());
    }

    private static UnsupportedFlowFeatureException unsupported(Instruction i) {
        return new UnsupportedFlowFeatureException("instruction " + describe(i) + " (" + i
                + ") is not supported by the fwlb OpenFlow 1.3 southbound");
    }

    /**
     * Rebuilds the ONOS treatment of a flow's instructions (for rules found on a switch), as ONOS's
     * FlowEntryBuilder does: what it does not know is dropped.
     *
     * @param instructions instructions reported by the switch
     * @return treatment
     */
    public static TrafficTreatment toTreatment(List<OFInstruction> instructions) {
        TrafficTreatment.Builder b = DefaultTrafficTreatment.builder();
        for (OFInstruction ins : instructions) {
            switch (ins.getType()) {
                case GOTO_TABLE:
                    b.transition((int) ((OFInstructionGotoTable) ins).getTableId().getValue());
                    break;
                case WRITE_METADATA:
                    OFInstructionWriteMetadata md = (OFInstructionWriteMetadata) ins;
                    b.writeMetadata(md.getMetadata().getValue(), md.getMetadataMask().getValue());
                    break;
                case WRITE_ACTIONS:
                    b.deferred();
                    ((OFInstructionWriteActions) ins).getActions().forEach(a -> addAction(b, a));
                    break;
                case APPLY_ACTIONS:
                    b.immediate();
                    ((OFInstructionApplyActions) ins).getActions().forEach(a -> addAction(b, a));
                    break;
                case CLEAR_ACTIONS:
                    b.wipeDeferred();
                    break;
                case METER:
                    b.meter(MeterId.meterId(((OFInstructionMeter) ins).getMeterId()));
                    break;
                default:
                    log.debug("OpenFlow instruction {} has no ONOS treatment; left out", ins.getType());
            }
        }
        return b.build();
    }

    private static void addAction(TrafficTreatment.Builder b, OFAction a) {
        Instruction i = toInstruction(a);
        if (i != null) {
            b.add(i);
        }
    }

    /**
     * ONOS instruction of one OpenFlow action, as FlowEntryBuilder builds it.
     *
     * @param a action
     * @return instruction, or null if FlowEntryBuilder builds none
     */
    public static Instruction toInstruction(OFAction a) {
        switch (a.getType()) {
            case OUTPUT:
                return Instructions.createOutput(MatchTranslator.onosPort(((OFActionOutput) a).getPort()));
            case GROUP:
                return Instructions.createGroup(GroupId.valueOf(((OFActionGroup) a).getGroup().getGroupNumber()));
            case SET_QUEUE:
                return Instructions.setQueue(((OFActionSetQueue) a).getQueueId(), null);
            case PUSH_VLAN:
                return Instructions.pushVlan(new EthType(((OFActionPushVlan) a).getEthertype().getValue()));
            case POP_VLAN:
                return Instructions.popVlan();
            case PUSH_MPLS:
                return Instructions.pushMpls();
            case POP_MPLS:
                return Instructions.popMpls(new EthType(((OFActionPopMpls) a).getEthertype().getValue()));
            case DEC_MPLS_TTL:
                return Instructions.decMplsTtl();
            case DEC_NW_TTL:
                return Instructions.decNwTtl();
            case COPY_TTL_OUT:
                return Instructions.copyTtlOut();
            case COPY_TTL_IN:
                return Instructions.copyTtlIn();
            case SET_FIELD:
                return setField(((OFActionSetField) a).getField());
            default:
                log.debug("OpenFlow action {} has no ONOS instruction; left out", a.getType());
                return null;
        }
    }

    private static Instruction setField(OFOxm<?> oxm) {
        Object v = oxm.getValue();
        switch (oxm.getMatchField().id) {
            case ETH_SRC:
                return Instructions.modL2Src(MatchTranslator.onosMac((MacAddress) v));
            case ETH_DST:
                return Instructions.modL2Dst(MatchTranslator.onosMac((MacAddress) v));
            case VLAN_VID:
                return Instructions.modVlanId(VlanId.vlanId(((OFVlanVidMatch) v).getVlan()));
            case VLAN_PCP:
                return Instructions.modVlanPcp(((VlanPcp) v).getValue());
            case IPV4_SRC:
                return Instructions.modL3Src(Ip4Address.valueOf(((IPv4Address) v).getInt()));
            case IPV4_DST:
                return Instructions.modL3Dst(Ip4Address.valueOf(((IPv4Address) v).getInt()));
            case IP_DSCP:
                return Instructions.modIpDscp(((IpDscp) v).getDscpValue());
            case TCP_SRC:
                return Instructions.modTcpSrc(TpPort.tpPort(((TransportPort) v).getPort()));
            case TCP_DST:
                return Instructions.modTcpDst(TpPort.tpPort(((TransportPort) v).getPort()));
            case UDP_SRC:
                return Instructions.modUdpSrc(TpPort.tpPort(((TransportPort) v).getPort()));
            case UDP_DST:
                return Instructions.modUdpDst(TpPort.tpPort(((TransportPort) v).getPort()));
            case MPLS_LABEL:
                return Instructions.modMplsLabel(MplsLabel.mplsLabel((int) ((U32) v).getValue()));
            case MPLS_BOS:
                return Instructions.modMplsBos(((OFBooleanValue) v).getValue());
            case TUNNEL_ID:
                return Instructions.modTunnelId(((U64) v).getValue());
            case ARP_SPA:
                return Instructions.modArpSpa(Ip4Address.valueOf(((IPv4Address) v).getInt()));
            case ARP_TPA:
                return Instructions.modArpTpa(Ip4Address.valueOf(((IPv4Address) v).getInt()));
            case ARP_SHA:
                return Instructions.modArpSha(MatchTranslator.onosMac((MacAddress) v));
            case ARP_THA:
                return Instructions.modArpTha(MatchTranslator.onosMac((MacAddress) v));
            case ARP_OP:
                return Instructions.modL3ArpOp((short) ((ArpOpcode) v).getOpcode());
            default:
                // FlowEntryBuilder: "Set field type ... not yet implemented."
                log.debug("OpenFlow set_field on {} has no ONOS instruction; left out", oxm.getMatchField().getName());
                return null;
        }
    }
}
