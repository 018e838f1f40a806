package org.fwlb.runtime.cli.sample;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.onosproject.cli.AbstractShellCommand;

import java.util.ArrayList;
import java.util.List;

/** Exercises Karaf's argument/option injection. */
@Service
@Command(scope = "fwlb", name = "echo", description = "Echoes its words")
public class EchoCommand extends AbstractShellCommand {

    @Argument(index = 0, name = "words", description = "Words to echo", required = true, multiValued = true)
    @Completion(ColorCompleter.class)
    List<String> words = new ArrayList<>();

    @Option(name = "-u", aliases = "--upper", description = "Upper case")
    boolean upper = false;

    @Option(name = "-n", aliases = "--count", description = "Repeat count")
    int count = 1;

    @Option(name = "-t", aliases = "--tag", description = "Tags", multiValued = true)
    @Completion(ColorCompleter.class)
    List<String> tags = new ArrayList<>();

    @Override
    protected void doExecute() {
        String text = String.join(" ", words);
        for (int i = 0; i < count; i++) {
            print("%s%s", upper ? text.toUpperCase() : text, tags.isEmpty() ? "" : " " + tags);
        }
    }
}
