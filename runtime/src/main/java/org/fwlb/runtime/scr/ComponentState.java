package org.fwlb.runtime.scr;

/**
 * Lifecycle state of a component in the runtime (a subset of Felix SCR's states plus failure reasons).
 */
public enum ComponentState {
    /** Not yet processed. */
    PENDING,
    /** Activated; its services (if any) are registered. */
    ACTIVE,
    /** A mandatory reference cannot be satisfied (missing service, or a dependency cycle). */
    UNSATISFIED,
    /** Loading, instantiating, binding or activate failed. */
    FAILED,
    /** enabled="false" in its description. */
    DISABLED,
    /** Uses a DS feature the runtime does not support (factory components, constructor injection...). */
    UNSUPPORTED,
    /** Was active and has been deactivated. */
    DEACTIVATED
}
