package org.fwlb.runtime.scr.sample;

/** Sample service. */
public interface GreetingService {
    String greet(String who);
}
