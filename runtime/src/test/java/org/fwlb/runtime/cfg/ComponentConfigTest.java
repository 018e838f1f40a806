package org.fwlb.runtime.cfg;

import org.fwlb.runtime.cfg.sample.Tunable;
import org.fwlb.runtime.cfg.sample.TunableNoCfgdef;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.fwlb.runtime.scr.BundleInfo;
import org.fwlb.runtime.scr.ComponentRuntime;
import org.fwlb.runtime.testutil.TestBundles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onosproject.cfg.ComponentConfigService;
import org.onosproject.cfg.ConfigProperty;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComponentConfigTest {

    private static final String T = Tunable.class.getName();
    private static final String N = TunableNoCfgdef.class.getName();

    @TempDir
    Path dir;

    private ComponentRuntime scr;
    private RuntimeComponentConfigManager cfg;

    private static String xml(String cls) {
        return """
            <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="%s" immediate="true"
                           activate="activate" modified="modified" deactivate="deactivate">
              <property name="maxConnections" type="Integer" value="100"/>
              <property name="mode" type="String" value="pinned"/>
              <reference name="cfgService" interface="org.onosproject.cfg.ComponentConfigService" field="cfgService"/>
              <implementation class="%s"/>
            </scr:component>""".formatted(cls, cls);
    }

    @BeforeEach
    void setUp() {
        ServiceRegistry registry = new ServiceRegistry();
        scr = new ComponentRuntime(registry);
        cfg = new RuntimeComponentConfigManager(scr);
        scr.setConfigurationSource(cfg);
        registry.registerBuiltIn(ComponentConfigService.class, cfg);
        BundleInfo b = TestBundles.bundle("cfg-sample").header("Service-Component", "OSGI-INF/*.xml")
                .resource("OSGI-INF/t.xml", xml(T)).resource("OSGI-INF/n.xml", xml(N)).build(dir);
        scr.addBundles(List.of(b));
    }

    private Tunable tunable(String name) {
        return (Tunable) scr.instance(name).orElseThrow();
    }

    @Test
    void propertiesComeFromCfgdefOrFromTheComponentDescription() {
        cfg.preSetProperty(N, "mode", "static-hash");
        assertEquals(2, scr.activateAll());
        ConfigProperty max = cfg.getProperty(T, "maxConnections");
        assertEquals(ConfigProperty.Type.INTEGER, max.type());
        assertEquals("Maximum number of connections", max.description());
        assertEquals("100", max.defaultValue());
        ConfigProperty fromXml = cfg.getProperty(N, "maxConnections");
        assertEquals(ConfigProperty.Type.INTEGER, fromXml.type());
        assertTrue(fromXml.description().contains("DS properties"));
        assertEquals(java.util.Set.of(T, N), cfg.getComponentNames());
        // typed values from the description at activation...
        assertEquals(100, tunable(T).props.get("maxConnections"));
        // ...a preset value arrives with the activation
        assertEquals("static-hash", tunable(N).props.get("mode"));
    }

    @Test
    void setPropertyValidatesThenCallsModified() {
        scr.activateAll();
        Tunable t = tunable(T);
        cfg.setProperty(T, "maxConnections", "200");
        assertEquals(1, t.modifiedCount);
        assertEquals("200", t.props.get("maxConnections"), "strings, as ONOS hands ConfigurationAdmin");
        assertEquals("pinned", t.props.get("mode"));
        assertEquals("200", cfg.getProperty(T, "maxConnections").value());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> cfg.setProperty(T, "maxConnections", "lots"));
        assertTrue(bad.getMessage().contains("'lots'") && bad.getMessage().contains("INTEGER"), bad.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> cfg.setProperty(T, "maxConnection", "1"));
        assertTrue(unknown.getMessage().contains("maxConnection") && unknown.getMessage().contains("mode"),
                   unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cfg.setProperty("no.Such", "x", "1"));
        assertEquals(1, t.modifiedCount, "rejected values change nothing");
        assertEquals("200", cfg.getProperty(T, "maxConnections").value());

        cfg.unsetProperty(T, "maxConnections");
        assertEquals(2, t.modifiedCount);
        assertEquals("100", t.props.get("maxConnections"));
        assertTrue(!cfg.getProperty(T, "maxConnections").isSet());
    }

    @Test
    void unknownComponentHasNoProperties() {
        scr.activateAll();
        assertNull(cfg.getProperties("no.Such"));
    }

    @Test
    void builtInComponentsOfferTheirPropertiesLikeHostedOnes() {
        String frm = "org.onosproject.net.flow.impl.FlowRuleManager";
        List<java.util.Map<String, String>> applied = new java.util.ArrayList<>();
        cfg.registerBuiltIn(frm, List.of(ConfigProperty.defineProperty("allowExtraneousRules",
                ConfigProperty.Type.BOOLEAN, "false", "Allow flow rules in switch not installed by ONOS")), applied::add);
        assertTrue(cfg.getComponentNames().contains(frm));
        assertEquals("false", cfg.getProperty(frm, "allowExtraneousRules").value());
        cfg.setProperty(frm, "allowExtraneousRules", "true");
        assertEquals(List.of(java.util.Map.of("allowExtraneousRules", "true")), applied);
        assertThrows(IllegalArgumentException.class, () -> cfg.setProperty(frm, "allowExtraneousRules", "maybe"));
        assertEquals(1, applied.size(), "a bad value changes nothing");
        cfg.unsetProperty(frm, "allowExtraneousRules");
        assertEquals(java.util.Map.of("allowExtraneousRules", "false"), applied.get(1));
    }
}
