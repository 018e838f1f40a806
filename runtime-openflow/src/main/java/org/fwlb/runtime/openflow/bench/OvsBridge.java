package org.fwlb.runtime.openflow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away Open vSwitch bridge (userspace datapath, OpenFlow 1.3 only, fail-mode secure)
 * pointed at a local controller, driven with ovs-vsctl/ovs-ofctl. Only for the benchmark and smoke
 * tools; it deletes exactly the bridge it created.
 */
final class OvsBridge implements AutoCloseable {
    final String name;
    final long dpid;

    private OvsBridge(String name, long dpid) {
        this.name = name;
        this.dpid = dpid;
    }

    /**
     * Creates the bridge (deleting a stale one of the same name first) with internal ports.
     *
     * @param name     bridge name
     * @param dpid     datapath id
     * @param ofPort   controller port on 127.0.0.1
     * @param ports    number of internal ports (named name + "p" + i)
     * @return the bridge
     */
    static OvsBridge create(String name, long dpid, int ofPort, int ports) throws IOException, InterruptedException {
        run("ovs-vsctl", "--if-exists", "del-br", name);
        List<String> cmd = new ArrayList<>(Arrays.asList("ovs-vsctl", "add-br", name,
                "--", "set", "bridge", name, "datapath_type=netdev", "protocols=OpenFlow13", "fail-mode=secure",
                String.format("other-config:datapath-id=%016x", dpid)));
        for (int i = 1; i <= ports; i++) {
            String p = name + "p" + i;
            cmd.addAll(Arrays.asList("--", "add-port", name, p, "--", "set", "interface", p, "type=internal",
                    "ofport_request=" + i));
        }
        run(cmd.toArray(new String[0]));
        run("ovs-vsctl", "set-controller", name, "tcp:127.0.0.1:" + ofPort);
        return new OvsBridge(name, dpid);
    }

    String dumpFlows() throws IOException, InterruptedException {
        return run("ovs-ofctl", "-O", "OpenFlow13", "dump-flows", name);
    }

    String dumpMeters() throws IOException, InterruptedException {
        return run("ovs-ofctl", "-O", "OpenFlow13", "dump-meters", name);
    }

    /** @return number of flows in the bridge */
    long flowCount() throws IOException, InterruptedException {
        String out = run("ovs-ofctl", "-O", "OpenFlow13", "dump-aggregate", name);
        int i = out.indexOf("flow_count=");
        return i < 0 ? -1 : Long.parseLong(out.substring(i + 11).trim().split("\\s")[0]);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("ovs-vsctl", "--if-exists", "del-br", name);
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim());
        }
        return out;
    }
}
