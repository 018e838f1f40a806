package org.fwlb.testing;

import org.onosproject.event.DefaultEventSinkRegistry;
import org.onosproject.event.Event;
import org.onosproject.event.EventDeliveryService;
import org.onosproject.event.EventSink;

/**
 * Event delivery for managers under test ({@code AbstractListenerManager.eventDispatcher}): delivers each
 * posted event to its sink on the posting thread, so a test sees every listener's reaction as soon as the
 * call that caused it returns.
 */
public class SyncEventDeliveryService extends DefaultEventSinkRegistry implements EventDeliveryService {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void post(Event event) {
        EventSink sink = getSink(event.getClass());
        if (sink != null) {
            sink.process(event);
        }
    }

    @Override
    public void setDispatchTimeLimit(long millis) {
        // no time limit: delivery is synchronous
    }

    @Override
    public long getDispatchTimeLimit() {
        return 0;
    }
}
