package org.fwlb.runtime.scr.sample;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Mandatory field reference to GreetingService; optional dynamic multiple LateService via bind/unbind. */
public class Consumer {
    protected GreetingService greeter;
    public final List<LateService> lates = new CopyOnWriteArrayList<>();
    public volatile Map<String, Object> activatedWith;

    private void activate(Map<String, Object> props) {
        activatedWith = props;
        Events.add("activate Consumer: " + greeter.greet("consumer"));
    }

    private void deactivate() {
        Events.add("deactivate Consumer");
    }

    protected void addLate(LateService s, Map<String, Object> props) {
        lates.add(s);
        Events.add("bind late " + props.get("tag"));
    }

    protected void removeLate(LateService s) {
        lates.remove(s);
        Events.add("unbind late");
    }
}
