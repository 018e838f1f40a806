package org.fwlb.api;

import org.onosproject.event.EventListener;

/**
 * Listens for member status changes.
 */
public interface MemberStateListener extends EventListener<MemberStateEvent> {
}
