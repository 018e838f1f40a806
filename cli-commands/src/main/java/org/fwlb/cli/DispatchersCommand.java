package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchService;

import java.util.List;

/**
 * Lists the dispatchers of every dispatch stage.
 */
@Service
@Command(scope = "fwlb", name = "dispatchers",
        description = "Lists the dispatchers of every stage with kind, stage, state, weight and connections")
public class DispatchersCommand extends DispatchMembersCommand {
    @Override
    protected List<DispatchMemberStatus> members(DispatchService svc) {
        return svc.dispatchers();
    }
}
