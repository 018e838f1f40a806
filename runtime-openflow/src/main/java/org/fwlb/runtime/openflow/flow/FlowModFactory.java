package org.fwlb.runtime.openflow.flow;

import org.fwlb.runtime.openflow.translate.MatchTranslator;
import org.fwlb.runtime.openflow.translate.TreatmentTranslator;
import org.fwlb.runtime.openflow.translate.UnsupportedFlowFeatureException;
import org.onosproject.net.flow.FlowRule;
import org.onosproject.net.flow.IndexTableId;
import org.onosproject.net.flow.criteria.Criterion;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * FLOW_MODs of ONOS flow rules as ONOS 2.7's {@code FlowModBuilderVer13} builds them
 * ({@code providers/openflow/flow/.../impl/FlowModBuilderVer13.java}): cookie = FlowId, NO_BUFFER,
 * flags = {SEND_FLOW_REM} on every message (deletes too), priority, table, {@code hard_timeout =
 * rule.hardTimeout()}, never an idle timeout (temporary rules are expired by the controller from the
 * flow statistics), deletes are DELETE_STRICT without a cookie mask.
 */
final class FlowModFactory {
    private static final int MAX_U16 = 0xffff;
    private static final Set<OFFlowModFlags> FLAGS = EnumSet.of(OFFlowModFlags.SEND_FLOW_REM);

    private FlowModFactory() {
    }

    /** An ONOS rule translated once, at the API boundary, so a bad rule is refused before anything changes. */
    static final class Translated {
        final FlowRule rule;
        final Match match;
        final List<OFInstruction> instructions;
        /** The rule has a TCP_FLAGS criterion that is not on the wire (ONOS 2.7's behaviour). */
        final boolean tcpFlagsLeftOut;

        Translated(FlowRule rule, Match match, List<OFInstruction> instructions, boolean tcpFlagsLeftOut) {
            this.rule = rule;
            this.match = match;
            this.instructions = instructions;
            this.tcpFlagsLeftOut = tcpFlagsLeftOut;
        }
    }

    /**
     * Translates a rule.
     *
     * @param f        OF 1.3 factory
     * @param rule     rule
     * @param tcpFlags whether TCP_FLAGS goes on the wire (false: left out, as ONOS 2.7 does)
     * @return its match and instructions
     * @throws UnsupportedFlowFeatureException naming what cannot be expressed
     */
    static Translated translate(OFFactory f, FlowRule rule, boolean tcpFlags) {
        if (!(rule.table() instanceof IndexTableId)) {
            throw new UnsupportedFlowFeatureException("flow table " + rule.table() + " is not an OpenFlow table index");
        }
        if (rule.tableId() < 0 || rule.tableId() > 254) {
            throw new UnsupportedFlowFeatureException("flow table " + rule.tableId() + " is not in 0..254");
        }
        if (rule.hardTimeout() < 0 || rule.hardTimeout() > MAX_U16) {
            throw new UnsupportedFlowFeatureException("hard timeout " + rule.hardTimeout() + " s does not fit OpenFlow's 16 bits");
        }
        Match match = MatchTranslator.toMatch(f, rule.selector(), tcpFlags);
        List<OFInstruction> ins = rule.treatment() == null ? List.of()
                : TreatmentTranslator.toInstructions(f, rule.treatment());
        boolean leftOut = !tcpFlags && rule.selector().getCriterion(Criterion.Type.TCP_FLAGS) != null;
        return new Translated(rule, match, ins, leftOut);
    }

    /** FlowModBuilderVer13.buildFlowAdd. */
    static OFFlowMod add(OFFactory f, long xid, Translated t) {
        FlowRule r = t.rule;
        return f.buildFlowAdd()
                .setXid(xid)
                .setCookie(U64.of(r.id().value()))
                .setBufferId(OFBufferId.NO_BUFFER)
                .setInstructions(t.instructions)
                .setMatch(t.match)
                .setFlags(FLAGS)
                .setPriority(r.priority())
                .setTableId(TableId.of(r.tableId()))
                .setHardTimeout(r.hardTimeout())
                .build();
    }

    /** FlowModBuilderVer13.buildFlowMod: OFPFC_MODIFY (not strict). */
    static OFFlowMod modify(OFFactory f, long xid, Translated t) {
        FlowRule r = t.rule;
        return f.buildFlowModify()
                .setXid(xid)
                .setCookie(U64.of(r.id().value()))
                .setBufferId(OFBufferId.NO_BUFFER)
                .setInstructions(t.instructions)
                .setMatch(t.match)
                .setFlags(FLAGS)
                .setPriority(r.priority())
                .setTableId(TableId.of(r.tableId()))
                .setHardTimeout(r.hardTimeout())
                .build();
    }

    /** FlowModBuilderVer13.buildFlowDel: DELETE_STRICT, cookie set but no cookie mask. */
    static OFFlowMod deleteStrict(OFFactory f, long xid, Translated t) {
        FlowRule r = t.rule;
        return deleteStrict(f, xid, r.id().value(), r.tableId(), r.priority(), r.hardTimeout(), t.match);
    }

    /** DELETE_STRICT of a flow exactly as a switch reported it (when its ONOS form cannot be put back on the wire). */
    static OFFlowMod deleteStrict(OFFactory f, long xid, OFFlowStatsEntry s) {
        return deleteStrict(f, xid, s.getCookie().getValue(), s.getTableId().getValue(), s.getPriority(),
                s.getHardTimeout(), s.getMatch());
    }

    private static OFFlowMod deleteStrict(OFFactory f, long xid, long cookie, int table, int priority, int hard,
                                          Match match) {
        return f.buildFlowDeleteStrict()
                .setXid(xid)
                .setCookie(U64.of(cookie))
                .setBufferId(OFBufferId.NO_BUFFER)
                .setMatch(match)
                .setFlags(FLAGS)
                .setPriority(priority)
                .setTableId(TableId.of(table))
                .setHardTimeout(hard)
                .setOutPort(OFPort.ANY)
                .setOutGroup(OFGroup.ANY)
                .build();
    }
}
