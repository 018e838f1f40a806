package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.model.AdminState;

/**
 * Forces a firewall down: no new connections, its pinned connections are cleared.
 */
@Service
@Command(scope = "fwlb", name = "firewall-down", description = "Forces a firewall down: no new connections, its pinned connections are cleared")
public class FirewallDownCommand extends FirewallStateCommand {
    @Override
    protected AdminState state() {
        return AdminState.DOWN;
    }
}
