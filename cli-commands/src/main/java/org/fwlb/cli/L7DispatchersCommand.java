package org.fwlb.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.DispatchService;
import org.fwlb.api.L7Report;
import org.fwlb.api.L7Status;
import org.onosproject.cli.AbstractShellCommand;

import java.util.List;
import java.util.Map;

/**
 * Shows the L7/3 dispatcher processes as the controller sees them: health (reports arriving), request and
 * relay counts, and per server its health and request count.
 */
@Service
@Command(scope = "fwlb", name = "l7-dispatchers",
        description = "Shows the L7/3 dispatchers: health, last report age, requests, relays, and per server requests")
public class L7DispatchersCommand extends AbstractShellCommand {
    @Override
    protected void doExecute() {
        List<L7Status> all = get(DispatchService.class).l7Dispatchers();
        if (outputJson()) {
            ArrayNode list = mapper().createArrayNode();
            for (L7Status s : all) {
                ObjectNode n = list.addObject().put("id", s.id()).put("health", s.health().name().toLowerCase())
                        .put("reportAgeMs", s.ageMillis());
                L7Report r = s.last();
                if (r != null) {
                    n.put("requests", r.requests()).put("relayedOut", r.relayedOut()).put("relayedIn", r.relayedIn())
                            .put("badRequests", r.badRequests());
                    ObjectNode servers = n.putObject("servers");
                    r.servers().forEach((id, sr) -> servers.putObject(id).put("health", sr.health().name().toLowerCase())
                            .put("requests", sr.requests()).put("open", sr.open()).put("pooled", sr.pooled()));
                }
            }
            print("%s", list);
            return;
        }
        if (all.isEmpty()) {
            print("no L7/3 dispatchers configured");
            return;
        }
        for (L7Status s : all) {
            L7Report r = s.last();
            if (r == null) {
                print("%-12s %-5s no report yet", s.id(), s.health().name().toLowerCase());
                continue;
            }
            print("%-12s %-5s report %5d ms ago  requests=%d relayedOut=%d relayedIn=%d badRequests=%d", s.id(),
                  s.health().name().toLowerCase(), s.ageMillis(), r.requests(), r.relayedOut(), r.relayedIn(),
                  r.badRequests());
            for (Map.Entry<String, L7Report.ServerReport> e : r.servers().entrySet()) {
                L7Report.ServerReport sr = e.getValue();
                print("    %-10s %-5s requests=%d open=%d pooled=%d", e.getKey(), sr.health().name().toLowerCase(),
                      sr.requests(), sr.open(), sr.pooled());
            }
        }
    }
}
