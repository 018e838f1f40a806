package org.fwlb.runtime.scr;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import org.fwlb.runtime.registry.ServiceRegistration;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.fwlb.runtime.scr.bnd.BndExtra;
import org.fwlb.runtime.scr.bnd.BndService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.onosproject.codec.CodecService;
import org.onosproject.core.CoreService;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Components described by real bnd output: bnd 6 (what maven-bundle-plugin 5.1.9 runs) processing
 * annotated test classes, and ONOS's own onos-core-common jar (bnd 4.1) from the class path.
 */
class BndGeneratedComponentsTest {

    @TempDir
    Path dir;

    private BundleInfo bndBundle() throws Exception {
        File out = dir.resolve("bnd-sample.jar").toFile();
        try (Builder b = new Builder()) {
            b.setProperty("Bundle-SymbolicName", "bnd-sample");
            b.setProperty("Private-Package", "org.fwlb.runtime.scr.bnd");
            b.setProperty("-dsannotations", "*");
            b.setProperty("-noimportjava", "true");
            b.addClasspath(new File("target/test-classes"));
            Jar jar = b.build();
            assertTrue(b.getErrors().isEmpty(), "bnd errors: " + b.getErrors());
            jar.write(out);
        }
        return BundleInfo.at(out.toPath(), getClass().getClassLoader());
    }

    @Test
    void hostsComponentsFromBndGeneratedXml() throws Exception {
        BundleInfo bundle = bndBundle();
        assertTrue(bundle.header("Service-Component").isPresent());
        List<ComponentDescription> ds = new ComponentXmlParser().parseBundle(bundle);
        assertEquals(2, ds.size());
        ComponentDescription provider = ds.stream()
                .filter(d -> d.name().equals("org.fwlb.runtime.scr.bnd.BndProvider")).findFirst().orElseThrow();
        assertEquals(3, provider.properties().get("size"));
        assertEquals("modified", provider.modified());
        assertTrue(provider.namespace().startsWith("http://www.osgi.org/xmlns/scr/v1."), provider.namespace());

        ServiceRegistry registry = new ServiceRegistry();
        ComponentRuntime scr = new ComponentRuntime(registry);
        scr.addBundles(List.of(bundle));
        assertEquals(2, scr.activateAll(), scr.status().toString());
        Object consumer = scr.instance("org.fwlb.runtime.scr.bnd.BndConsumer").orElseThrow();
        assertEquals(3, field(consumer, "sizeAtActivation"));
        assertSame(registry.find(BndService.class).orElseThrow(), field(consumer, "service"));

        BndExtra extra = new BndExtra() { };
        ServiceRegistration reg = registry.register(List.of(BndExtra.class.getName()), extra, Map.of(), "test");
        assertEquals(List.of(extra), field(consumer, "extras"));
        assertSame(extra, field(consumer, "optionalExtra"));
        registry.unregister(reg);
        assertEquals(List.of(), field(consumer, "extras"));
        assertEquals(null, field(consumer, "optionalExtra"));

        scr.configurationChanged("org.fwlb.runtime.scr.bnd.BndProvider", Map.of("size", "9"));
        assertEquals(9, registry.find(BndService.class).orElseThrow().size());
        Object providerInstance = scr.instance("org.fwlb.runtime.scr.bnd.BndProvider").orElseThrow();
        scr.deactivateAll();
        assertEquals(true, field(providerInstance, "deactivated"));
        assertTrue(registry.find(BndService.class).isEmpty());
    }

    @Test
    void hostsOnosOwnComponentsFromTheClassPath() {
        List<BundleInfo> bundles = BundleInfo.scan(getClass().getClassLoader());
        assertTrue(bundles.stream().anyMatch(b -> b.name().equals("org.onosproject.onos-core-common")),
                   bundles.toString());
        ServiceRegistry registry = new ServiceRegistry();
        registry.registerBuiltIn(CoreService.class, new org.fwlb.runtime.core.RuntimeCoreService());
        ComponentRuntime scr = new ComponentRuntime(registry);
        scr.addBundles(bundles);
        scr.activateAll();
        CodecService codecs = registry.find(CodecService.class).orElseThrow();
        assertNotNull(codecs.getCodec(org.onosproject.net.Device.class), "ONOS's device codec registered");
        assertEquals(ComponentState.ACTIVE, scr.status().stream()
                .filter(s -> s.name().equals("org.onosproject.cli.CliComponent")).findFirst().orElseThrow().state());
    }

    private static Object field(Object target, String name) throws Exception {
        var f = target.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
    }
}
