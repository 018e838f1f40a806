package org.fwlb.runtime.openflow.channel;

/** Input from a switch that is not valid OpenFlow 1.3; the connection it came from is closed. */
public final class BadOpenFlowInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadOpenFlowInputException(String message) {
        super(message);
    }
}
