package org.fwlb.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.DispatchJsonViews;
import org.fwlb.api.DispatchQueries;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Ip4;
import org.onosproject.cli.AbstractShellCommand;

import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Lists the connections placed through the dispatch stages, with their path.
 */
@Service
@Command(scope = "fwlb", name = "dispatch-connections",
        description = "Lists connections placed through the dispatch stages (filters: member, service, state; limit)")
public class DispatchConnectionsCommand extends AbstractShellCommand {

    private static final String FORMAT = "%-22s %-22s %-8s %-20s %-8s %4s %-15s %6s";

    @Option(name = "--member", aliases = "-m", description = "Only connections through this dispatcher or server")
    @Completion(MemberIdCompleter.class)
    String member = null;

    @Option(name = "--service", aliases = "-s", description = "Only connections to this virtual service")
    @Completion(ServiceIdCompleter.class)
    String service = null;

    @Option(name = "--state", description = "Only connections in this state: syn_seen, established, closing, ...")
    @Completion(ConnectionStateCompleter.class)
    String state = null;

    // a string, so that a typo gets this command's message rather than a conversion error
    @Option(name = "--limit", aliases = "-n", description = "Show at most this many (default 1000)")
    String limit = null;

    @Override
    protected void doExecute() {
        DispatchService svc = get(DispatchService.class);
        Predicate<ConnectionEntry> filter;
        int max;
        try {
            filter = DispatchQueries.connectionFilter(svc, get(FwlbTopologyService.class).topology(),
                                                      member, service, state);
            max = DispatchQueries.limit(limit);
        } catch (NoSuchElementException | IllegalArgumentException e) {
            error("%s", e.getMessage());
            return;
        }
        List<ConnectionEntry> found = svc.connections(filter);
        List<ConnectionEntry> shown = found.subList(0, Math.min(max, found.size()));
        long now = System.currentTimeMillis();
        if (outputJson()) {
            ArrayNode arr = mapper().createArrayNode();
            shown.forEach(e -> arr.add(DispatchJsonViews.connection(mapper(), e, now)));
            print("%s", arr);
            return;
        }
        print(FORMAT, "client", "vip", "firewall", "dispatchers", "server", "tag", "state", "age");
        for (ConnectionEntry e : shown) {
            print(FORMAT, Ip4.format(e.flow().srcIp()) + ":" + e.flow().srcPort(),
                  Ip4.format(e.flow().dstIp()) + ":" + e.flow().dstPort(), e.path().firewallId().orElse("-"),
                  e.path().dispatcherIds().isEmpty() ? "-" : String.join(">", e.path().dispatcherIds()),
                  e.path().serverId().orElse("-"),
                  e.path().pathTag().map(t -> String.valueOf(t.value())).orElse("-"),
                  e.state().name().toLowerCase(Locale.ROOT), Math.max(0, now - e.createdMillis()) / 1000 + "s");
        }
        print("%d of %d connection(s)", shown.size(), found.size());
    }
}
