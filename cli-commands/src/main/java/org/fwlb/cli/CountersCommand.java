package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.FirewallSandwichService;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Map;

/**
 * Shows the sandwich's counters.
 */
@Service
@Command(scope = "fwlb", name = "counters",
        description = "Shows the sandwich's counters: packet-ins by kind, placements, refusals, RSTs, probes")
public class CountersCommand extends AbstractShellCommand {
    @Override
    protected void doExecute() {
        FirewallSandwichService s = get(FirewallSandwichService.class);
        for (Map.Entry<String, Long> e : s.counters().entrySet()) {
            print("%-22s %d", e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Long> e : s.placements().entrySet()) {
            print("%-22s %d", "placed on " + e.getKey(), e.getValue());
        }
    }
}
