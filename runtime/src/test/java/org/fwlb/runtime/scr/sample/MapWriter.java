package org.fwlb.runtime.scr.sample;

import org.onosproject.cluster.ClusterService;
import org.onosproject.store.serializers.KryoNamespaces;
import org.onosproject.store.service.ConsistentMap;
import org.onosproject.store.service.Serializer;
import org.onosproject.store.service.StorageService;

/** Writes its node id into a shared consistent map (a store-backed component of a simulated cluster). */
public class MapWriter {
    protected StorageService storageService;
    protected ClusterService clusterService;
    public ConsistentMap<String, String> map;

    protected void activate() {
        map = storageService.<String, String>consistentMapBuilder().withName("nodes")
                .withSerializer(Serializer.using(KryoNamespaces.API)).build();
        map.put(clusterService.getLocalNode().id().toString(), "up");
    }
}
