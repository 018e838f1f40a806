package org.fwlb.runtime.cli.sample;

import org.onosproject.cli.AbstractChoicesCompleter;

import java.util.List;

/** Completes colors. */
public class ColorCompleter extends AbstractChoicesCompleter {
    @Override
    protected List<String> choices() {
        return List.of("blue", "black", "red");
    }
}
