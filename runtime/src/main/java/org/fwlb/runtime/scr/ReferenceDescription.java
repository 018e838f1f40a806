package org.fwlb.runtime.scr;

/**
 * One {@code <reference>} of a component description.
 *
 * @param name             reference name
 * @param interfaceName    service interface
 * @param optional         cardinality lower bound is 0
 * @param multiple         cardinality upper bound is n
 * @param dynamic          policy="dynamic"
 * @param greedy           policy-option="greedy"
 * @param bind             bind method name, or null
 * @param unbind           unbind method name, or null
 * @param updated          updated method name, or null (parsed; service properties never change here)
 * @param field            field name, or null
 * @param fieldUpdate      field-option="update"
 * @param collectionType   field-collection-type (service, reference, ...)
 * @param target           target filter, or null (not evaluated by the runtime)
 */
public record ReferenceDescription(String name, String interfaceName, boolean optional, boolean multiple,
                                   boolean dynamic, boolean greedy, String bind, String unbind,
                                   String updated, String field, boolean fieldUpdate,
                                   String collectionType, String target) {

    /** @return true for 1..1 and 1..n */
    public boolean mandatory() {
        return !optional;
    }

    /** @return the DS cardinality string */
    public String cardinality() {
        return (optional ? "0" : "1") + ".." + (multiple ? "n" : "1");
    }
}
