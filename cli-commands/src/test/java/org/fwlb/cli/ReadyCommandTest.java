package org.fwlb.cli;

import org.fwlb.engine.ConnectionEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadyCommandTest {

    private final AtomicInteger asked = new AtomicInteger();

    /** An engine whose switches are ready from the n-th question on. */
    private void engineReadyAfter(int n) {
        ConnectionEngine engine = (ConnectionEngine) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{ConnectionEngine.class}, (p, m, a) -> {
                    if (!m.getName().equals("readiness")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    boolean ready = asked.incrementAndGet() >= n;
                    return Map.of("of:0000000000000001", "ready",
                                  "of:0000000000000002", ready ? "ready" : "base rules not confirmed");
                });
        TestServices.register(ConnectionEngine.class, engine);
        TestServices.register(org.onosproject.security.AuditService.class,
                              new org.onosproject.security.AuditService() {
                                  @Override
                                  public boolean isAuditing() {
                                      return false;
                                  }

                                  @Override
                                  public void logUserAction(String user, String action) {
                                  }
                              });
    }

    @AfterEach
    void clear() {
        TestServices.clear();
    }

    @Test
    void readyPrintsEverySwitch() {
        engineReadyAfter(1);
        Shell.Result r = Shell.run(new ReadyCommand());
        assertTrue(!r.failed() && r.out.contains("of:0000000000000002") && r.out.trim().endsWith("ready"), r.toString());
    }

    @Test
    void notReadyFailsNamingWhatIsMissing() {
        engineReadyAfter(Integer.MAX_VALUE);
        Shell.Result r = Shell.run(new ReadyCommand());
        assertTrue(r.failed() && r.err.contains("not ready"), r.toString());
        assertTrue(r.out.contains("base rules not confirmed"), r.toString());
        assertEquals(1, asked.get(), "without --wait it asks once");
    }

    @Test
    void waitWaitsUntilEverySwitchIsReady() {
        engineReadyAfter(3);
        Shell.Result r = Shell.run(new ReadyCommand(), "--wait", "10");
        assertTrue(!r.failed() && r.out.trim().endsWith("ready") && !r.out.contains("not confirmed"), r.toString());
        assertEquals(3, asked.get());
    }

    @Test
    void aWaitOutOfRangeIsRefusedBeforeAsking() {
        engineReadyAfter(1);
        Shell.Result r = Shell.run(new ReadyCommand(), "--wait", "-1");
        assertTrue(r.failed() && r.err.contains("--wait -1 is not 0..600"), r.toString());
        assertEquals(0, asked.get());
    }
}
