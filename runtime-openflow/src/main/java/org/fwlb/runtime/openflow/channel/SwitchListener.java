package org.fwlb.runtime.openflow.channel;

import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFMessage;

/**
 * What the services learn from the channel layer. All callbacks run on the switch's Netty event
 * loop, in the order the switch sent the messages; implementations must not block.
 */
public interface SwitchListener {

    /**
     * A switch finished the handshake (features, port and description multiparts, config set) and
     * is the active connection of its datapath id.
     *
     * @param sw the connection
     */
    void switchConnected(SwitchConnection sw);

    /**
     * An asynchronous message from an active switch: PACKET_IN, FLOW_REMOVED, PORT_STATUS.
     *
     * @param sw  the connection
     * @param msg the message
     */
    void switchMessage(SwitchConnection sw, OFMessage msg);

    /**
     * The switch rejected one of our messages.
     *
     * @param sw      the connection
     * @param error   the error
     * @param request the message it answers, if it was still in the recent-requests window
     */
    void switchError(SwitchConnection sw, OFErrorMsg error, OFMessage request);

    /**
     * The active connection of a datapath id closed (not called for a refused second connection of the
     * same datapath id, which never became active).
     *
     * @param sw the closed connection
     */
    void switchDisconnected(SwitchConnection sw);
}
