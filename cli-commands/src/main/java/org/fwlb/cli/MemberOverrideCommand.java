package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.fwlb.api.DispatchJsonViews;
import org.fwlb.api.DispatchMemberStatus;
import org.fwlb.api.DispatchQueries;
import org.fwlb.api.DispatchService;
import org.fwlb.api.FwlbTopologyService;
import org.onosproject.cli.AbstractShellCommand;

import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Base of the commands that change an operator override of a dispatcher or server. The member id and
 * the value are checked first; a refused change prints the reason (with the ids that exist, for a typo)
 * and changes nothing.
 */
public abstract class MemberOverrideCommand extends AbstractShellCommand {

    @Argument(index = 0, name = "memberId", description = "Dispatcher or server id", required = true)
    @Completion(MemberIdCompleter.class)
    String memberId = null;

    /**
     * Checks the command's value; called before anything changes.
     *
     * @throws IllegalArgumentException when the value is malformed
     */
    protected abstract void check();

    /**
     * Applies the change.
     *
     * @param svc dispatch service
     * @throws IllegalArgumentException when the service refuses it
     */
    protected abstract void apply(DispatchService svc);

    @Override
    protected void doExecute() {
        DispatchService svc = get(DispatchService.class);
        try {
            DispatchQueries.requireMember(svc, memberId, null);
            check();
            apply(svc);
        } catch (NoSuchElementException | IllegalArgumentException e) {
            error("%s", e.getMessage());
            return;
        }
        DispatchMemberStatus s = DispatchQueries.requireMember(svc, memberId, null);
        if (outputJson()) {
            print("%s", DispatchJsonViews.member(mapper(), s, get(FwlbTopologyService.class).topology()));
            return;
        }
        print("%s %s: admin %s, weight %d, eligibility %s", s.role().name().toLowerCase(Locale.ROOT), s.id(),
              s.adminState().jsonName(), s.weight(), s.eligibility().name().toLowerCase(Locale.ROOT));
    }
}
