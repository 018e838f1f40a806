package org.fwlb.runtime.openflow.translate;

import org.onlab.packet.Ip4Address;
import org.onlab.packet.Ip4Prefix;
import org.onlab.packet.Ip6Prefix;
import org.onlab.packet.IpPrefix;
import org.onlab.packet.MacAddress;
import org.onlab.packet.MplsLabel;
import org.onlab.packet.TpPort;
import org.onlab.packet.VlanId;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.DefaultTrafficSelector;
import org.onosproject.net.flow.TrafficSelector;
import org.onosproject.net.flow.criteria.ArpHaCriterion;
import org.onosproject.net.flow.criteria.ArpOpCriterion;
import org.onosproject.net.flow.criteria.ArpPaCriterion;
import org.onosproject.net.flow.criteria.Criteria;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.EthCriterion;
import org.onosproject.net.flow.criteria.EthTypeCriterion;
import org.onosproject.net.flow.criteria.IPCriterion;
import org.onosproject.net.flow.criteria.IPDscpCriterion;
import org.onosproject.net.flow.criteria.IPEcnCriterion;
import org.onosproject.net.flow.criteria.IPProtocolCriterion;
import org.onosproject.net.flow.criteria.IcmpCodeCriterion;
import org.onosproject.net.flow.criteria.IcmpTypeCriterion;
import org.onosproject.net.flow.criteria.MetadataCriterion;
import org.onosproject.net.flow.criteria.MplsBosCriterion;
import org.onosproject.net.flow.criteria.MplsCriterion;
import org.onosproject.net.flow.criteria.MplsTcCriterion;
import org.onosproject.net.flow.criteria.PortCriterion;
import org.onosproject.net.flow.criteria.SctpPortCriterion;
import org.onosproject.net.flow.criteria.TcpFlagsCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.flow.criteria.UdpPortCriterion;
import org.onosproject.net.flow.criteria.VlanIdCriterion;
import org.onosproject.net.flow.criteria.VlanPcpCriterion;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMatchV3;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.ICMPv4Code;
import org.projectfloodlight.openflow.types.ICMPv4Type;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv6Address;
import org.projectfloodlight.openflow.types.IPv6FlowLabel;
import org.projectfloodlight.openflow.types.IpDscp;
import org.projectfloodlight.openflow.types.IpEcn;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFBooleanValue;
import org.projectfloodlight.openflow.types.OFMetadata;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.OFValueType;
import org.projectfloodlight.openflow.types.OFVlanVidMatch;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U16;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.U8;
import org.projectfloodlight.openflow.types.VlanPcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONOS {@link TrafficSelector} to OpenFlow 1.3 {@link Match} and back.
 *
 * <p>To the wire ({@link #toMatch}) a criterion the runtime cannot express exactly is refused, naming
 * it — except TCP_FLAGS, which ONOS 2.7's {@code FlowModBuilder.buildMatch} silently leaves out
 * ("Match type TCP_FLAGS not yet implemented"); the runtime does the same unless asked to translate
 * it, and then uses the ONF experimenter OXM (class 0xffff, experimenter 0x4f4e4600, field 42) that
 * Open vSwitch accepts for tcp_flags over OpenFlow 1.3 (EXT-109; the standard OXM only exists from
 * OpenFlow 1.5 on).
 *
 * <p>From the wire ({@link #toSelector}) the selector is what ONOS's {@code FlowEntryBuilder.buildSelector}
 * builds: fields it does not know (MPLS_TC, the tcp_flags OXM, experimenter fields ...) are dropped, a
 * masked field ONOS only matches exactly is read as its value, a VLAN_VID mask other than "present" is
 * dropped. The result is what the reconciliation compares with the stored rules.
 */
public final class MatchTranslator {
    private static final Logger log = LoggerFactory.getLogger(MatchTranslator.class);
    private static final int VLAN_PRESENT = 0x1000;

    private MatchTranslator() {
    }

    /**
     * Builds the OpenFlow match of a selector.
     *
     * @param f       OF 1.3 factory
     * @param selector ONOS selector
     * @return match
     * @throws UnsupportedFlowFeatureException naming the first criterion that cannot be expressed
     */
    public static Match toMatch(OFFactory f, TrafficSelector selector) {
        return toMatch(f, selector, true);
    }

    /**
     * Builds the OpenFlow match of a selector.
     *
     * @param f        OF 1.3 factory
     * @param selector ONOS selector
     * @param tcpFlags whether a TCP_FLAGS criterion goes on the wire (false: left out, as ONOS 2.7 does)
     * @return match
     * @throws UnsupportedFlowFeatureException naming the first criterion that cannot be expressed
     */
    public static Match toMatch(OFFactory f, TrafficSelector selector, boolean tcpFlags) {
        Match.Builder m = f.buildMatch();
        int fields = 0;
        for (Criterion c : selector.criteria()) {
            if (c.type() == Criterion.Type.TCP_FLAGS && !tcpFlags) {
                continue;
            }
            if (add(m, c)) {
                fields++;
            }
        }
        Match match = m.build();
        int built = 0;
        for (OFOxm<?> ignored : ((OFMatchV3) match).getOxmList()) {
            built++;
        }
        if (built != fields) {
            // openflowj silently drops fields it dislikes (e.g. some masks): never install a wider rule
            throw new UnsupportedFlowFeatureException("selector " + selector + " lost fields in translation: "
                    + fields + " criteria became " + built + " OpenFlow match fields (" + match + ")");
        }
        return match;
    }

    /** Adds the OXM of a criterion; false if the criterion matches everything (a /0 prefix). */
    private static boolean add(Match.Builder m, Criterion c) {
        switch (c.type()) {
            case IN_PORT:
                m.setExact(MatchField.IN_PORT, ofPort(((PortCriterion) c).port()));
                break;
            case IN_PHY_PORT:
                m.setExact(MatchField.IN_PHY_PORT, ofPort(((PortCriterion) c).port()));
                break;
            case METADATA:
                m.setExact(MatchField.METADATA, OFMetadata.ofRaw(((MetadataCriterion) c).metadata()));
                break;
            case ETH_DST:
            case ETH_DST_MASKED:
                eth(m, MatchField.ETH_DST, (EthCriterion) c);
                break;
            case ETH_SRC:
            case ETH_SRC_MASKED:
                eth(m, MatchField.ETH_SRC, (EthCriterion) c);
                break;
            case ETH_TYPE:
                m.setExact(MatchField.ETH_TYPE, EthType.of(((EthTypeCriterion) c).ethType().toShort() & 0xffff));
                break;
            case VLAN_VID:
                VlanId vid = ((VlanIdCriterion) c).vlanId();
                if (vid.equals(VlanId.ANY)) {
                    m.setMasked(MatchField.VLAN_VID, OFVlanVidMatch.PRESENT, OFVlanVidMatch.PRESENT);
                } else if (vid.equals(VlanId.NONE)) {
                    m.setExact(MatchField.VLAN_VID, OFVlanVidMatch.NONE);
                } else {
                    m.setExact(MatchField.VLAN_VID, OFVlanVidMatch.ofVlan(vid.toShort()));
                }
                break;
            case VLAN_PCP:
                m.setExact(MatchField.VLAN_PCP, VlanPcp.of(((VlanPcpCriterion) c).priority()));
                break;
            case IP_DSCP:
                m.setExact(MatchField.IP_DSCP, IpDscp.of(((IPDscpCriterion) c).ipDscp()));
                break;
            case IP_ECN:
                m.setExact(MatchField.IP_ECN, IpEcn.of(((IPEcnCriterion) c).ipEcn()));
                break;
            case IP_PROTO:
                m.setExact(MatchField.IP_PROTO, IpProtocol.of(((IPProtocolCriterion) c).protocol()));
                break;
            case IPV4_SRC:
                return ipv4(m, MatchField.IPV4_SRC, ((IPCriterion) c).ip(), c);
            case IPV4_DST:
                return ipv4(m, MatchField.IPV4_DST, ((IPCriterion) c).ip(), c);
            case TCP_SRC:
            case TCP_SRC_MASKED:
                port(m, MatchField.TCP_SRC, ((TcpPortCriterion) c).tcpPort(), ((TcpPortCriterion) c).mask());
                break;
            case TCP_DST:
            case TCP_DST_MASKED:
                port(m, MatchField.TCP_DST, ((TcpPortCriterion) c).tcpPort(), ((TcpPortCriterion) c).mask());
                break;
            case UDP_SRC:
            case UDP_SRC_MASKED:
                port(m, MatchField.UDP_SRC, ((UdpPortCriterion) c).udpPort(), ((UdpPortCriterion) c).mask());
                break;
            case UDP_DST:
            case UDP_DST_MASKED:
                port(m, MatchField.UDP_DST, ((UdpPortCriterion) c).udpPort(), ((UdpPortCriterion) c).mask());
                break;
            case SCTP_SRC:
            case SCTP_SRC_MASKED:
                port(m, MatchField.SCTP_SRC, ((SctpPortCriterion) c).sctpPort(), ((SctpPortCriterion) c).mask());
                break;
            case SCTP_DST:
            case SCTP_DST_MASKED:
                port(m, MatchField.SCTP_DST, ((SctpPortCriterion) c).sctpPort(), ((SctpPortCriterion) c).mask());
                break;
            case ICMPV4_TYPE:
                m.setExact(MatchField.ICMPV4_TYPE, ICMPv4Type.of(((IcmpTypeCriterion) c).icmpType()));
                break;
            case ICMPV4_CODE:
                m.setExact(MatchField.ICMPV4_CODE, ICMPv4Code.of(((IcmpCodeCriterion) c).icmpCode()));
                break;
            case ARP_OP:
                m.setExact(MatchField.ARP_OP, ArpOpcode.of(((ArpOpCriterion) c).arpOp()));
                break;
            case ARP_SPA:
                m.setExact(MatchField.ARP_SPA, IPv4Address.of(((ArpPaCriterion) c).ip().toInt()));
                break;
            case ARP_TPA:
                m.setExact(MatchField.ARP_TPA, IPv4Address.of(((ArpPaCriterion) c).ip().toInt()));
                break;
            case ARP_SHA:
                m.setExact(MatchField.ARP_SHA, mac(((ArpHaCriterion) c).mac()));
                break;
            case ARP_THA:
                m.setExact(MatchField.ARP_THA, mac(((ArpHaCriterion) c).mac()));
                break;
            case MPLS_LABEL:
                m.setExact(MatchField.MPLS_LABEL, U32.of(((MplsCriterion) c).label().toInt()));
                break;
            case MPLS_BOS:
                m.setExact(MatchField.MPLS_BOS, OFBooleanValue.of(((MplsBosCriterion) c).mplsBos()));
                break;
            case MPLS_TC:
                m.setExact(MatchField.MPLS_TC, U8.of(((MplsTcCriterion) c).tc()));
                break;
            case TCP_FLAGS:
                int flags = ((TcpFlagsCriterion) c).flags();
                if (flags < 0 || flags > 0xfff) {
                    throw new UnsupportedFlowFeatureException("criterion TCP_FLAGS: value 0x"
                            + Integer.toHexString(flags) + " does not fit the 12 TCP flag bits");
                }
                m.setExact(MatchField.OVS_TCP_FLAGS, U16.of(flags));
                break;
            default:
                throw new UnsupportedFlowFeatureException("criterion " + c.type() + " (" + c
                        + ") is not supported by the fwlb OpenFlow 1.3 southbound");
        }
        return true;
    }

    private static void eth(Match.Builder m, MatchField<org.projectfloodlight.openflow.types.MacAddress> field,
                            EthCriterion c) {
        if (c.mask() == null) {
            m.setExact(field, mac(c.mac()));
        } else {
            m.setMasked(field, mac(c.mac()), mac(c.mask()));
        }
    }

    private static boolean ipv4(Match.Builder m, MatchField<IPv4Address> field, IpPrefix prefix, Criterion c) {
        if (!prefix.isIp4()) {
            throw new UnsupportedFlowFeatureException("criterion " + c.type() + ": " + prefix + " is not an IPv4 prefix");
        }
        int len = prefix.prefixLength();
        IPv4Address addr = IPv4Address.of(prefix.address().getIp4Address().toInt());
        if (len == 32) {
            m.setExact(field, addr);
        } else if (len > 0) {
            m.setMasked(field, addr, IPv4Address.ofCidrMaskLength(len));
        } else {
            return false; // a /0 prefix matches everything: no OXM at all
        }
        return true;
    }

    private static void port(Match.Builder m, MatchField<TransportPort> field, TpPort port, TpPort mask) {
        if (mask == null) {
            m.setExact(field, TransportPort.of(port.toInt()));
        } else {
            m.setMasked(field, TransportPort.of(port.toInt()), TransportPort.of(mask.toInt()));
        }
    }

    static OFPort ofPort(PortNumber p) {
        return Ports.of(p);
    }

    static org.projectfloodlight.openflow.types.MacAddress mac(MacAddress mac) {
        return org.projectfloodlight.openflow.types.MacAddress.of(mac.toLong());
    }

    static MacAddress onosMac(org.projectfloodlight.openflow.types.MacAddress mac) {
        return MacAddress.valueOf(mac.getLong());
    }

    static PortNumber onosPort(OFPort p) {
        return Ports.onos(p);
    }

    /**
     * Rebuilds the ONOS selector of an OpenFlow match as ONOS's FlowEntryBuilder does, reading the
     * tcp_flags OXM back as TCP_FLAGS.
     *
     * @param match match reported by the switch
     * @return selector
     * @throws UnsupportedFlowFeatureException where FlowEntryBuilder fails too (a non-CIDR IPv4 mask)
     */
    public static TrafficSelector toSelector(Match match) {
        return toSelector(match, true);
    }

    /**
     * Rebuilds the ONOS selector of an OpenFlow match as ONOS's FlowEntryBuilder does.
     *
     * @param match    match reported by the switch
     * @param tcpFlags whether the tcp_flags OXM is read back as TCP_FLAGS (false: dropped, as ONOS 2.7 does)
     * @return selector
     * @throws UnsupportedFlowFeatureException where FlowEntryBuilder fails too (a non-CIDR IPv4 mask)
     */
    public static TrafficSelector toSelector(Match match, boolean tcpFlags) {
        if (!(match instanceof OFMatchV3)) {
            throw new UnsupportedFlowFeatureException("match " + match + " is not an OXM match");
        }
        TrafficSelector.Builder s = DefaultTrafficSelector.builder();
        for (OFOxm<?> oxm : ((OFMatchV3) match).getOxmList()) {
            Criterion c = criterion(oxm, tcpFlags);
            if (c != null) {
                s.add(c);
            }
        }
        return s.build();
    }

    /** The criterion FlowEntryBuilder builds for one OXM; null where it builds none. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Criterion criterion(OFOxm<?> oxm, boolean tcpFlags) {
        MatchField field = oxm.getMatchField();
        boolean partial = oxm.isMasked(); // Match.isPartiallyMasked is exactly this for OXM matches
        // Match.get returns the value of a masked OXM too: fields ONOS matches only exactly ignore the mask
        OFValueType value = oxm.getValue();
        OFValueType mask = partial ? oxm.getMask() : null;
        switch (field.id) {
            case IN_PORT:
                return Criteria.matchInPort(onosPort((OFPort) value));
            case IN_PHY_PORT:
                return Criteria.matchInPhyPort(onosPort((OFPort) value));
            case METADATA:
                return Criteria.matchMetadata(((OFMetadata) value).getValue().getValue());
            case ETH_DST:
                return partial ? Criteria.matchEthDstMasked(onosMac((org.projectfloodlight.openflow.types.MacAddress) value),
                        onosMac((org.projectfloodlight.openflow.types.MacAddress) mask))
                        : Criteria.matchEthDst(onosMac((org.projectfloodlight.openflow.types.MacAddress) value));
            case ETH_SRC:
                return partial ? Criteria.matchEthSrcMasked(onosMac((org.projectfloodlight.openflow.types.MacAddress) value),
                        onosMac((org.projectfloodlight.openflow.types.MacAddress) mask))
                        : Criteria.matchEthSrc(onosMac((org.projectfloodlight.openflow.types.MacAddress) value));
            case ETH_TYPE:
                return Criteria.matchEthType(((EthType) value).getValue());
            case VLAN_VID:
                if (partial) {
                    return (((OFVlanVidMatch) value).getRawVid() & 0xffff) == VLAN_PRESENT
                            && (((OFVlanVidMatch) mask).getRawVid() & 0xffff) == VLAN_PRESENT
                            ? Criteria.matchVlanId(VlanId.ANY) : null;
                }
                OFVlanVidMatch vid = (OFVlanVidMatch) value;
                return Criteria.matchVlanId(vid.isPresentBitSet() ? VlanId.vlanId(vid.getVlan()) : VlanId.NONE);
            case VLAN_PCP:
                return Criteria.matchVlanPcp(((VlanPcp) value).getValue());
            case IP_DSCP:
                return Criteria.matchIPDscp(((IpDscp) value).getDscpValue());
            case IP_ECN:
                return Criteria.matchIPEcn(((IpEcn) value).getEcnValue());
            case IP_PROTO:
                return Criteria.matchIPProtocol((byte) ((IpProtocol) value).getIpProtocolNumber());
            case IPV4_SRC:
                return Criteria.matchIPSrc(prefix(field.getName(), value, mask));
            case IPV4_DST:
                return Criteria.matchIPDst(prefix(field.getName(), value, mask));
            case TCP_SRC:
                return partial ? Criteria.matchTcpSrcMasked(tp(value), tp(mask)) : Criteria.matchTcpSrc(tp(value));
            case TCP_DST:
                return partial ? Criteria.matchTcpDstMasked(tp(value), tp(mask)) : Criteria.matchTcpDst(tp(value));
            case UDP_SRC:
                return partial ? Criteria.matchUdpSrcMasked(tp(value), tp(mask)) : Criteria.matchUdpSrc(tp(value));
            case UDP_DST:
                return partial ? Criteria.matchUdpDstMasked(tp(value), tp(mask)) : Criteria.matchUdpDst(tp(value));
            case SCTP_SRC:
                return partial ? Criteria.matchSctpSrcMasked(tp(value), tp(mask)) : Criteria.matchSctpSrc(tp(value));
            case SCTP_DST:
                return partial ? Criteria.matchSctpDstMasked(tp(value), tp(mask)) : Criteria.matchSctpDst(tp(value));
            case ICMPV4_TYPE:
                return Criteria.matchIcmpType((byte) ((ICMPv4Type) value).getType());
            case ICMPV4_CODE:
                return Criteria.matchIcmpCode((byte) ((ICMPv4Code) value).getCode());
            case IPV6_SRC:
                return Criteria.matchIPv6Src(prefix6((IPv6Address) value, (IPv6Address) mask));
            case IPV6_DST:
                return Criteria.matchIPv6Dst(prefix6((IPv6Address) value, (IPv6Address) mask));
            case IPV6_FLABEL:
                return Criteria.matchIPv6FlowLabel(((IPv6FlowLabel) value).getIPv6FlowLabelValue());
            case ICMPV6_TYPE:
                return Criteria.matchIcmpv6Type((byte) ((U8) value).getValue());
            case ICMPV6_CODE:
                return Criteria.matchIcmpv6Code((byte) ((U8) value).getValue());
            case TUNNEL_ID:
                return Criteria.matchTunnelId(((U64) value).getValue());
            case ARP_OP:
                return Criteria.matchArpOp(((ArpOpcode) value).getOpcode());
            case ARP_SPA:
                return Criteria.matchArpSpa(Ip4Address.valueOf(((IPv4Address) value).getInt()));
            case ARP_TPA:
                return Criteria.matchArpTpa(Ip4Address.valueOf(((IPv4Address) value).getInt()));
            case ARP_SHA:
                return Criteria.matchArpSha(onosMac((org.projectfloodlight.openflow.types.MacAddress) value));
            case ARP_THA:
                return Criteria.matchArpTha(onosMac((org.projectfloodlight.openflow.types.MacAddress) value));
            case MPLS_LABEL:
                return Criteria.matchMplsLabel(MplsLabel.mplsLabel((int) ((U32) value).getValue()));
            case MPLS_BOS:
                return Criteria.matchMplsBos(((OFBooleanValue) value).getValue());
            case OVS_TCP_FLAGS:
            case TCP_FLAGS:
                return tcpFlags ? Criteria.matchTcpFlags(((U16) value).getValue()) : null;
            default:
                // FlowEntryBuilder: "Match type ... not yet implemented" (MPLS_TC among them)
                log.debug("match field {} has no ONOS criterion; left out of the rebuilt selector", field.getName());
                return null;
        }
    }

    private static IpPrefix prefix(String name, Object value, Object mask) {
        if (mask == null) {
            return Ip4Prefix.valueOf(((IPv4Address) value).getInt(), Ip4Prefix.MAX_MASK_LENGTH);
        }
        IPv4Address m = (IPv4Address) mask;
        if (!m.isCidrMask()) {
            // FlowEntryBuilder's asCidrMaskLength() throws here too
            throw new UnsupportedFlowFeatureException("match field " + name + " with mask " + m
                    + " is not a CIDR prefix; ONOS cannot express it");
        }
        return Ip4Prefix.valueOf(((IPv4Address) value).getInt(), m.asCidrMaskLength());
    }

    private static IpPrefix prefix6(IPv6Address value, IPv6Address mask) {
        if (mask == null) {
            return Ip6Prefix.valueOf(value.getBytes(), Ip6Prefix.MAX_MASK_LENGTH);
        }
        if (!mask.isCidrMask()) {
            throw new UnsupportedFlowFeatureException("match field ipv6 with mask " + mask
                    + " is not a CIDR prefix; ONOS cannot express it");
        }
        return Ip6Prefix.valueOf(value.getBytes(), mask.asCidrMaskLength());
    }

    private static TpPort tp(Object p) {
        return TpPort.tpPort(((TransportPort) p).getPort());
    }
}
