package org.fwlb.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.model.VirtualService;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.ArrayList;
import java.util.List;

import static org.onosproject.cli.AbstractShellCommand.get;

/**
 * Completes the ids of the virtual services of the configuration in force.
 */
@Service
public class ServiceIdCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        List<String> ids = new ArrayList<>();
        for (VirtualService v : get(FwlbTopologyService.class).topology().services()) {
            ids.add(v.id());
        }
        return ids;
    }
}
