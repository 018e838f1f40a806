package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.engine.ConnectionEngine;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Map;

/**
 * Whether the packet path is ready (as {@code GET /onos/fwlb/ready}): every switch the applications use
 * connected, mastered here and its base rules confirmed. With {@code --wait} it waits for that (checking five
 * times a second) and fails naming what is still missing, so a script can start traffic after it.
 */
@Service
@Command(scope = "fwlb", name = "ready",
        description = "Shows whether every switch is connected with its base rules confirmed; --wait S waits for it")
public class ReadyCommand extends AbstractShellCommand {

    static final int MAX_WAIT_SECONDS = 600;
    private static final long CHECK_MS = 200;

    @Option(name = "--wait", description = "Seconds to wait for readiness (0..600); fails if not ready by then")
    private int waitSeconds = 0;

    @Override
    protected void doExecute() throws Exception {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            error("--wait %d is not 0..%d", waitSeconds, MAX_WAIT_SECONDS);
            return;
        }
        ConnectionEngine engine = get(ConnectionEngine.class);
        long deadline = System.currentTimeMillis() + waitSeconds * 1000L;
        Map<String, String> devices = engine.readiness();
        while (!ready(devices) && System.currentTimeMillis() < deadline) {
            Thread.sleep(CHECK_MS);
            devices = engine.readiness();
        }
        devices.forEach((d, state) -> print("%-22s %s", d, state));
        if (ready(devices)) {
            print("ready");
        } else {
            // on stderr: the command fails (exit status 1 from bin/fwlb)
            error("not ready%s", waitSeconds > 0 ? " after " + waitSeconds + " s" : "");
        }
    }

    static boolean ready(Map<String, String> devices) {
        return !devices.isEmpty() && devices.values().stream().allMatch("ready"::equals);
    }
}
