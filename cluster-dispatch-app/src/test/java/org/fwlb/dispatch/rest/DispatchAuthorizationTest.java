package org.fwlb.dispatch.rest;

import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.fwlb.api.MemberStateService;
import org.fwlb.model.FwlbTopology;
import org.fwlb.testing.DispatchFixtures;
import org.fwlb.testing.FakeDispatchService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.onlab.rest.AuthorizationFilter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may do what on /onos/cluster-dispatch: ONOS's rules for admin and viewer, and the L7/3 reporters'
 * role that may only report and read the directory.
 */
class DispatchAuthorizationTest {

    private static final String REPORT = "l7/d7a/report";
    private FakeDispatchService dispatch;
    private RestHarness rest;

    @BeforeEach
    void setUp() {
        FwlbTopology topology = DispatchFixtures.topology();
        dispatch = new FakeDispatchService(topology);
        TestServices.register(DispatchService.class, dispatch);
        TestServices.register(FwlbTopologyService.class, DispatchFixtures.topologyService(topology));
        TestServices.register(MemberStateService.class, new org.fwlb.testing.MapMemberStates());
        rest = new RestHarness();
    }

    @AfterEach
    void tearDown() {
        TestServices.clear();
    }

    @Test
    void onosAuthorizationFilterIsReplacedNotDropped() {
        var classes = new ClusterDispatchWebApplication().getClasses();
        assertFalse(classes.contains(AuthorizationFilter.class));
        assertTrue(classes.contains(DispatchAuthorizationFilter.class));
    }

    @Test
    void aReporterMayReportAndReadTheDirectoryOnly() {
        rest.as(DispatchAuthorizationFilter.L7_REPORTER);
        // past authorization: the fake service knows no L7/3 dispatcher d7a, hence 404 (not 403)
        RestHarness.Reply report = rest.post(REPORT, "{}");
        assertEquals(404, report.status, report.toString());
        assertEquals(200, rest.get("directory").status);
        for (String read : new String[] {"services", "dispatchers", "servers", "connections", "counters", "l7"}) {
            RestHarness.Reply r = rest.get(read);
            assertEquals(403, r.status, read + ": " + r);
            assertEquals("User has insufficient privilege for this request", r.json.get("message").asText());
        }
        assertEquals(403, rest.post("members/srv1/state", "{\"state\": \"down\"}").status);
        assertEquals(403, rest.delete("members/srv1/overrides").status);
        assertTrue(dispatch.changes.isEmpty());
    }

    @Test
    void aViewerMayNotReportButMayReadTheDirectory() {
        rest.as("viewer");
        assertEquals(403, rest.post(REPORT, "{}").status);
        assertEquals(200, rest.get("directory").status);
        assertEquals(200, rest.get("l7").status);
    }

    @Test
    void anAdminMayDoEverything() {
        rest.as("admin");
        assertEquals(404, rest.post(REPORT, "{}").status);
        assertEquals(200, rest.get("services").status);
        assertEquals(200, rest.post("members/srv1/state", "{\"state\": \"down\"}").status);
    }

    @Test
    void aUserWithoutAnyKnownRoleGetsNothing() {
        rest.as("manager");
        assertEquals(403, rest.get("directory").status);
        assertEquals(403, rest.post(REPORT, "{}").status);
    }
}
