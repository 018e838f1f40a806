package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.FirewallSandwichService;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Map;

/**
 * Shows the sandwich's traffic classes with their mode and policy.
 */
@Service
@Command(scope = "fwlb", name = "policies",
        description = "Shows each traffic class's mode, firewall selection policy and unknown non-SYN action")
public class PoliciesCommand extends AbstractShellCommand {
    @Override
    protected void doExecute() {
        for (Map.Entry<String, String> e : get(FirewallSandwichService.class).policies().entrySet()) {
            print("%-12s %s", e.getKey(), e.getValue());
        }
    }
}
