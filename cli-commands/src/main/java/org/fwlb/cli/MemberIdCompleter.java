package org.fwlb.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.model.Dispatcher;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.Server;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.ArrayList;
import java.util.List;

import static org.onosproject.cli.AbstractShellCommand.get;

/**
 * Completes the ids of dispatch members (dispatchers, then servers) of the configuration in force.
 */
@Service
public class MemberIdCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        FwlbTopology t = get(FwlbTopologyService.class).topology();
        List<String> ids = new ArrayList<>();
        for (Dispatcher d : t.dispatchers()) {
            ids.add(d.id());
        }
        for (Server s : t.servers()) {
            ids.add(s.id());
        }
        return ids;
    }
}
