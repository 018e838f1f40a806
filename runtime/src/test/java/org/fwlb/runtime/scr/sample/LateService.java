package org.fwlb.runtime.scr.sample;

/** Sample service registered after start. */
public interface LateService {
}
