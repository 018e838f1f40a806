package org.fwlb.runtime;

import org.fwlb.runtime.scr.ComponentState;
import org.fwlb.runtime.scr.ComponentStatus;
import org.fwlb.runtime.testutil.FakeNetworkServices;
import org.fwlb.runtime.testutil.TestUsers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The app bundles exactly as packaged (what ships in the .oar files) hosted by the runtime: every fwlb
 * component activates on the runtime's services and both web contexts deploy from the bundles' web.xml.
 * An integration test (Failsafe, after packaging): in the reactor's test phase the sibling modules are
 * class folders, not the packaged Web Application Bundles.
 */
class PackagedBundlesIT {

    /** The DS components the four fwlb bundles declare (the .oar contents). */
    private static final Set<String> EXPECTED = Set.of(
            "org.fwlb.core.impl.FwlbTopologyManager",
            "org.fwlb.core.impl.MemberStateManager",
            "org.fwlb.connection.impl.DistributedConnectionStore",
            "org.fwlb.sandwich.impl.FirewallSandwichManager",
            "org.fwlb.dispatch.impl.DispatchManager",
            "org.fwlb.engine.impl.ConnectionEngineManager");

    @Test
    void hostsEveryFwlbComponentAndBothWebContextsFromThePackagedBundles() throws Exception {
        try (FwlbRuntime rt = FwlbRuntime.builder().networkServices(new FakeNetworkServices())
                .rest("127.0.0.1", 0).restSecurity(TestUsers.security()).build()) {
            rt.start();
            assertTrue(rt.rest().webErrors().isEmpty(), "web contexts not deployed: " + rt.rest().webErrors());
            Map<String, String> web = rt.rest().webContexts();
            assertTrue(web.containsKey("/onos/fwlb"), "sandwich REST not deployed: " + web);
            assertTrue(web.containsKey("/onos/cluster-dispatch"), "dispatch REST not deployed: " + web);
            List<ComponentStatus> fwlb = rt.componentStatus().stream()
                    .filter(s -> s.implementation().startsWith("org.fwlb.")).collect(Collectors.toList());
            Set<String> active = fwlb.stream().filter(s -> s.state() == ComponentState.ACTIVE)
                    .map(ComponentStatus::implementation).collect(Collectors.toCollection(TreeSet::new));
            assertTrue(active.containsAll(EXPECTED), "active: " + active + ", expected at least: " + EXPECTED);
            List<String> inactive = fwlb.stream().filter(s -> s.state() != ComponentState.ACTIVE)
                    .map(s -> s.name() + ": " + s.state() + " " + s.reason()).collect(Collectors.toList());
            assertEquals(List.of(), inactive, "inactive fwlb components");
            assertTrue(rt.componentStatus().stream().anyMatch(
                    s -> s.name().equals("org.onosproject.codec.impl.CodecManager") && s.state() == ComponentState.ACTIVE));
        }
    }
}
