package org.fwlb.cli;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.impl.action.command.DefaultActionPreparator;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs a command as Karaf's shell does: Karaf's own preparator parses the words into the
 * {@code @Option}/{@code @Argument} fields (so names, required arguments and -j are checked), then
 * execute() runs with System.out and System.err captured.
 */
final class Shell {

    /** What a command printed. */
    static final class Result {
        final boolean prepared;
        final String out;
        final String err;

        Result(boolean prepared, String out, String err) {
            this.prepared = prepared;
            this.out = out;
            this.err = err;
        }

        /** @return true when the command reported an error (bin/fwlb exits nonzero then) */
        boolean failed() {
            return !err.isEmpty();
        }

        @Override
        public String toString() {
            return "out: " + out + "\nerr: " + err;
        }
    }

    private Shell() {
    }

    static Result run(Action action, String... words) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        boolean go;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            go = new DefaultActionPreparator().prepare(action, session(), new ArrayList<>(Arrays.asList(words)));
            if (go) {
                action.execute();
            }
        } catch (Exception e) {
            throw new IllegalStateException("command failed: " + e, e);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(go, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Session session() {
        Map<String, Object> vars = new HashMap<>();
        return (Session) Proxy.newProxyInstance(Shell.class.getClassLoader(), new Class<?>[]{Session.class},
                (p, m, a) -> {
                    switch (m.getName()) {
                        case "get":
                            return vars.get((String) a[0]);
                        case "put":
                            return vars.put((String) a[0], a[1]);
                        case "getConsole":
                            return System.out;
                        case "getTerminal":
                            return null;
                        case "hashCode":
                            return System.identityHashCode(p);
                        case "equals":
                            return p == a[0];
                        case "toString":
                            return "test session";
                        default:
                            throw new UnsupportedOperationException("Session." + m.getName());
                    }
                });
    }
}
