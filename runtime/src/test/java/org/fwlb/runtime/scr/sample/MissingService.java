package org.fwlb.runtime.scr.sample;

/** Nobody provides it. */
public interface MissingService {
}
