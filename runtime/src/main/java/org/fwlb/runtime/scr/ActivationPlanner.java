package org.fwlb.runtime.scr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Decides which components can be satisfied and in which order to activate them: providers before
 * consumers; a cycle is broken only at a component whose mandatory references are already satisfiable
 * (its optional references stay unbound until the provider arrives, as DS does); a cycle made only of
 * mandatory references is reported and its members stay unsatisfied.
 */
final class ActivationPlanner {

    /**
     * @param order       components to activate, in order
     * @param unsatisfied components that cannot be activated, with the reason
     * @param brokenAt    components activated before some of their optional providers (cycle broken there)
     */
    record Plan(List<ComponentDescription> order, Map<String, String> unsatisfied, List<String> brokenAt) {
    }

    private ActivationPlanner() {
    }

    /**
     * @param candidates  enabled, supported component descriptions, in discovery order
     * @param registered  predicate: an interface already has a registered (built-in) service
     * @return the plan
     */
    static Plan plan(List<ComponentDescription> candidates, Predicate<String> registered) {
        Map<String, ComponentDescription> alive = new LinkedHashMap<>();
        candidates.forEach(c -> alive.put(c.name(), c));
        Map<String, String> unsatisfied = new LinkedHashMap<>();
        List<String> brokenAt = new ArrayList<>();
        pruneUnsatisfiable(alive, candidates, registered, unsatisfied);

        List<ComponentDescription> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        List<ComponentDescription> remaining = new ArrayList<>(alive.values());
        while (!remaining.isEmpty()) {
            ComponentDescription next = null;
            for (ComponentDescription c : remaining) {
                if (providers(c, alive).stream().allMatch(done::contains)) {
                    next = c;
                    break;
                }
            }
            if (next == null) {
                for (ComponentDescription c : remaining) {
                    if (mandatorySatisfiedBy(c, alive, done, registered)) {
                        next = c;
                        brokenAt.add(c.name());
                        break;
                    }
                }
            }
            if (next != null) {
                ordered.add(next);
                done.add(next.name());
                remaining.remove(next);
                continue;
            }
            List<String> cycle = findCycle(remaining, alive, registered);
            String text = String.join(" -> ", cycle);
            for (String n : new LinkedHashSet<>(cycle)) {
                unsatisfied.put(n, "dependency cycle through mandatory references: " + text);
                alive.remove(n);
            }
            pruneUnsatisfiable(alive, candidates, registered, unsatisfied);
            remaining.removeIf(c -> !alive.containsKey(c.name()));
        }
        return new Plan(ordered, unsatisfied, brokenAt);
    }

    // Removes, until nothing changes, every component with a mandatory reference nobody can provide.
    private static void pruneUnsatisfiable(Map<String, ComponentDescription> alive,
                                           List<ComponentDescription> all, Predicate<String> registered,
                                           Map<String, String> unsatisfied) {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (ComponentDescription c : new ArrayList<>(alive.values())) {
                List<String> missing = new ArrayList<>();
                for (ReferenceDescription r : c.references()) {
                    if (r.mandatory() && !registered.test(r.interfaceName())
                            && providersOf(r.interfaceName(), alive, c).isEmpty()) {
                        missing.add(describeMissing(r, c, all, unsatisfied));
                    }
                }
                if (!missing.isEmpty()) {
                    unsatisfied.put(c.name(), "missing mandatory reference(s): " + String.join("; ", missing));
                    alive.remove(c.name());
                    changed = true;
                }
            }
        }
    }

    private static String describeMissing(ReferenceDescription r, ComponentDescription c,
                                          List<ComponentDescription> all, Map<String, String> unsatisfied) {
        String text = r.name() + " (" + r.interfaceName() + ")";
        List<String> inactive = all.stream()
                .filter(p -> p != c && p.services().contains(r.interfaceName()))
                .map(p -> p.name() + (unsatisfied.containsKey(p.name())
                        ? " [" + unsatisfied.get(p.name()) + "]" : ""))
                .collect(Collectors.toList());
        return inactive.isEmpty() ? text + ": no provider"
                : text + ": provider(s) not active: " + String.join(", ", inactive);
    }

    private static List<String> providersOf(String itf, Map<String, ComponentDescription> alive,
                                            ComponentDescription except) {
        return alive.values().stream()
                .filter(p -> p != except && p.services().contains(itf))
                .map(ComponentDescription::name)
                .collect(Collectors.toList());
    }

    private static Set<String> providers(ComponentDescription c, Map<String, ComponentDescription> alive) {
        Set<String> out = new LinkedHashSet<>();
        for (ReferenceDescription r : c.references()) {
            out.addAll(providersOf(r.interfaceName(), alive, c));
        }
        return out;
    }

    private static boolean mandatorySatisfiedBy(ComponentDescription c, Map<String, ComponentDescription> alive,
                                                Set<String> done, Predicate<String> registered) {
        for (ReferenceDescription r : c.references()) {
            if (r.mandatory() && !registered.test(r.interfaceName())
                    && providersOf(r.interfaceName(), alive, c).stream().noneMatch(done::contains)) {
                return false;
            }
        }
        return true;
    }

    // Every remaining component has a mandatory reference served only by remaining components: follow
    // those edges until a component repeats.
    private static List<String> findCycle(List<ComponentDescription> remaining,
                                          Map<String, ComponentDescription> alive, Predicate<String> registered) {
        Set<String> names = remaining.stream().map(ComponentDescription::name).collect(Collectors.toSet());
        List<String> path = new ArrayList<>();
        ComponentDescription cur = remaining.get(0);
        while (!path.contains(cur.name())) {
            path.add(cur.name());
            ComponentDescription next = null;
            for (ReferenceDescription r : cur.references()) {
                if (!r.mandatory() || registered.test(r.interfaceName())) {
                    continue;
                }
                for (String p : providersOf(r.interfaceName(), alive, cur)) {
                    if (names.contains(p)) {
                        next = alive.get(p);
                        break;
                    }
                }
                if (next != null) {
                    break;
                }
            }
            if (next == null) {
                throw new IllegalStateException("no cycle found from " + path);
            }
            cur = next;
        }
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(cur.name()), path.size()));
        cycle.add(cur.name());
        return cycle;
    }
}
