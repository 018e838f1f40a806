package org.fwlb.testing;

import org.onlab.packet.IpAddress;
import org.onlab.packet.MacAddress;
import org.onosproject.net.PortNumber;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.TrafficTreatment;
import org.onosproject.net.flow.criteria.Criterion;
import org.onosproject.net.flow.criteria.EthCriterion;
import org.onosproject.net.flow.criteria.IPCriterion;
import org.onosproject.net.flow.criteria.TcpPortCriterion;
import org.onosproject.net.flow.instructions.Instruction;
import org.onosproject.net.flow.instructions.Instructions;
import org.onosproject.net.flow.instructions.L2ModificationInstruction;
import org.onosproject.net.flow.instructions.L2ModificationInstruction.L2SubType;
import org.onosproject.net.flow.instructions.L3ModificationInstruction;
import org.onosproject.net.flow.instructions.L3ModificationInstruction.L3SubType;

/**
 * Reads treatments and selectors back with ONOS's own instruction and criterion classes (independent of the
 * engine's readers), for assertions.
 */
public final class Treats {

    private Treats() {
    }

    public static MacAddress ethDst(TrafficTreatment t) {
        return ethMod(t, L2SubType.ETH_DST);
    }

    public static MacAddress ethSrc(TrafficTreatment t) {
        return ethMod(t, L2SubType.ETH_SRC);
    }

    private static MacAddress ethMod(TrafficTreatment t, L2SubType type) {
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L2ModificationInstruction.ModEtherInstruction
                    && ((L2ModificationInstruction) i).subtype() == type) {
                return ((L2ModificationInstruction.ModEtherInstruction) i).mac();
            }
        }
        return null;
    }

    /** The address an IPv4 field is rewritten to, as text, or null. */
    public static String ipMod(TrafficTreatment t, L3SubType type) {
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L3ModificationInstruction.ModIPInstruction
                    && ((L3ModificationInstruction) i).subtype() == type) {
                return ((L3ModificationInstruction.ModIPInstruction) i).ip().toString();
            }
        }
        return null;
    }

    public static String ipDst(TrafficTreatment t) {
        return ipMod(t, L3SubType.IPV4_DST);
    }

    public static String ipSrc(TrafficTreatment t) {
        return ipMod(t, L3SubType.IPV4_SRC);
    }

    /** The one output port of a treatment (fails on two), or null. */
    public static PortNumber output(TrafficTreatment t) {
        PortNumber out = null;
        for (Instruction i : t.allInstructions()) {
            if (i instanceof Instructions.OutputInstruction) {
                if (out != null) {
                    throw new AssertionError("two outputs in " + t);
                }
                out = ((Instructions.OutputInstruction) i).port();
            }
        }
        return out;
    }

    /** The VLAN id a treatment pushes and sets, or null. */
    public static Integer pushedVlan(TrafficTreatment t) {
        boolean push = false;
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L2ModificationInstruction
                    && ((L2ModificationInstruction) i).subtype() == L2SubType.VLAN_PUSH) {
                push = true;
            }
            if (push && i instanceof L2ModificationInstruction.ModVlanIdInstruction) {
                return (int) ((L2ModificationInstruction.ModVlanIdInstruction) i).vlanId().toShort();
            }
        }
        return null;
    }

    public static boolean popsVlan(TrafficTreatment t) {
        return has(t, L2SubType.VLAN_POP);
    }

    /** Whether a treatment pushes or sets any tag. */
    public static boolean tags(TrafficTreatment t) {
        return has(t, L2SubType.VLAN_PUSH) || has(t, L2SubType.VLAN_ID) || has(t, L2SubType.MPLS_PUSH);
    }

    private static boolean has(TrafficTreatment t, L2SubType type) {
        for (Instruction i : t.allInstructions()) {
            if (i instanceof L2ModificationInstruction && ((L2ModificationInstruction) i).subtype() == type) {
                return true;
            }
        }
        return false;
    }

    /** Whether a treatment drops (no output at all). */
    public static boolean drops(TrafficTreatment t) {
        return output(t) == null;
    }

    /** The destination MAC a rule matches, or null. */
    public static MacAddress matchedEthDst(FlowRule r) {
        EthCriterion c = (EthCriterion) r.selector().getCriterion(Criterion.Type.ETH_DST);
        return c == null ? null : c.mac();
    }

    /** An exact IPv4 address a rule matches, or null. */
    public static IpAddress matchedIp(FlowRule r, Criterion.Type type) {
        IPCriterion c = (IPCriterion) r.selector().getCriterion(type);
        return c == null ? null : c.ip().address();
    }

    /** An exact TCP port a rule matches, or -1. */
    public static int matchedPort(FlowRule r, Criterion.Type type) {
        TcpPortCriterion c = (TcpPortCriterion) r.selector().getCriterion(type);
        return c == null ? -1 : c.tcpPort().toInt();
    }
}
