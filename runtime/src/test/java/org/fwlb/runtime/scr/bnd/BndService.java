package org.fwlb.runtime.scr.bnd;

/** Service of the bnd-processed sample. */
public interface BndService {
    int size();
}
