package org.fwlb.cli;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.fwlb.model.AdminState;
import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.ArrayList;
import java.util.List;

/**
 * Completes admin states: up, draining, down.
 */
@Service
public class AdminStateCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        List<String> out = new ArrayList<>();
        for (AdminState s : AdminState.values()) {
            out.add(s.jsonName());
        }
        return out;
    }
}
