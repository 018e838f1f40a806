package org.fwlb.runtime.scr;

import org.fwlb.runtime.registry.ServiceRegistration;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.fwlb.runtime.scr.sample.Consumer;
import org.fwlb.runtime.scr.sample.Events;
import org.fwlb.runtime.scr.sample.Greeter;
import org.fwlb.runtime.scr.sample.GreetingService;
import org.fwlb.runtime.scr.sample.LateService;
import org.fwlb.runtime.scr.sample.NoModified;
import org.fwlb.runtime.scr.sample.Plain;
import org.fwlb.runtime.testutil.TestBundles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.component.ComponentConstants;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComponentRuntimeTest {

    private static final String NS13 = "http://www.osgi.org/xmlns/scr/v1.3.0";
    private static final String NS14 = "http://www.osgi.org/xmlns/scr/v1.4.0";

    @TempDir
    Path dir;

    private ServiceRegistry registry;
    private ComponentRuntime scr;

    @BeforeEach
    void setUp() {
        Events.LOG.clear();
        NoModified.INSTANCES.clear();
        registry = new ServiceRegistry();
        scr = new ComponentRuntime(registry);
    }

    static String greeterXml() {
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <scr:component xmlns:scr="%s" name="sample.Greeter" immediate="true" activate="activate"
                           deactivate="deactivate" modified="modified">
              <property name="greeting" type="String" value="hello"/>
              <property name="max" type="Integer" value="7"/>
              <property name="ratio" type="Double" value="0.5"/>
              <property name="enabled" type="Boolean" value="true"/>
              <property name="ports" type="Integer">80
                443
              </property>
              <properties entry="OSGI-INF/greeter.properties"/>
              <service><provide interface="org.fwlb.runtime.scr.sample.GreetingService"/></service>
              <implementation class="org.fwlb.runtime.scr.sample.Greeter"/>
            </scr:component>
            """.formatted(NS13);
    }

    static String consumerXml() {
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <scr:component xmlns:scr="%s" name="sample.Consumer" activate="activate" deactivate="deactivate">
              <reference name="greeter" cardinality="1..1" policy="static"
                         interface="org.fwlb.runtime.scr.sample.GreetingService" field="greeter"/>
              <reference name="late" cardinality="0..n" policy="dynamic"
                         interface="org.fwlb.runtime.scr.sample.LateService" bind="addLate" unbind="removeLate"/>
              <implementation class="org.fwlb.runtime.scr.sample.Consumer"/>
            </scr:component>
            """.formatted(NS14);
    }

    static String plainXml(String name, String provides, String refInterface, String cardinality, String policy) {
        String service = provides == null ? "" : "<service><provide interface=\"" + provides + "\"/></service>";
        String ref = refInterface == null ? "" : "<reference name=\"ref\" interface=\"" + refInterface
                + "\" cardinality=\"" + cardinality + "\" policy=\"" + policy + "\" field=\"ref\"/>";
        return "<?xml version=\"1.0\"?><scr:component xmlns:scr=\"" + NS13 + "\" name=\"" + name
                + "\" immediate=\"true\">" + service + ref
                + "<implementation class=\"org.fwlb.runtime.scr.sample.Plain\"/></scr:component>";
    }

    private BundleInfo bundle(String name, Map<String, String> xmls) {
        TestBundles b = TestBundles.bundle(name).header("Service-Component", "OSGI-INF/*.xml")
                .resource("OSGI-INF/greeter.properties", "fromFile=yes\ngreeting=overridden-by-file\n");
        xmls.forEach((file, xml) -> b.resource("OSGI-INF/" + file, xml));
        return b.build(dir);
    }

    private ComponentState state(String name) {
        return scr.status().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().state();
    }

    private String reason(String name) {
        return scr.status().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().reason();
    }

    @Test
    void parsesTypedPropertiesReferencesAndDefaults() {
        BundleInfo b = bundle("p", Map.of("a.xml", greeterXml(), "b.xml", consumerXml()));
        List<ComponentDescription> ds = new ComponentXmlParser().parseBundle(b);
        assertEquals(2, ds.size());
        ComponentDescription g = ds.stream().filter(d -> d.name().equals("sample.Greeter")).findFirst().orElseThrow();
        assertEquals(7, g.properties().get("max"));
        assertEquals(0.5, g.properties().get("ratio"));
        assertEquals(Boolean.TRUE, g.properties().get("enabled"));
        assertArrayEquals(new Integer[]{80, 443}, (Integer[]) g.properties().get("ports"));
        // a properties file declared after the property elements overrides them
        assertEquals("overridden-by-file", g.properties().get("greeting"));
        assertEquals("yes", g.properties().get("fromFile"));
        assertEquals(List.of(GreetingService.class.getName()), g.services());
        assertTrue(g.immediate());
        assertEquals("modified", g.modified());

        ComponentDescription c = ds.stream().filter(d -> d.name().equals("sample.Consumer")).findFirst().orElseThrow();
        assertTrue(c.immediate(), "a component providing no service is immediate");
        assertEquals(NS14, c.namespace());
        ReferenceDescription late = c.references().get(1);
        assertEquals("0..n", late.cardinality());
        assertTrue(late.dynamic());
        assertEquals("addLate", late.bind());
        ReferenceDescription greeter = c.references().get(0);
        assertTrue(greeter.mandatory());
        assertEquals("greeter", greeter.field());
    }

    @Test
    void rejectsBadXmlNamingTheFile() {
        BundleInfo b = bundle("bad", Map.of("x.xml",
                "<scr:component xmlns:scr='" + NS13 + "' name='x'><property name='n' type='Integer' value='abc'/>"
                        + "<implementation class='x.Y'/></scr:component>"));
        ComponentDescriptionException e = assertThrows(ComponentDescriptionException.class,
                () -> new ComponentXmlParser().parseBundle(b));
        assertTrue(e.getMessage().contains("OSGI-INF/x.xml"), e.getMessage());
        assertTrue(e.getMessage().contains("'abc' is not a valid Integer"), e.getMessage());

        scr.addBundles(List.of(b));
        assertEquals(1, scr.bundleErrors().size());
    }

    @Test
    void activatesProvidersFirstWithPropertiesAndInjectsReferences() {
        // the consumer is declared first: order must come from the references
        scr.addBundles(List.of(bundle("w", Map.of("1-consumer.xml", consumerXml(), "2-greeter.xml", greeterXml()))));
        assertEquals(2, scr.activateAll());
        assertEquals(List.of("activate Greeter", "activate Consumer: overridden-by-file consumer"), Events.LOG);

        Greeter g = (Greeter) scr.instance("sample.Greeter").orElseThrow();
        assertEquals(7, g.activatedWith.get("max"));
        assertEquals("sample.Greeter", g.activatedWith.get(ComponentConstants.COMPONENT_NAME));
        assertNotNull(g.activatedWith.get(ComponentConstants.COMPONENT_ID));
        assertThrows(UnsupportedOperationException.class, () -> g.activatedWith.put("x", 1));
        assertSame(g, registry.find(GreetingService.class).orElseThrow());

        Consumer c = (Consumer) scr.instance(Consumer.class.getName()).orElseThrow();
        assertEquals("sample.Consumer", c.activatedWith.get(ComponentConstants.COMPONENT_NAME));
        assertTrue(c.lates.isEmpty());
    }

    @Test
    void dynamicReferencesFollowServicesThatComeAndGo() {
        scr.addBundles(List.of(bundle("d", Map.of("c.xml", consumerXml(), "g.xml", greeterXml()))));
        scr.activateAll();
        Consumer c = (Consumer) scr.instance("sample.Consumer").orElseThrow();
        ServiceRegistration reg = registry.register(List.of(LateService.class.getName()), new Plain(),
                                                    Map.of("tag", "one"), "test");
        assertEquals(1, c.lates.size());
        assertTrue(Events.LOG.contains("bind late one"));
        registry.unregister(reg);
        assertTrue(c.lates.isEmpty());
        assertTrue(Events.LOG.contains("unbind late"));
    }

    @Test
    void missingMandatoryReferenceLeavesComponentUnsatisfiedNamingTheInterface() {
        scr.addBundles(List.of(bundle("u", Map.of(
                "u.xml", plainXml("sample.Unsat", null, "org.fwlb.runtime.scr.sample.MissingService", "1..1", "static"),
                "o.xml", plainXml("sample.Optional", null, "org.fwlb.runtime.scr.sample.MissingService", "0..1", "static")))));
        assertEquals(1, scr.activateAll());
        assertEquals(ComponentState.UNSATISFIED, state("sample.Unsat"));
        assertTrue(reason("sample.Unsat").contains("org.fwlb.runtime.scr.sample.MissingService"), reason("sample.Unsat"));
        assertEquals(ComponentState.ACTIVE, state("sample.Optional"));
        assertNull(((Plain) scr.instance("sample.Optional").orElseThrow()).ref());
    }

    @Test
    void mandatoryCycleIsReportedAndNothingInItActivates() {
        String a = "org.fwlb.runtime.scr.sample.GreetingService";
        String b = "org.fwlb.runtime.scr.sample.LateService";
        scr.addBundles(List.of(bundle("c", Map.of(
                "a.xml", plainXml("cycle.A", a, b, "1..1", "static"),
                "b.xml", plainXml("cycle.B", b, a, "1..1", "static"),
                "c.xml", plainXml("needs.A", null, a, "1..1", "static")))));
        assertEquals(0, scr.activateAll());
        assertEquals(ComponentState.UNSATISFIED, state("cycle.A"));
        assertTrue(reason("cycle.A").contains("dependency cycle"), reason("cycle.A"));
        assertTrue(reason("cycle.A").contains("cycle.A") && reason("cycle.A").contains("cycle.B"), reason("cycle.A"));
        assertEquals(ComponentState.UNSATISFIED, state("needs.A"));
        assertTrue(reason("needs.A").contains("cycle.A"), reason("needs.A"));
    }

    @Test
    void cycleThroughAnOptionalDynamicReferenceIsBrokenThere() {
        String a = "org.fwlb.runtime.scr.sample.GreetingService";
        String b = "org.fwlb.runtime.scr.sample.LateService";
        scr.addBundles(List.of(bundle("s", Map.of(
                "b.xml", plainXml("soft.B", b, a, "1..1", "static"),
                "a.xml", plainXml("soft.A", a, b, "0..1", "dynamic")))));
        assertEquals(2, scr.activateAll());
        Plain softA = (Plain) scr.instance("soft.A").orElseThrow();
        Plain softB = (Plain) scr.instance("soft.B").orElseThrow();
        assertSame(softA, softB.ref(), "B got A statically");
        assertSame(softB, softA.ref(), "A got B when B registered (dynamic)");
    }

    @Test
    void failedActivationIsReportedAndDependentsStayUnsatisfied() {
        String failing = """
            <scr:component xmlns:scr="%s" name="sample.Failing" immediate="true">
              <service><provide interface="org.fwlb.runtime.scr.sample.LateService"/></service>
              <implementation class="org.fwlb.runtime.scr.sample.Failing"/>
            </scr:component>""".formatted(NS13);
        scr.addBundles(List.of(bundle("f", Map.of("f.xml", failing,
                "n.xml", plainXml("needs.Late", null, "org.fwlb.runtime.scr.sample.LateService", "1..1", "static")))));
        assertEquals(0, scr.activateAll());
        assertEquals(ComponentState.FAILED, state("sample.Failing"));
        assertTrue(reason("sample.Failing").contains("boom on purpose"));
        assertEquals(ComponentState.UNSATISFIED, state("needs.Late"));
        assertTrue(reason("needs.Late").contains("sample.Failing"), reason("needs.Late"));
        assertTrue(registry.lookup(LateService.class.getName()).isEmpty());
    }

    @Test
    void deactivatesInReverseOrderWithReason() {
        scr.addBundles(List.of(bundle("r", Map.of("c.xml", consumerXml(), "g.xml", greeterXml()))));
        scr.activateAll();
        Greeter g = (Greeter) scr.instance("sample.Greeter").orElseThrow();
        Events.LOG.clear();
        scr.deactivateAll();
        assertEquals(List.of("deactivate Consumer", "deactivate Greeter"), Events.LOG);
        assertEquals(ComponentConstants.DEACTIVATION_REASON_BUNDLE_STOPPED, g.deactivatedFor);
        assertTrue(registry.lookup(GreetingService.class.getName()).isEmpty());
        assertEquals(ComponentState.DEACTIVATED, state("sample.Greeter"));
    }

    @Test
    void configurationChangeCallsModifiedWithMergedProperties() {
        scr.addBundles(List.of(bundle("m", Map.of("g.xml", greeterXml()))));
        scr.activateAll();
        Greeter g = (Greeter) scr.instance("sample.Greeter").orElseThrow();
        scr.configurationChanged(Greeter.class.getName(), Map.of("greeting", "hi"));
        assertEquals("hi", g.modifiedWith.get("greeting"));
        assertEquals(7, g.modifiedWith.get("max"), "declared properties stay");
        assertEquals("sample.Greeter", g.modifiedWith.get(ComponentConstants.COMPONENT_NAME));
        assertEquals("hi you", g.greet("you"));
        assertSame(g, scr.instance("sample.Greeter").orElseThrow(), "modified keeps the instance");
        assertThrows(IllegalArgumentException.class, () -> scr.configurationChanged("no.such", Map.of()));
    }

    @Test
    void configurationChangeWithoutModifiedReactivatesComponentAndStaticDependents() {
        String nm = """
            <scr:component xmlns:scr="%s" name="sample.NoModified" immediate="true">
              <property name="level" type="Integer" value="1"/>
              <service><provide interface="org.fwlb.runtime.scr.sample.GreetingService"/></service>
              <implementation class="org.fwlb.runtime.scr.sample.NoModified"/>
            </scr:component>""".formatted(NS13);
        scr.addBundles(List.of(bundle("n", Map.of("n.xml", nm, "c.xml", consumerXml()))));
        assertEquals(2, scr.activateAll());
        Consumer before = (Consumer) scr.instance("sample.Consumer").orElseThrow();
        Events.LOG.clear();
        scr.configurationChanged("sample.NoModified", Map.of("level", "2"));
        assertEquals(List.of("deactivate Consumer", "deactivate NoModified", "activate NoModified 2",
                             "activate Consumer: nm consumer"), Events.LOG);
        assertEquals(2, NoModified.INSTANCES.size());
        assertNotSame(before, scr.instance("sample.Consumer").orElseThrow());
    }

    @Test
    void unsupportedFeaturesAreReportedNotIgnored() {
        String factory = "<scr:component xmlns:scr='" + NS13 + "' name='f' factory='x'>"
                + "<implementation class='org.fwlb.runtime.scr.sample.Plain'/></scr:component>";
        String disabled = "<scr:component xmlns:scr='" + NS13 + "' name='d' enabled='false'>"
                + "<implementation class='org.fwlb.runtime.scr.sample.Plain'/></scr:component>";
        scr.addBundles(List.of(bundle("x", Map.of("f.xml", factory, "d.xml", disabled))));
        assertEquals(0, scr.activateAll());
        assertEquals(ComponentState.UNSUPPORTED, state("f"));
        assertTrue(reason("f").contains("factory"));
        assertEquals(ComponentState.DISABLED, state("d"));
    }

    @Test
    void explicitActivateMethodThatDoesNotExistFailsTheComponent() {
        String xml = "<scr:component xmlns:scr='" + NS13 + "' name='m' activate='start'>"
                + "<implementation class='org.fwlb.runtime.scr.sample.Plain'/></scr:component>";
        scr.addBundles(List.of(bundle("a", Map.of("m.xml", xml))));
        scr.activateAll();
        assertEquals(ComponentState.FAILED, state("m"));
        assertTrue(reason("m").contains("activate method start not found"), reason("m"));
    }

    @Test
    void serviceTheClassDoesNotImplementFailsTheComponentAfterUndoingActivate() {
        String xml = """
            <scr:component xmlns:scr="%s" name="liar" immediate="true" activate="activate" deactivate="deactivate">
              <service><provide interface="org.fwlb.runtime.scr.sample.LateService"/></service>
              <implementation class="org.fwlb.runtime.scr.sample.Greeter"/>
            </scr:component>""".formatted(NS13);
        scr.addBundles(List.of(bundle("l", Map.of("l.xml", xml))));
        assertEquals(0, scr.activateAll());
        assertEquals(ComponentState.FAILED, state("liar"));
        assertTrue(reason("liar").contains("does not implement org.fwlb.runtime.scr.sample.LateService"), reason("liar"));
        assertEquals(List.of("activate Greeter", "deactivate Greeter"), Events.LOG);
        assertTrue(registry.lookup(LateService.class.getName()).isEmpty());
    }
}
