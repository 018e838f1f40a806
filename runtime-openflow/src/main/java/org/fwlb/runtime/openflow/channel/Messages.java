package org.fwlb.runtime.openflow.channel;

import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFlowMod;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadActionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadInstructionErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadMatchErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFBadRequestErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFFlowModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFGroupModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFMeterModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFPortModFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFSwitchConfigFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.errormsg.OFTableModFailedErrorMsg;

/** Short human-readable renderings of OpenFlow messages for log lines. */
public final class Messages {
    private static final int MAX = 600;

    private Messages() {
    }

    /**
     * One-line description of a request.
     *
     * @param m message
     * @return text, at most a few hundred characters
     */
    public static String describe(OFMessage m) {
        String s;
        if (m instanceof OFFlowMod) {
            OFFlowMod fm = (OFFlowMod) m;
            s = "FLOW_MOD " + fm.getCommand() + " xid=" + fm.getXid() + " cookie=0x" + Long.toHexString(fm.getCookie().getValue())
                    + " table=" + fm.getTableId().getValue() + " priority=" + fm.getPriority()
                    + " idle=" + fm.getIdleTimeout() + " hard=" + fm.getHardTimeout()
                    + " match=" + fm.getMatch() + " instructions=" + fm.getInstructions();
        } else if (m instanceof OFPacketOut) {
            OFPacketOut po = (OFPacketOut) m;
            s = "PACKET_OUT xid=" + po.getXid() + " in_port=" + po.getInPort() + " actions=" + po.getActions()
                    + " data=" + po.getData().length + " bytes";
        } else {
            s = m.getType() + " " + m;
        }
        return s.length() > MAX ? s.substring(0, MAX) + "..." : s;
    }

    /**
     * Error type and code, e.g. {@code FLOW_MOD_FAILED/TABLE_FULL}.
     *
     * @param e error message
     * @return text
     */
    public static String describeError(OFErrorMsg e) {
        Object code;
        if (e instanceof OFFlowModFailedErrorMsg) {
            code = ((OFFlowModFailedErrorMsg) e).getCode();
        } else if (e instanceof OFBadMatchErrorMsg) {
            code = ((OFBadMatchErrorMsg) e).getCode();
        } else if (e instanceof OFBadActionErrorMsg) {
            code = ((OFBadActionErrorMsg) e).getCode();
        } else if (e instanceof OFBadInstructionErrorMsg) {
            code = ((OFBadInstructionErrorMsg) e).getCode();
        } else if (e instanceof OFBadRequestErrorMsg) {
            code = ((OFBadRequestErrorMsg) e).getCode();
        } else if (e instanceof OFMeterModFailedErrorMsg) {
            code = ((OFMeterModFailedErrorMsg) e).getCode();
        } else if (e instanceof OFGroupModFailedErrorMsg) {
            code = ((OFGroupModFailedErrorMsg) e).getCode();
        } else if (e instanceof OFPortModFailedErrorMsg) {
            code = ((OFPortModFailedErrorMsg) e).getCode();
        } else if (e instanceof OFTableModFailedErrorMsg) {
            code = ((OFTableModFailedErrorMsg) e).getCode();
        } else if (e instanceof OFSwitchConfigFailedErrorMsg) {
            code = ((OFSwitchConfigFailedErrorMsg) e).getCode();
        } else if (e instanceof OFHelloFailedErrorMsg) {
            code = ((OFHelloFailedErrorMsg) e).getCode();
        } else {
            code = "?";
        }
        return e.getErrType() + "/" + code;
    }
}
