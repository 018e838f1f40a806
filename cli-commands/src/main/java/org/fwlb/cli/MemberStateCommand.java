package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.DispatchQueries;
import org.fwlb.api.DispatchService;

/**
 * Sets a dispatcher's or server's admin state (an operator override).
 */
@Service
@Command(scope = "fwlb", name = "member-state",
        description = "Sets a dispatcher's or server's admin state: up, draining (no new connections) or down "
                + "(no new connections, its connections end)")
public class MemberStateCommand extends MemberOverrideCommand {

    @Argument(index = 1, name = "state", description = "up, draining or down", required = true)
    @Completion(AdminStateCompleter.class)
    String state = null;

    @Override
    protected void check() {
        DispatchQueries.adminState(state);
    }

    @Override
    protected void apply(DispatchService svc) {
        svc.setAdminState(memberId, DispatchQueries.adminState(state));
    }
}
