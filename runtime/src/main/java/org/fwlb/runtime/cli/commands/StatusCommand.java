package org.fwlb.runtime.cli.commands;

import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.runtime.RuntimeInfo;
import org.onosproject.cli.AbstractShellCommand;

/**
 * Prints the runtime's status report (components, queued and rejected netcfg, web contexts).
 */
@Service
@Command(scope = "runtime", name = "status", description = "Prints the runtime status (JSON)")
public class StatusCommand extends AbstractShellCommand {

    @Override
    protected void doExecute() throws Exception {
        print("%s", mapper().copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(get(RuntimeInfo.class).status()));
    }
}
