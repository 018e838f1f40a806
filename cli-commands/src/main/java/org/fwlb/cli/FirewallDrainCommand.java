package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.model.AdminState;

/**
 * Drains a firewall: no new connections, existing ones stay until they end.
 */
@Service
@Command(scope = "fwlb", name = "firewall-drain", description = "Drains a firewall: no new connections, existing ones stay until they end")
public class FirewallDrainCommand extends FirewallStateCommand {
    @Override
    protected AdminState state() {
        return AdminState.DRAINING;
    }
}
