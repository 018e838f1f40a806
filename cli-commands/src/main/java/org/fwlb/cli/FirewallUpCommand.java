package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.model.AdminState;

/**
 * Puts a firewall back in service (admin state up).
 */
@Service
@Command(scope = "fwlb", name = "firewall-up", description = "Puts a firewall back in service (admin state up)")
public class FirewallUpCommand extends FirewallStateCommand {
    @Override
    protected AdminState state() {
        return AdminState.UP;
    }
}
