package org.fwlb.runtime.scr.sample;

import org.osgi.service.component.ComponentContext;

import java.util.Dictionary;
import java.util.Map;

/** Provides GreetingService; activate(ComponentContext), modified(Map), deactivate(int). */
public class Greeter implements GreetingService {
    public volatile Dictionary<String, Object> activatedWith;
    public volatile Map<String, Object> modifiedWith;
    public volatile int deactivatedFor = -1;
    private volatile String greeting;

    protected void activate(ComponentContext ctx) {
        activatedWith = ctx.getProperties();
        greeting = String.valueOf(ctx.getProperties().get("greeting"));
        Events.add("activate Greeter");
    }

    protected void modified(Map<String, Object> props) {
        modifiedWith = props;
        greeting = String.valueOf(props.get("greeting"));
        Events.add("modified Greeter");
    }

    protected void deactivate(int reason) {
        deactivatedFor = reason;
        Events.add("deactivate Greeter");
    }

    @Override
    public String greet(String who) {
        return greeting + " " + who;
    }
}
