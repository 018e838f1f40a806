package org.fwlb.runtime;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 14: every Netty 4 jar on the runtime's class path (what its jar ships: the OpenFlow channel) is 4.1.137.Final or newer (fixes for
 * CVE-2025-58056 and CVE-2026-33870). A dependency that drags an older Netty in (openflowj's netty-all 4.0.31,
 * a version pinned in a pom) shows up here; the runtime's class path holds runtime-openflow's dependencies, so one
 * test covers both modules. Netty 3 (org.jboss.netty, from onos-api) is another artifact.
 */
class NettyVersionTest {

    private static final int[] OLDEST = {4, 1, 137};

    @Test
    void everyNetty4JarIsRecentEnough() throws Exception {
        List<String> old = new ArrayList<>();
        int artifacts = 0;
        for (URL u : Collections.list(getClass().getClassLoader().getResources("META-INF/io.netty.versions.properties"))) {
            Properties p = new Properties();
            try (InputStream in = u.openStream()) {
                p.load(in);
            }
            for (String k : p.stringPropertyNames()) {
                if (k.endsWith(".version")) {
                    artifacts++;
                    if (tooOld(p.getProperty(k))) {
                        old.add(k + "=" + p.getProperty(k) + " in " + u);
                    }
                }
            }
        }
        assertFalse(artifacts == 0, "no Netty on the class path");
        assertEquals(List.of(), old, "Netty older than 4.1.137.Final");
    }

    private static boolean tooOld(String version) {
        String[] v = version.split("\\.");
        for (int i = 0; i < OLDEST.length; i++) {
            int n = Integer.parseInt(v[i]);
            if (n != OLDEST[i]) {
                return n < OLDEST[i];
            }
        }
        return false;
    }
}
