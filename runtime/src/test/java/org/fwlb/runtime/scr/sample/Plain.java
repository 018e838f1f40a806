package org.fwlb.runtime.scr.sample;

/** No lifecycle methods at all; used for unsatisfied and cycle cases and as a generic provider. */
public class Plain implements GreetingService, LateService, MissingService {
    protected Object ref;
    protected Object other;

    public Object ref() {
        return ref;
    }

    @Override
    public String greet(String who) {
        return "plain " + who;
    }
}
