package org.fwlb.runtime.cli;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.fwlb.runtime.scr.BundleInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The Karaf commands of the bundles that declare a {@code Karaf-Commands} header (a list of packages,
 * as Karaf's extender reads it): every concrete {@link Action} class annotated with {@link Command}.
 */
public final class CommandCatalog {

    private static final Logger log = LoggerFactory.getLogger(CommandCatalog.class);

    /** The scope bare command names resolve to first. */
    public static final String PREFERRED_SCOPE = "fwlb";

    /**
     * @param scope       command scope
     * @param name        command name
     * @param description its description
     * @param type        the action class
     * @param bundle      declaring bundle
     */
    public record Entry(String scope, String name, String description, Class<? extends Action> type, String bundle) {
        /** @return scope:name */
        public String fullName() {
            return scope + ":" + name;
        }
    }

    private final Map<String, Entry> byFullName;

    private CommandCatalog(Map<String, Entry> byFullName) {
        this.byFullName = byFullName;
    }

    /**
     * @param bundles bundles to scan (those without Karaf-Commands are skipped)
     * @param include which bundles to scan (by name)
     * @return the catalog
     */
    public static CommandCatalog scan(List<BundleInfo> bundles, Predicate<BundleInfo> include) {
        return scan(bundles, include, List.of());
    }

    /**
     * @param bundles  bundles to scan (those without Karaf-Commands are skipped)
     * @param include  which bundles to scan
     * @param builtIns command classes of the runtime itself
     * @return the catalog
     */
    public static CommandCatalog scan(List<BundleInfo> bundles, Predicate<BundleInfo> include,
                                      List<Class<? extends Action>> builtIns) {
        Map<String, Entry> found = new LinkedHashMap<>();
        for (Class<? extends Action> c : builtIns) {
            Command cmd = c.getAnnotation(Command.class);
            found.put(cmd.scope() + ":" + cmd.name(), new Entry(cmd.scope(), cmd.name(), cmd.description(), c,
                                                                "fwlb-runtime"));
        }
        for (BundleInfo b : bundles) {
            Optional<String> header = b.header(BundleInfo.KARAF_COMMANDS);
            if (header.isEmpty() || !include.test(b)) {
                continue;
            }
            for (String pkg : header.get().split(",")) {
                String p = pkg.split(";")[0].trim();
                if (p.isEmpty()) {
                    continue;
                }
                for (String cls : b.classesOf(p)) {
                    add(b, cls, found);
                }
            }
        }
        return new CommandCatalog(found);
    }

    private static void add(BundleInfo b, String className, Map<String, Entry> found) {
        Class<?> c;
        try {
            c = Class.forName(className, false, b.classLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            log.debug("{}: cannot load {}: {}", b.name(), className, e.toString());
            return;
        }
        Command cmd;
        try {
            cmd = c.getAnnotation(Command.class);
        } catch (LinkageError | RuntimeException e) {
            log.debug("{}: cannot read annotations of {}: {}", b.name(), className, e.toString());
            return;
        }
        if (cmd == null || !Action.class.isAssignableFrom(c) || Modifier.isAbstract(c.getModifiers())
                || c.isInterface()) {
            return;
        }
        @SuppressWarnings("unchecked")
        Class<? extends Action> type = (Class<? extends Action>) c;
        Entry e = new Entry(cmd.scope(), cmd.name(), cmd.description(), type, b.name());
        Entry prev = found.putIfAbsent(e.fullName(), e);
        if (prev != null) {
            log.warn("command {} declared twice ({} in {}, {} in {}); keeping the first", e.fullName(),
                     prev.type().getName(), prev.bundle(), type.getName(), b.name());
        }
    }

    /** @return every command, by scope then name */
    public List<Entry> all() {
        return byFullName.values().stream()
                .sorted(Comparator.comparing(Entry::scope).thenComparing(Entry::name))
                .collect(Collectors.toList());
    }

    /**
     * Resolves what a user typed: {@code scope:name}, or a bare name (unique, or in the fwlb scope,
     * or in the only non-onos scope that has it).
     *
     * @param word what was typed
     * @return the command
     * @throws IllegalArgumentException naming the candidates if the name is ambiguous
     */
    public Optional<Entry> resolve(String word) {
        if (word.contains(":")) {
            return Optional.ofNullable(byFullName.get(word));
        }
        List<Entry> candidates = byFullName.values().stream().filter(e -> e.name().equals(word))
                .collect(Collectors.toList());
        if (candidates.size() <= 1) {
            return candidates.stream().findFirst();
        }
        Optional<Entry> preferred = candidates.stream().filter(e -> e.scope().equals(PREFERRED_SCOPE)).findFirst();
        if (preferred.isPresent()) {
            return preferred;
        }
        List<Entry> nonOnos = candidates.stream().filter(e -> !e.scope().equals("onos")).collect(Collectors.toList());
        if (nonOnos.size() == 1) {
            return Optional.of(nonOnos.get(0));
        }
        throw new IllegalArgumentException("Command " + word + " is ambiguous: "
                + candidates.stream().map(Entry::fullName).collect(Collectors.joining(", ")));
    }

    /**
     * @param word what was typed
     * @return commands whose full name or name starts with it, or that are close to it (for "did you mean")
     */
    public List<String> suggestions(String word) {
        List<String> out = new ArrayList<>();
        for (Entry e : all()) {
            if (e.fullName().startsWith(word) || e.name().startsWith(word)
                    || distance(e.name(), word.contains(":") ? word.substring(word.indexOf(':') + 1) : word) <= 2) {
                out.add(e.fullName());
            }
        }
        return out;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
