package org.fwlb.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.FirewallSandwichService;
import org.fwlb.api.JsonViews;
import org.fwlb.connection.ConnectionFilter;
import org.fwlb.model.ConnectionEntry;
import org.fwlb.model.Ip4;
import org.fwlb.model.TcpState;
import org.onlab.packet.Ip4Address;
import org.onosproject.cli.AbstractShellCommand;

import java.util.List;
import java.util.Locale;

/**
 * Lists the pinned connections, optionally filtered.
 */
@Service
@Command(scope = "fwlb", name = "connections",
        description = "Lists pinned connections (filters: firewall, client, server, state)")
public class ConnectionsCommand extends AbstractShellCommand {

    private static final String FORMAT = "%-22s %-22s %-8s %-8s %-11s %5s";

    @Option(name = "--firewall", aliases = "-f", description = "Only connections through this firewall")
    @Completion(FirewallIdCompleter.class)
    String firewall = null;

    @Option(name = "--client", aliases = "-c", description = "Only connections of this client IPv4 address")
    String client = null;

    @Option(name = "--server", aliases = "-s", description = "Only connections to this server id")
    String server = null;

    @Option(name = "--state", description = "Only connections in this state: syn_seen, established, closing")
    @Completion(ConnectionStateCompleter.class)
    String state = null;

    @Override
    protected void doExecute() {
        ConnectionFilter f = ConnectionFilter.all();
        if (firewall != null) {
            f = f.member(firewall);
        }
        if (server != null) {
            f = f.server(server);
        }
        if (client != null) {
            try {
                f = f.clientIp(Ip4.toInt(Ip4Address.valueOf(client)));
            } catch (IllegalArgumentException e) {
                error("--client %s is not an IPv4 address", client);
                return;
            }
        }
        if (state != null) {
            try {
                f = f.state(TcpState.valueOf(state.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                error("--state %s is not one of syn_seen, established, closing", state);
                return;
            }
        }
        List<ConnectionEntry> list = get(FirewallSandwichService.class).connections(f);
        long now = System.currentTimeMillis();
        if (outputJson()) {
            ArrayNode arr = mapper().createArrayNode();
            list.forEach(e -> arr.add(JsonViews.connection(mapper(), e, now)));
            print("%s", arr);
            return;
        }
        print(FORMAT, "client", "service", "firewall", "server", "state", "age");
        for (ConnectionEntry e : list) {
            print(FORMAT, Ip4.format(e.flow().srcIp()) + ":" + e.flow().srcPort(),
                  Ip4.format(e.flow().dstIp()) + ":" + e.flow().dstPort(),
                  e.path().firewallId().orElse("-"), e.path().serverId().orElse("-"),
                  e.state().name().toLowerCase(Locale.ROOT), (now - e.createdMillis()) / 1000 + "s");
        }
        print("%d connection(s)", list.size());
    }
}
