package org.fwlb.runtime.cli.sample;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.onosproject.cli.AbstractShellCommand;

/** Reports an error, or throws. */
@Service
@Command(scope = "test", name = "fail", description = "Fails")
public class FailCommand extends AbstractShellCommand {

    @Argument(index = 0, name = "how", description = "error or throw", required = true)
    String how;

    @Override
    protected void doExecute() {
        print("before");
        if (how.equals("throw")) {
            throw new IllegalStateException("thrown on purpose");
        }
        error("Firewall %s not found", "fw9");
    }
}
