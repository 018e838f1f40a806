package org.fwlb.runtime.openflow.channel;

import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** A switch answered a request with an OpenFlow ERROR. */
public final class OpenFlowErrorException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient OFErrorMsg error;

    public OpenFlowErrorException(OFErrorMsg error, OFMessage request) {
        super(Messages.describeError(error) + " for " + (request == null ? "an unknown request" : Messages.describe(request)));
        this.error = error;
    }

    public OFErrorMsg error() {
        return error;
    }
}
