package org.fwlb.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.model.TcpState;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Completes connection states.
 */
@Service
public class ConnectionStateCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        List<String> out = new ArrayList<>();
        for (TcpState s : TcpState.values()) {
            out.add(s.name().toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
