package org.fwlb.runtime.openflow.flow;

import org.fwlb.runtime.openflow.translate.MatchTranslator;
import org.fwlb.runtime.openflow.translate.TreatmentTranslator;
import org.fwlb.runtime.openflow.translate.UnsupportedFlowFeatureException;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.IndexTableId;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.OFMatchV3;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** FLOW_MOD messages of ONOS flow rules; comparison of a rule with what a switch reports. */
final class FlowModFactory {
    private static final U64 EXACT_COOKIE = U64.of(-1L);
    private static final int MAX_U16 = 0xffff;

    private FlowModFactory() {
    }

    /** An ONOS rule translated once, at the API boundary, so a bad rule is refused before anything changes. */
    static final class Translated {
        final FlowRule rule;
        final Match match;
        final List<OFInstruction> instructions;

        Translated(FlowRule rule, Match match, List<OFInstruction> instructions) {
            this.rule = rule;
            this.match = match;
            this.instructions = instructions;
        }
    }

    /**
     * Translates a rule.
     *
     * @param f    OF 1.3 factory
     * @param rule rule
     * @return its match and instructions
     * @throws UnsupportedFlowFeatureException naming what cannot be expressed
     */
    static Translated translate(OFFactory f, FlowRule rule) {
        if (!(rule.table() instanceof IndexTableId)) {
            throw new UnsupportedFlowFeatureException("flow table " + rule.table() + " is not an OpenFlow table index");
        }
        if (rule.tableId() < 0 || rule.tableId() > 254) {
            throw new UnsupportedFlowFeatureException("flow table " + rule.tableId() + " is not in 0..254");
        }
        if (rule.timeout() < 0 || rule.timeout() > MAX_U16) {
            throw new UnsupportedFlowFeatureException("idle timeout " + rule.timeout() + " s does not fit OpenFlow's 16 bits");
        }
        if (rule.hardTimeout() < 0 || rule.hardTimeout() > MAX_U16) {
            throw new UnsupportedFlowFeatureException("hard timeout " + rule.hardTimeout() + " s does not fit OpenFlow's 16 bits");
        }
        Match match = MatchTranslator.toMatch(f, rule.selector());
        List<OFInstruction> ins = rule.treatment() == null ? List.of()
                : TreatmentTranslator.toInstructions(f, rule.treatment());
        return new Translated(rule, match, ins);
    }

    static OFFlowMod add(OFFactory f, long xid, Translated t) {
        FlowRule r = t.rule;
        return f.buildFlowAdd()
                .setXid(xid)
                .setCookie(U64.of(r.id().value()))
                .setTableId(TableId.of(r.tableId()))
                .setPriority(r.priority())
                .setIdleTimeout(r.timeout())
                .setHardTimeout(r.hardTimeout())
                .setBufferId(OFBufferId.NO_BUFFER)
                .setFlags(EnumSet.of(OFFlowModFlags.SEND_FLOW_REM))
                .setMatch(t.match)
                .setInstructions(t.instructions)
                .build();
    }

    static OFFlowMod deleteStrict(OFFactory f, long xid, long cookie, int table, int priority, Match match) {
        return f.buildFlowDeleteStrict()
                .setXid(xid)
                .setCookie(U64.of(cookie))
                .setCookieMask(EXACT_COOKIE)
                .setTableId(TableId.of(table))
                .setPriority(priority)
                .setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY)
                .setMatch(match)
                .build();
    }

    static OFFlowMod deleteStrict(OFFactory f, long xid, Translated t) {
        return deleteStrict(f, xid, t.rule.id().value(), t.rule.tableId(), t.rule.priority(), t.match);
    }

    static OFFlowMod deleteStrict(OFFactory f, long xid, OFFlowStatsEntry s) {
        return deleteStrict(f, xid, s.getCookie().getValue(), s.getTableId().getValue(), s.getPriority(), s.getMatch());
    }

    /**
     * Whether a switch's flow is exactly what the translated rule would install (so no FLOW_MOD is needed).
     *
     * @param t rule
     * @param s flow reported by the switch
     * @return true if match fields, instructions, priority, table and timeouts agree
     */
    static boolean sameFlow(Translated t, OFFlowStatsEntry s) {
        return s.getPriority() == t.rule.priority()
                && s.getTableId().getValue() == t.rule.tableId()
                && s.getIdleTimeout() == t.rule.timeout()
                && s.getHardTimeout() == t.rule.hardTimeout()
                && oxms(s.getMatch()).equals(oxms(t.match))
                && s.getInstructions().equals(t.instructions);
    }

    /** OXM fields of a match as a set: switches report them in their own order. */
    static Set<OFOxm<?>> oxms(Match m) {
        Set<OFOxm<?>> out = new HashSet<>();
        if (m instanceof OFMatchV3) {
            ((OFMatchV3) m).getOxmList().forEach(out::add);
        }
        return out;
    }
}
