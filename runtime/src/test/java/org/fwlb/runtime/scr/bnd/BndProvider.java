package org.fwlb.runtime.scr.bnd;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/** Written like an ONOS component; bnd generates its XML in the test. */
@Component(immediate = true, service = BndService.class, property = {"size:Integer=3", "label=bnd"})
public class BndProvider implements BndService {
    volatile int size;
    volatile boolean deactivated;

    @Activate
    protected void activate(ComponentContext context) {
        size = (Integer) context.getProperties().get("size");
    }

    @Modified
    protected void modified(ComponentContext context) {
        size = Integer.parseInt(String.valueOf(context.getProperties().get("size")));
    }

    @Deactivate
    protected void deactivate() {
        deactivated = true;
    }

    @Override
    public int size() {
        return size;
    }
}
