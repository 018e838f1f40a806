package org.fwlb.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.model.Firewall;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.ArrayList;
import java.util.List;

import static org.onosproject.cli.AbstractShellCommand.get;

/**
 * Completes firewall ids of the configuration in force.
 */
@Service
public class FirewallIdCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        List<String> ids = new ArrayList<>();
        for (Firewall fw : get(FwlbTopologyService.class).topology().firewalls()) {
            ids.add(fw.id());
        }
        return ids;
    }
}
