package org.fwlb.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.DispatchJsonViews;
import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchQueries;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.model.FwlbTopology;
import org.fwlb.model.VirtualService;
import org.onosproject.cli.AbstractShellCommand;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Shows each virtual service's dispatch tree, indented by stage, with every member's state and load
 * (the same tree as REST GET /onos/cluster-dispatch/services).
 */
@Service
@Command(scope = "fwlb", name = "dispatch-tree",
        description = "Shows each virtual service's dispatch tree (stages, dispatchers, servers) with state and load")
public class DispatchTreeCommand extends AbstractShellCommand {

    @Argument(index = 0, name = "serviceId", description = "Only this virtual service")
    @Completion(ServiceIdCompleter.class)
    String serviceId = null;

    @Override
    protected void doExecute() {
        FwlbTopology t = get(FwlbTopologyService.class).topology();
        DispatchService svc = get(DispatchService.class);
        List<VirtualService> services = new ArrayList<>();
        if (serviceId != null) {
            try {
                services.add(DispatchQueries.requireService(t, serviceId));
            } catch (NoSuchElementException e) {
                error("%s", e.getMessage());
                return;
            }
        } else {
            services.addAll(t.services());
        }
        Map<String, DispatchMemberStatus> statuses = new HashMap<>();
        svc.dispatchers().forEach(s -> statuses.put(s.id(), s));
        svc.servers().forEach(s -> statuses.put(s.id(), s));
        List<ObjectNode> views = new ArrayList<>();
        services.forEach(v -> views.add(DispatchJsonViews.service(mapper(), v, t, statuses)));
        if (outputJson()) {
            ObjectNode root = mapper().createObjectNode();
            ArrayNode arr = root.putArray("services");
            views.forEach(arr::add);
            root.set("serverSets", DispatchJsonViews.serverSets(mapper(), t));
            print("%s", root);
            return;
        }
        if (views.isEmpty()) {
            print("no virtual services configured");
            return;
        }
        for (ObjectNode v : views) {
            print("service %s  %s %s/%d  type %s  mode %s", v.get("id").asText(), v.get("vip").asText(),
                  v.get("protocol").asText(), v.get("port").asInt(), v.get("serviceType").asText(),
                  v.get("mode").asText());
            List<String> stages = new ArrayList<>();
            v.get("stages").forEach(s -> stages.add(join(s)));
            print("  stages: %s", String.join(" | ", stages));
            print("  servers: %s", join(v.get("servers")));
            node(v.get("tree"), 1);
        }
        List<String> sets = new ArrayList<>();
        DispatchJsonViews.serverSets(mapper(), t).fields()
                .forEachRemaining(e -> sets.add(e.getKey() + ": " + join(e.getValue())));
        print("server sets: %s", sets.isEmpty() ? "-" : String.join("; ", sets));
    }

    private void node(JsonNode n, int depth) {
        print("%s%s %s  %s %s w=%s conns=%s", "  ".repeat(depth), n.path("id").asText(),
              n.path("kind").asText("?"), n.path("adminState").asText("?"), n.path("eligibility").asText("-"),
              n.path("weight").asText("?"), n.path("connections").asText("-"));
        n.path("children").forEach(c -> node(c, depth + 1));
    }

    private static String join(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out.isEmpty() ? "-" : String.join(", ", out);
    }
}
