package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.fwlb.api.FirewallSandwichService;
import org.fwlb.model.AdminState;
import org.onosproject.cli.AbstractShellCommand;

/**
 * Base of the commands that change a firewall's admin state.
 */
public abstract class FirewallStateCommand extends AbstractShellCommand {

    @Argument(index = 0, name = "firewallId", description = "Firewall id", required = true)
    @Completion(FirewallIdCompleter.class)
    String firewallId = null;

    /**
     * Returns the state this command sets.
     *
     * @return state
     */
    protected abstract AdminState state();

    @Override
    protected void doExecute() {
        try {
            get(FirewallSandwichService.class).setFirewallState(firewallId, state());
            print("firewall %s is now %s", firewallId, state().jsonName());
        } catch (IllegalArgumentException e) {
            error("%s", e.getMessage());
        }
    }
}
