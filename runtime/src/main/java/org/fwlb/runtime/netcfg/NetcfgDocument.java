package org.fwlb.runtime.netcfg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.onosproject.net.config.Config;
import org.onosproject.net.config.InvalidConfigException;
import org.onosproject.net.config.NetworkConfigService;
import org.onosproject.net.config.SubjectFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of network configuration ({@code {subjectClassKey: {subjectKey: {configKey: json}}}}) as
 * ONOS's {@code /onos/v1/network/configuration} and {@code onos-netcfg} use it. Unlike ONOS, a document is
 * applied all or nothing: every config is validated first, and one problem rejects the whole document.
 */
public final class NetcfgDocument {

    /**
     * @param applied configs applied now
     * @param queued  configs queued until their factory registers
     */
    public record Result(List<String> applied, List<String> queued) {
    }

    private NetcfgDocument() {
    }

    /**
     * Validates then applies a whole document.
     *
     * @param manager the registry
     * @param root    the document
     * @return what was applied and what was queued
     * @throws NetcfgException listing every problem; nothing is applied then
     */
    public static Result apply(RuntimeNetworkConfigManager manager, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new NetcfgException(List.of("network configuration must be a JSON object of subject classes"
                    + " (e.g. {\"apps\": {...}, \"devices\": {...}})"));
        }
        List<String> problems = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> sc = it.next();
            collectSubjectClass(manager, sc.getKey(), sc.getValue(), problems, items);
        }
        return applyItems(manager, problems, items);
    }

    /**
     * Validates then applies the configs of one subject class ({@code {subjectKey: {configKey: json}}}).
     *
     * @param manager         the registry
     * @param subjectClassKey subject class key
     * @param node            the subjects
     * @return what was applied and what was queued
     */
    public static Result applySubjectClass(RuntimeNetworkConfigManager manager, String subjectClassKey,
                                           JsonNode node) {
        List<String> problems = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        collectSubjectClass(manager, subjectClassKey, node, problems, items);
        return applyItems(manager, problems, items);
    }

    /**
     * Validates then applies the configs of one subject ({@code {configKey: json}}).
     *
     * @param manager         the registry
     * @param subjectClassKey subject class key
     * @param subjectKey      subject key
     * @param node            the configs
     * @return what was applied and what was queued
     */
    public static Result applySubject(RuntimeNetworkConfigManager manager, String subjectClassKey,
                                      String subjectKey, JsonNode node) {
        List<String> problems = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        SubjectFactory<?> sf = subjectFactory(manager, subjectClassKey, problems);
        if (sf != null) {
            collectSubject(manager, sf, subjectKey, node, problems, items);
        }
        return applyItems(manager, problems, items);
    }

    /**
     * Validates then applies one config.
     *
     * @param manager         the registry
     * @param subjectClassKey subject class key
     * @param subjectKey      subject key
     * @param configKey       config key
     * @param json            the config
     * @return what was applied and what was queued
     */
    public static Result applyConfig(RuntimeNetworkConfigManager manager, String subjectClassKey,
                                     String subjectKey, String configKey, JsonNode json) {
        List<String> problems = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        SubjectFactory<?> sf = subjectFactory(manager, subjectClassKey, problems);
        if (sf != null) {
            Object subject = subject(sf, subjectKey, problems);
            if (subject != null) {
                collectConfig(manager, subjectClassKey, subjectKey, subject, configKey, json, problems, items);
            }
        }
        return applyItems(manager, problems, items);
    }

    private record Item(String subjectClassKey, String subjectKey, Object subject, String configKey, JsonNode json) {
        String path() {
            return subjectClassKey + "/" + subjectKey + "/" + configKey;
        }
    }

    private static Result applyItems(RuntimeNetworkConfigManager manager, List<String> problems, List<Item> items) {
        if (!problems.isEmpty()) {
            throw new NetcfgException(problems);
        }
        List<String> applied = new ArrayList<>();
        List<String> queued = new ArrayList<>();
        for (Item i : items) {
            Object c = manager.applyConfig(i.subjectClassKey(), i.subject(), i.configKey(), i.json());
            (c != null ? applied : queued).add(i.path());
        }
        return new Result(applied, queued);
    }

    private static SubjectFactory<?> subjectFactory(RuntimeNetworkConfigManager manager, String subjectClassKey,
                                                    List<String> problems) {
        SubjectFactory<?> sf = manager.getSubjectFactory(subjectClassKey);
        if (sf == null) {
            List<String> known = new ArrayList<>();
            manager.getSubjectClasses().forEach(c -> known.add(manager.getSubjectFactory(c).subjectClassKey()));
            problems.add(subjectClassKey + ": unknown subject class key (known: " + String.join(", ", known) + ")");
        }
        return sf;
    }

    private static Object subject(SubjectFactory<?> sf, String subjectKey, List<String> problems) {
        try {
            Object s = sf.createSubject(subjectKey);
            if (s == null) {
                problems.add(sf.subjectClassKey() + "/" + subjectKey + ": not a valid subject key");
            }
            return s;
        } catch (RuntimeException e) {
            problems.add(sf.subjectClassKey() + "/" + subjectKey + ": not a valid subject key: " + e.getMessage());
            return null;
        }
    }

    private static void collectSubjectClass(RuntimeNetworkConfigManager manager, String subjectClassKey,
                                            JsonNode node, List<String> problems, List<Item> items) {
        SubjectFactory<?> sf = subjectFactory(manager, subjectClassKey, problems);
        if (sf == null) {
            return;
        }
        if (!node.isObject()) {
            problems.add(subjectClassKey + ": must be a JSON object of subjects, not " + node.getNodeType());
            return;
        }
        node.fields().forEachRemaining(s -> collectSubject(manager, sf, s.getKey(), s.getValue(), problems, items));
    }

    private static void collectSubject(RuntimeNetworkConfigManager manager, SubjectFactory<?> sf, String subjectKey,
                                       JsonNode node, List<String> problems, List<Item> items) {
        Object subject = subject(sf, subjectKey, problems);
        if (subject == null) {
            return;
        }
        if (!node.isObject()) {
            problems.add(sf.subjectClassKey() + "/" + subjectKey + ": must be a JSON object of configs, not "
                         + node.getNodeType());
            return;
        }
        node.fields().forEachRemaining(c -> collectConfig(manager, sf.subjectClassKey(), subjectKey, subject,
                                                          c.getKey(), c.getValue(), problems, items));
    }

    private static void collectConfig(RuntimeNetworkConfigManager manager, String subjectClassKey, String subjectKey,
                                      Object subject, String configKey, JsonNode json, List<String> problems,
                                      List<Item> items) {
        try {
            manager.validate(subjectClassKey, subject, configKey, json);
            items.add(new Item(subjectClassKey, subjectKey, subject, configKey, json));
        } catch (InvalidConfigException e) {
            problems.add(subjectClassKey + "/" + subjectKey + "/" + configKey + ": "
                         + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    /**
     * @param service netcfg service
     * @param mapper  JSON mapper
     * @return every applied config, ONOS's GET /network/configuration form (every known subject class)
     */
    @SuppressWarnings("unchecked")
    public static ObjectNode export(NetworkConfigService service, ObjectMapper mapper) {
        ObjectNode root = mapper.createObjectNode();
        for (Class sc : service.getSubjectClasses()) {
            SubjectFactory sf = service.getSubjectFactory(sc);
            root.set(sf.subjectClassKey(), exportSubjectClass(service, mapper, sf));
        }
        return root;
    }

    /**
     * @param service netcfg service
     * @param mapper  JSON mapper
     * @param sf      subject factory of the subject class
     * @return its subjects and their configs
     */
    @SuppressWarnings("unchecked")
    public static ObjectNode exportSubjectClass(NetworkConfigService service, ObjectMapper mapper, SubjectFactory sf) {
        ObjectNode node = mapper.createObjectNode();
        for (Object s : service.getSubjects(sf.subjectClass())) {
            node.set(sf.subjectKey(s), exportSubject(service, mapper, s));
        }
        return node;
    }

    /**
     * @param service netcfg service
     * @param mapper  JSON mapper
     * @param subject a subject
     * @return its configs by config key
     */
    public static ObjectNode exportSubject(NetworkConfigService service, ObjectMapper mapper, Object subject) {
        ObjectNode node = mapper.createObjectNode();
        for (Config<?> c : service.getConfigs(subject)) {
            node.set(c.key(), c.node());
        }
        return node;
    }
}
