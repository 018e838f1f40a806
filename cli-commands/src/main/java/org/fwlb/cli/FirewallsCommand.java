package org.fwlb.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.FirewallSandwichService;
import org.fwlb.api.FirewallStatus;
import org.fwlb.api.JsonViews;
import org.onosproject.cli.AbstractShellCommand;

import java.util.List;

/**
 * Lists the sandwich's firewalls: state, health, eligibility, connections, packets/s.
 */
@Service
@Command(scope = "fwlb", name = "firewalls",
        description = "Lists the firewalls of the sandwich with state, health, connections and packets/s")
public class FirewallsCommand extends AbstractShellCommand {

    private static final String FORMAT = "%-10s %-9s %-6s %-12s %6s %6s %11s %10s";

    @Override
    protected void doExecute() {
        List<FirewallStatus> list = get(FirewallSandwichService.class).firewalls();
        if (outputJson()) {
            ArrayNode arr = mapper().createArrayNode();
            list.forEach(s -> arr.add(JsonViews.firewall(mapper(), s)));
            print("%s", arr);
            return;
        }
        print(FORMAT, "id", "admin", "health", "eligibility", "weight", "max", "connections", "packets/s");
        for (FirewallStatus s : list) {
            print(FORMAT, s.id(), s.adminState().jsonName(), s.health().name().toLowerCase(),
                  s.eligibility().name().toLowerCase(), s.weight(),
                  s.maxConnections() == 0 ? "-" : String.valueOf(s.maxConnections()),
                  s.connections(), String.format("%.1f", s.packetRate()));
        }
    }
}
