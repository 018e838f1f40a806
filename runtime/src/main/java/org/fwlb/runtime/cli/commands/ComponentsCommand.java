package org.fwlb.runtime.cli.commands;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.runtime.RuntimeInfo;
import org.fwlb.runtime.scr.ComponentState;
import org.fwlb.runtime.scr.ComponentStatus;
import org.onosproject.cli.AbstractShellCommand;

/**
 * Lists the DS components the runtime hosts and their state (like Karaf's scr:list).
 */
@Service
@Command(scope = "runtime", name = "components", description = "Lists the hosted DS components and their state")
public class ComponentsCommand extends AbstractShellCommand {

    @Option(name = "-i", aliases = "--inactive", description = "Only components that are not active")
    private boolean inactive = false;

    @Override
    protected void doExecute() {
        RuntimeInfo info = get(RuntimeInfo.class);
        for (ComponentStatus s : info.componentStatus()) {
            if (inactive && s.state() == ComponentState.ACTIVE) {
                continue;
            }
            print("%-12s %s [%s]%s", s.state(), s.name(), s.bundle(), s.reason() == null ? "" : "\n             " + s.reason());
        }
    }
}
