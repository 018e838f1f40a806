package org.fwlb.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.DispatchService;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Map;

/**
 * Shows this instance's dispatch counters.
 */
@Service
@Command(scope = "fwlb", name = "dispatch-counters",
        description = "Shows the dispatch counters of this instance: SYNs placed and refused, FIN/RST, rules removed...")
public class DispatchCountersCommand extends AbstractShellCommand {
    @Override
    protected void doExecute() {
        Map<String, Long> counters = get(DispatchService.class).counters();
        Map<String, Long> placements = get(DispatchService.class).placements();
        if (outputJson()) {
            ObjectNode n = mapper().createObjectNode();
            counters.forEach(n::put);
            placements.forEach(n.putObject("placements")::put);
            print("%s", n);
            return;
        }
        for (Map.Entry<String, Long> e : counters.entrySet()) {
            print("%-26s %d", e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Long> e : placements.entrySet()) {
            print("%-26s %d", "placed on " + e.getKey(), e.getValue());
        }
    }
}
