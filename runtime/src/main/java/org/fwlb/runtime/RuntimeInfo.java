package org.fwlb.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.scr.ComponentStatus;

import java.util.List;

/**
 * What the runtime tells about itself (a built-in service, used by the {@code runtime:*} commands).
 */
public interface RuntimeInfo {

    /** @return every component and its state */
    List<ComponentStatus> componentStatus();

    /** @return description of the southbound */
    String southbound();

    /** @return the full status report (as GET /fwlb-runtime/status) */
    ObjectNode status();

    /** @return the southbound's OpenFlow message counters (as GET /fwlb-runtime/openflow); empty without one */
    ObjectNode openflow();
}
