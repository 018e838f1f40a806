package org.fwlb.runtime.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.runtime.RuntimeInfo;
import org.fwlb.runtime.metrics.OpenFlowCounters;
import org.onosproject.cli.AbstractShellCommand;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Prints the southbound's OpenFlow message counters: one row per switch and the total (or JSON with -j).
 */
@Service
@Command(scope = "runtime", name = "openflow",
        description = "Prints the OpenFlow message counters per switch (packet-ins by kind, FLOW_MODs, barriers)")
public class OpenFlowCommand extends AbstractShellCommand {

    @Override
    protected void doExecute() throws Exception {
        ObjectNode c = get(RuntimeInfo.class).openflow();
        if (outputJson()) {
            print("%s", mapper().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(c));
            return;
        }
        if (!c.has("total")) {
            print("no OpenFlow southbound");
            return;
        }
        List<String> names = new ArrayList<>(OpenFlowCounters.fields().keySet());
        StringBuilder head = new StringBuilder(String.format("%-22s", "switch"));
        names.forEach(n -> head.append(String.format(" %" + Math.max(8, n.length()) + "s", n)));
        print("%s", head);
        Iterator<Map.Entry<String, JsonNode>> it = c.path("switches").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            print("%s", row(e.getKey(), e.getValue(), names));
        }
        print("%s", row("total", c.path("total"), names));
    }

    private static String row(String name, JsonNode values, List<String> names) {
        StringBuilder b = new StringBuilder(String.format("%-22s", name));
        names.forEach(n -> b.append(String.format(" %" + Math.max(8, n.length()) + "d", values.path(n).asLong())));
        return b.toString();
    }
}
