package org.fwlb.runtime.scr.sample;

import java.util.Map;

/** Provides GreetingService, has no modified method: a configuration change reactivates it. */
public class NoModified implements GreetingService {
    public static final java.util.List<NoModified> INSTANCES = new java.util.concurrent.CopyOnWriteArrayList<>();
    public volatile Map<String, Object> props;

    protected void activate(Map<String, Object> props) {
        this.props = props;
        INSTANCES.add(this);
        Events.add("activate NoModified " + props.get("level"));
    }

    protected void deactivate() {
        Events.add("deactivate NoModified");
    }

    @Override
    public String greet(String who) {
        return "nm " + who;
    }
}
