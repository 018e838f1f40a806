package org.fwlb.runtime.scr.bnd;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Field injection of a mandatory reference; method injection of a dynamic multiple one. */
@Component(immediate = true)
public class BndConsumer {
    @Reference(cardinality = ReferenceCardinality.MANDATORY)
    protected BndService service;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    protected volatile BndExtra optionalExtra;

    final List<BndExtra> extras = new CopyOnWriteArrayList<>();
    volatile int sizeAtActivation = -1;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    protected void bindExtra(BndExtra extra) {
        extras.add(extra);
    }

    protected void unbindExtra(BndExtra extra) {
        extras.remove(extra);
    }

    @Activate
    protected void activate() {
        sizeAtActivation = service.size();
    }
}
