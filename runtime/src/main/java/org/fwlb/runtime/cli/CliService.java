package org.fwlb.runtime.cli;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.impl.action.command.DefaultActionPreparator;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.parsing.CommandLineImpl;
import org.fwlb.runtime.registry.RuntimeDirectories;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs Karaf commands inside the runtime, as Karaf's shell would: the action is instantiated, its
 * {@code @Reference} fields are set from the runtime's services, Karaf's own
 * {@link DefaultActionPreparator} parses the arguments and injects {@code @Option}/{@code @Argument}
 * fields (so names, aliases, multi-valued options, required arguments, conversions, {@code --help} and the
 * error messages are Karaf's), then {@code execute()} runs with System.out/err captured for this request.
 * Lookups through ONOS's static {@code AbstractShellCommand.get} reach this runtime's registry.
 * <p>
 * Besides commands it answers {@code help [scope|all]} and {@code complete <words...>}.
 */
public final class CliService {

    private static final Logger log = LoggerFactory.getLogger(CliService.class);
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*[ -/]*[@-~]");
    private static final int PAD = 34;

    private final ServiceRegistry registry;
    private final Supplier<CommandCatalog> catalogSupplier;
    private volatile CommandCatalog catalog;

    /**
     * @param registry services for commands (and for AbstractShellCommand.get during the command)
     * @param catalog  the commands (built lazily, on first use)
     */
    public CliService(ServiceRegistry registry, Supplier<CommandCatalog> catalog) {
        this.registry = registry;
        this.catalogSupplier = catalog;
    }

    /** @return the command catalog (scanned on first use) */
    public CommandCatalog catalog() {
        CommandCatalog c = catalog;
        if (c == null) {
            synchronized (this) {
                if (catalog == null) {
                    catalog = catalogSupplier.get();
                }
                c = catalog;
            }
        }
        return c;
    }

    /**
     * @param args command and arguments as typed
     * @param ansi keep ANSI escapes (the client's stdout is a terminal)
     * @return output and exit code
     */
    public CliResult execute(List<String> args, boolean ansi) {
        CliResult r;
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            r = new CliResult(CliResult.OK, help(args.size() > 1 ? args.get(1) : null), "");
        } else if (args.get(0).equals("complete")) {
            r = new CliResult(CliResult.OK, String.join("\n", complete(args.subList(1, args.size())))
                    + (args.size() > 1 ? "\n" : ""), "");
        } else {
            r = run(args.get(0), args.subList(1, args.size()));
        }
        return ansi ? r : new CliResult(r.exitCode(), strip(r.stdout()), strip(r.stderr()));
    }

    private static String strip(String s) {
        return ANSI.matcher(s).replaceAll("");
    }

    /**
     * @param scope a scope to list ("all" for every scope), or null for the default listing
     * @return the command listing
     */
    public String help(String scope) {
        List<CommandCatalog.Entry> all = catalog().all();
        StringBuilder sb = new StringBuilder();
        boolean everything = "all".equals(scope);
        List<CommandCatalog.Entry> shown = all.stream()
                .filter(e -> everything || (scope != null ? e.scope().equals(scope) : !e.scope().equals("onos")))
                .collect(Collectors.toList());
        if (shown.isEmpty()) {
            sb.append(scope == null ? "No commands found.\n" : "No commands in scope " + scope + ".\n");
        } else {
            sb.append(scope == null ? "Commands:\n" : "Commands (" + scope + "):\n");
            for (CommandCatalog.Entry e : shown) {
                String name = e.fullName();
                sb.append("  ").append(name);
                sb.append(" ".repeat(Math.max(1, PAD - name.length())));
                sb.append(e.description() == null ? "" : e.description()).append('\n');
            }
        }
        if (scope == null) {
            long onos = all.stream().filter(e -> e.scope().equals("onos")).count();
            if (onos > 0) {
                sb.append("\nONOS's own commands (scope onos, from onos-cli) are available too: ").append(onos)
                  .append(" of them, e.g. onos:cfg, onos:netcfg, onos:devices, onos:flows.\n")
                  .append("List them with 'help onos'. A command that needs a service the fwlb runtime does not\n")
                  .append("provide reports \"Service ... not found\".\n");
            }
            sb.append("\nA bare name (e.g. 'firewalls') means fwlb:<name> when that exists; '<command> --help' shows usage.\n");
        }
        return sb.toString();
    }

    private CliResult run(String word, List<String> params) {
        CommandCatalog.Entry entry;
        try {
            Optional<CommandCatalog.Entry> found = catalog().resolve(word);
            if (found.isEmpty()) {
                List<String> near = catalog().suggestions(word);
                return new CliResult(CliResult.USAGE, "", "Command not found: " + word
                        + (near.isEmpty() ? "" : "\nDid you mean: " + String.join(", ", near)) + "\n"
                        + "Run 'help' for the list of commands.\n");
            }
            entry = found.get();
        } catch (IllegalArgumentException e) {
            return new CliResult(CliResult.USAGE, "", e.getMessage() + "\n");
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        OutputCapture.begin();
        RuntimeDirectories.bind(registry);
        Thread.currentThread().setContextClassLoader(entry.type().getClassLoader());
        int code = CliResult.OK;
        String extraErr = "";
        try {
            Action action = instantiate(entry.type());
            injectReferences(action);
            boolean go = new DefaultActionPreparator().prepare(action, session(), new ArrayList<>(params));
            if (go) {
                Object result = action.execute();
                if (result != null) {
                    System.out.println(result);
                }
            }
        } catch (CommandException e) {
            code = CliResult.USAGE;
            extraErr = (e.getNiceHelp() != null ? e.getNiceHelp() : e.getMessage()) + "\n";
        } catch (Exception | LinkageError e) {
            Throwable t = e instanceof InvocationTargetException ? e.getCause() : e;
            code = CliResult.FAILED;
            extraErr = "Error executing command " + entry.fullName() + ": " + t + "\n";
            log.warn("command {} {} failed", entry.fullName(), params, t);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            RuntimeDirectories.unbind();
        }
        OutputCapture.Captured out = OutputCapture.end();
        String err = out.err() + extraErr;
        if (code == CliResult.OK && !err.isEmpty()) {
            code = CliResult.FAILED; // the command reported an error (AbstractShellCommand.error)
        }
        return new CliResult(code, out.out(), err);
    }

    private static Action instantiate(Class<? extends Action> type) throws ReflectiveOperationException {
        var ctor = type.getDeclaredConstructor();
        ctor.setAccessible(true);
        return ctor.newInstance();
    }

    // Karaf's @Reference fields: the session, or a service from the registry.
    private void injectReferences(Object target) throws IllegalAccessException {
        for (Class<?> c = target.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Reference ref = f.getAnnotation(Reference.class);
                if (ref == null) {
                    continue;
                }
                Object value = f.getType() == Session.class ? session() : registry.find(f.getType()).orElse(null);
                if (value == null && !ref.optional()) {
                    throw new IllegalStateException("service " + f.getType().getName() + " (@Reference "
                            + c.getSimpleName() + "." + f.getName() + ") is not available in the fwlb runtime");
                }
                f.setAccessible(true);
                f.set(target, value);
            }
        }
    }

    /**
     * Completion candidates, as {@code bin/fwlb complete} prints them.
     *
     * @param words the command line so far; the last word is the one being completed (may be empty)
     * @return candidates for the last word
     */
    public List<String> complete(List<String> words) {
        if (words.isEmpty()) {
            return commandNames("");
        }
        String partial = words.get(words.size() - 1);
        if (words.size() == 1) {
            return commandNames(partial);
        }
        Optional<CommandCatalog.Entry> entry;
        try {
            entry = catalog().resolve(words.get(0));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        if (entry.isEmpty()) {
            return List.of();
        }
        RuntimeDirectories.bind(registry);
        OutputCapture.begin();
        try {
            return completeArgs(entry.get().type(), words.subList(1, words.size() - 1), partial);
        } catch (Exception | LinkageError e) {
            log.debug("completion for {} failed", words, e);
            return List.of();
        } finally {
            OutputCapture.end();
            RuntimeDirectories.unbind();
        }
    }

    private List<String> commandNames(String partial) {
        Set<String> out = new TreeSet<>();
        for (CommandCatalog.Entry e : catalog().all()) {
            if (e.fullName().startsWith(partial)) {
                out.add(e.fullName());
            }
            if (e.scope().equals(CommandCatalog.PREFERRED_SCOPE) && e.name().startsWith(partial)) {
                out.add(e.name());
            }
        }
        return new ArrayList<>(out);
    }

    private List<String> completeArgs(Class<? extends Action> type, List<String> done, String partial)
            throws Exception {
        Map<Option, Field> options = new LinkedHashMap<>();
        Map<Integer, Field> arguments = new LinkedHashMap<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                Option o = f.getAnnotation(Option.class);
                if (o != null) {
                    options.put(o, f);
                }
                Argument a = f.getAnnotation(Argument.class);
                if (a != null) {
                    arguments.put(a.index(), f);
                }
            }
        }
        // Walk the finished words as Karaf's preparator does: options until the first argument.
        boolean processOptions = true;
        int argIndex = 0;
        Field pendingOptionValue = null;
        for (String w : done) {
            if (pendingOptionValue != null) {
                pendingOptionValue = null;
                continue;
            }
            if (processOptions && w.startsWith("-")) {
                Field f = optionField(options, w.contains("=") ? w.substring(0, w.indexOf('=')) : w);
                if (f != null && !w.contains("=") && !isBoolean(f)) {
                    pendingOptionValue = f;
                }
                continue;
            }
            processOptions = false;
            Field af = arguments.get(argIndex);
            if (af != null && !af.getAnnotation(Argument.class).multiValued()) {
                argIndex++;
            }
        }
        List<String> candidates;
        if (pendingOptionValue != null) {
            candidates = completerValues(pendingOptionValue);
        } else if (processOptions && partial.startsWith("-")) {
            candidates = new ArrayList<>();
            for (Option o : options.keySet()) {
                candidates.add(o.name());
                candidates.addAll(Arrays.asList(o.aliases()));
            }
            candidates.add("--help");
        } else {
            Field af = arguments.get(argIndex);
            candidates = af == null ? List.of() : completerValues(af);
        }
        return candidates.stream().filter(c -> c.startsWith(partial))
                .distinct().sorted().collect(Collectors.toList());
    }

    private static Field optionField(Map<Option, Field> options, String name) {
        for (Map.Entry<Option, Field> e : options.entrySet()) {
            if (e.getKey().name().equals(name) || Arrays.asList(e.getKey().aliases()).contains(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static boolean isBoolean(Field f) {
        return f.getType() == boolean.class || f.getType() == Boolean.class;
    }

    // The field's @Completion: static values, an ONOS AbstractChoicesCompleter's choices(), or a Karaf Completer.
    private List<String> completerValues(Field field) throws Exception {
        Completion completion = field.getAnnotation(Completion.class);
        if (completion == null) {
            return List.of();
        }
        if (completion.values().length > 0) {
            return Arrays.asList(completion.values());
        }
        Class<?> type = completion.value();
        if (type == null || type == Completer.class) {
            return List.of();
        }
        var ctor = type.getDeclaredConstructor();
        ctor.setAccessible(true);
        Object completer = ctor.newInstance();
        injectReferences(completer);
        Method choices = findMethod(type, "choices");
        if (choices != null && choices.getParameterCount() == 0 && Collection.class.isAssignableFrom(choices.getReturnType())) {
            choices.setAccessible(true);
            Collection<?> c = (Collection<?>) choices.invoke(completer);
            return c == null ? List.of() : c.stream().map(String::valueOf).collect(Collectors.toList());
        }
        if (completer instanceof Completer) {
            List<String> out = new ArrayList<>();
            ((Completer) completer).complete(session(), new CommandLineImpl(new String[]{""}, 0, 0, 0, ""), out);
            return out.stream().map(String::trim).collect(Collectors.toList());
        }
        return List.of();
    }

    private static Method findMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getParameterCount() == 0) {
                    return m;
                }
            }
        }
        return null;
    }

    // A Karaf session for the preparator and completers: variables, no terminal (80 columns), console = stdout.
    private static Session session() {
        Map<String, Object> vars = new ConcurrentHashMap<>();
        return (Session) Proxy.newProxyInstance(CliService.class.getClassLoader(), new Class<?>[]{Session.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "get":
                            return vars.get((String) args[0]);
                        case "put":
                            if (args[1] == null) {
                                vars.remove((String) args[0]);
                            } else {
                                vars.put((String) args[0], args[1]);
                            }
                            return null;
                        case "getTerminal":
                            return null;
                        case "getConsole":
                            return System.out;
                        case "toString":
                            return "fwlb-runtime CLI session";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException("Session." + method.getName()
                                    + " is not supported by the fwlb runtime CLI");
                    }
                });
    }

    /** @return names of every command (for tests and status) */
    public Set<String> commandNames() {
        return catalog().all().stream().map(CommandCatalog.Entry::fullName)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }
}
