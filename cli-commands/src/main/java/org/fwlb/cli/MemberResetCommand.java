package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.DispatchService;

/**
 * Drops the operator's overrides of a dispatcher or server: back to its configured state and weight.
 */
@Service
@Command(scope = "fwlb", name = "member-reset",
        description = "Drops a dispatcher's or server's admin-state and weight overrides (back to the configuration)")
public class MemberResetCommand extends MemberOverrideCommand {

    @Override
    protected void check() {
    }

    @Override
    protected void apply(DispatchService svc) {
        svc.clearOverrides(memberId);
    }
}
