package org.fwlb.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import org.fwlb.api.DispatchJsonViews;
import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.model.FwlbTopology;
import org.onosproject.cli.AbstractShellCommand;

import java.util.List;
import java.util.Locale;

/**
 * Base of the commands that list dispatch members (dispatchers, servers): one line each, or JSON with -j.
 */
public abstract class DispatchMembersCommand extends AbstractShellCommand {

    private static final String FORMAT = "%-12s %-6s %5s %-19s %-9s %-6s %-12s %6s %6s %11s %8s  %s";

    /**
     * Returns the members to list.
     *
     * @param svc dispatch service
     * @return statuses
     */
    protected abstract List<DispatchMemberStatus> members(DispatchService svc);

    @Override
    protected void doExecute() {
        List<DispatchMemberStatus> list = members(get(DispatchService.class));
        FwlbTopology topology = get(FwlbTopologyService.class).topology();
        if (outputJson()) {
            ArrayNode arr = mapper().createArrayNode();
            list.forEach(s -> arr.add(DispatchJsonViews.member(mapper(), s, topology)));
            print("%s", arr);
            return;
        }
        print(FORMAT, "id", "kind", "stage", "device", "admin", "health", "eligibility", "weight", "max",
              "connections", "placed", "parents");
        for (DispatchMemberStatus s : list) {
            print(FORMAT, s.id(), s.kind(), s.stage(), s.device() == null ? "-" : s.device(),
                  s.adminState().jsonName(), s.health().name().toLowerCase(Locale.ROOT),
                  s.eligibility().name().toLowerCase(Locale.ROOT), s.weight(),
                  s.maxConnections() == 0 ? "-" : String.valueOf(s.maxConnections()), s.connections(),
                  s.placed(), s.parents().isEmpty() ? "-" : String.join(",", s.parents()));
        }
    }
}
