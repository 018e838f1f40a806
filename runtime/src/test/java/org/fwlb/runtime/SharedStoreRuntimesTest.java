package org.fwlb.runtime;

import org.fwlb.runtime.core.ApplicationIdTable;
import org.fwlb.runtime.core.LocalMastershipService;
import org.fwlb.runtime.core.SingleNodeClusterService;
import org.fwlb.runtime.scr.BundleInfo;
import org.fwlb.runtime.scr.sample.MapWriter;
import org.fwlb.runtime.store.StoreBackend;
import org.fwlb.runtime.testutil.TestBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onlab.packet.IpAddress;
import org.onosproject.cluster.NodeId;
import org.onosproject.mastership.MastershipService;
import org.onosproject.net.DeviceId;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Several runtimes in one JVM sharing a store and application ids, with their own cluster/mastership (issue 7). */
class SharedStoreRuntimesTest {

    @TempDir
    Path dir;

    @Test
    void instancesShareStoreAndAppIdsButNotNodes() throws Exception {
        BundleInfo bundle = TestBundles.bundle("writer").header("Service-Component", "OSGI-INF/w.xml")
                .resource("OSGI-INF/w.xml", """
                    <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="writer" immediate="true">
                      <reference name="storageService" interface="org.onosproject.store.service.StorageService" field="storageService"/>
                      <reference name="clusterService" interface="org.onosproject.cluster.ClusterService" field="clusterService"/>
                      <implementation class="org.fwlb.runtime.scr.sample.MapWriter"/>
                    </scr:component>""").build(dir);
        StoreBackend store = new StoreBackend();
        ApplicationIdTable appIds = new ApplicationIdTable();
        FwlbRuntime a = instance("a", bundle, store, appIds, true);
        FwlbRuntime b = instance("b", bundle, store, appIds, false);
        try {
            a.start();
            b.start();
            MapWriter writerA = (MapWriter) a.components().instance("writer").orElseThrow();
            assertEquals(Set.of("a", "b"), writerA.map.keySet());
            assertEquals(a.coreService().registerApplication("org.fwlb.x"), b.coreService().getAppId("org.fwlb.x"));
            MastershipService mb = b.registry().find(MastershipService.class).orElseThrow();
            assertSame(b.mastership(), mb);
            assertEquals(NodeId.nodeId("b"), mb.getMasterFor(DeviceId.deviceId("of:1")));
        } finally {
            b.close();
            a.close();
        }
    }

    private static FwlbRuntime instance(String node, BundleInfo bundle, StoreBackend store, ApplicationIdTable ids,
                                        boolean processDefault) {
        return FwlbRuntime.builder().name(node).bundles(List.of(bundle)).storeBackend(store).applicationIds(ids)
                .clusterService(new SingleNodeClusterService(NodeId.nodeId(node), IpAddress.valueOf("127.0.0.1")))
                .mastershipService(LocalMastershipService::new)
                .processDefaultDirectory(processDefault).build();
    }
}
