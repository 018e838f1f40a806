package org.fwlb.runtime.scr.sample;

/** activate throws. */
public class Failing implements LateService {
    protected void activate() {
        throw new IllegalStateException("boom on purpose");
    }
}
