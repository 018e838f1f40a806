package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.model.AdminState;

/**
 * Ends a drain: the firewall takes new connections again.
 */
@Service
@Command(scope = "fwlb", name = "firewall-undrain", description = "Ends a drain: the firewall takes new connections again")
public class FirewallUndrainCommand extends FirewallStateCommand {
    @Override
    protected AdminState state() {
        return AdminState.UP;
    }
}
