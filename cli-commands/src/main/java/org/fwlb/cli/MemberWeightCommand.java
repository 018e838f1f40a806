package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.api.DispatchService;

/**
 * Sets a dispatcher's or server's weight (an operator override); pinned connections stay where they are.
 */
@Service
@Command(scope = "fwlb", name = "member-weight",
        description = "Sets a dispatcher's or server's weight (0.." + DispatchService.MAX_WEIGHT
                + ", its share among its siblings); new connections only")
public class MemberWeightCommand extends MemberOverrideCommand {

    // a string, so that a typo gets this command's message rather than a conversion error
    @Argument(index = 1, name = "weight", description = "0.." + DispatchService.MAX_WEIGHT, required = true)
    String weight = null;

    @Override
    protected void check() {
        parse();
    }

    @Override
    protected void apply(DispatchService svc) {
        svc.setWeight(memberId, parse());
    }

    private int parse() {
        int w;
        try {
            w = Integer.parseInt(weight);
        } catch (NumberFormatException e) {
            w = -1;
        }
        if (w < 0 || w > DispatchService.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight '" + weight + "' is not an integer 0.."
                                                       + DispatchService.MAX_WEIGHT);
        }
        return w;
    }
}
