package org.fwlb.runtime.scr;

import java.util.List;

/**
 * A snapshot of one component for reports (REST, CLI, the ready line).
 *
 * @param name           component name
 * @param implementation implementation class
 * @param bundle         declaring bundle
 * @param state          state
 * @param reason         why it is not active, or null
 * @param services       provided interfaces
 */
public record ComponentStatus(String name, String implementation, String bundle, ComponentState state,
                              String reason, List<String> services) {
}
