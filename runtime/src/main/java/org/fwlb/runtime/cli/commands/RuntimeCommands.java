package org.fwlb.runtime.cli.commands;

import org.apache.karaf.shell.api.action.Action;

import java.util.List;

/**
 * The runtime's own command classes.
 */
public final class RuntimeCommands {

    private RuntimeCommands() {
    }

    /** @return every runtime command class */
    public static List<Class<? extends Action>> all() {
        return List.of(ComponentsCommand.class, StatusCommand.class, OpenFlowCommand.class);
    }
}
