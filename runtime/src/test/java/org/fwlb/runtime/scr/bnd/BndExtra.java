package org.fwlb.runtime.scr.bnd;

/** Optional extras. */
public interface BndExtra {
}
