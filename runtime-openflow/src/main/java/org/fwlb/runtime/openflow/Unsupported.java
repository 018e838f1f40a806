package org.fwlb.runtime.openflow;

/** The one way this runtime refuses an ONOS API method it does not implement. */
public final class Unsupported {

    private Unsupported() {
    }

    /**
     * Exception for an unsupported method.
     *
     * @param method interface and method name, e.g. {@code FlowRuleService.getFlowRulesByGroupId}
     * @return the exception to throw
     */
    public static UnsupportedOperationException method(String method) {
        return new UnsupportedOperationException(method + " is not supported by the fwlb standalone runtime");
    }
}
