package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchService;

import java.util.List;

/**
 * Lists the back-end servers of the dispatch trees.
 */
@Service
@Command(scope = "fwlb", name = "servers",
        description = "Lists the back-end servers with state, health, weight, connections and the dispatchers reaching them")
public class ServersCommand extends DispatchMembersCommand {
    @Override
    protected List<DispatchMemberStatus> members(DispatchService svc) {
        return svc.servers();
    }
}
