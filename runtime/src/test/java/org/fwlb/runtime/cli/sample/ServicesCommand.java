package org.fwlb.runtime.cli.sample;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.onosproject.cli.AbstractShellCommand;
import org.onosproject.core.CoreService;
import org.onosproject.net.device.DeviceService;

/** Looks services up the ONOS way (static get) and the Karaf way (@Reference). */
@Service
@Command(scope = "fwlb", name = "apps", description = "Shows application ids")
public class ServicesCommand extends AbstractShellCommand {

    @Reference
    CoreService injected;

    @Argument(index = 0, name = "name", description = "application name")
    String name = "org.onosproject.core";

    @Argument(index = 1, name = "missing", description = "look up a service that does not exist")
    boolean missing = false;

    @Override
    protected void doExecute() {
        CoreService core = get(CoreService.class);
        print("%s=%d same=%s", name, core.getAppId(name).id(), core == injected);
        if (missing) {
            get(DeviceService.class);
        }
    }
}
