package org.fwlb.runtime.openflow.translate;

/**
 * A selector criterion, treatment instruction or OpenFlow field that this runtime cannot translate.
 * The message names it; the rule or packet it belongs to is refused as a whole.
 */
public final class UnsupportedFlowFeatureException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnsupportedFlowFeatureException(String message) {
        super(message);
    }
}
