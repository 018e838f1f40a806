package org.fwlb.runtime.scr.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What sample components did, in order. */
public final class Events {
    public static final List<String> LOG = new CopyOnWriteArrayList<>();

    private Events() {
    }

    public static void add(String e) {
        LOG.add(e);
    }
}
