package org.fwlb.runtime.scr;

import org.fwlb.runtime.registry.ServiceRegistry;
import org.fwlb.runtime.scr.sample.GreetingService;
import org.fwlb.runtime.testutil.TestBundles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A component whose class exists only under the bundle's Bundle-ClassPath (WEB-INF/classes), as in ONOS web bundles. */
class BundleClassPathTest {

    @TempDir
    Path dir;

    @Test
    void loadsComponentClassesFromTheBundleClassPath() throws Exception {
        Path src = dir.resolve("src/tmp/wab/Hidden.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package tmp.wab;\npublic class Hidden implements "
                + GreetingService.class.getName() + " {\n public String greet(String w) { return \"hidden \" + w; }\n}\n");
        Path out = dir.resolve("classes");
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-cp", System.getProperty("java.class.path"),
                                  "-d", out.toString(), src.toString()));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("tmp.wab.Hidden"));

        BundleInfo raw = TestBundles.bundle("wab").header("Bundle-ClassPath", "WEB-INF/classes")
                .header("Service-Component", "OSGI-INF/hidden.xml")
                .entry("WEB-INF/classes/tmp/wab/Hidden.class", Files.readAllBytes(out.resolve("tmp/wab/Hidden.class")))
                .resource("OSGI-INF/hidden.xml", "<scr:component xmlns:scr='http://www.osgi.org/xmlns/scr/v1.3.0'"
                        + " name='hidden' immediate='true'><service><provide interface='"
                        + GreetingService.class.getName() + "'/></service>"
                        + "<implementation class='tmp.wab.Hidden'/></scr:component>")
                .build(dir);
        assertEquals(List.of("WEB-INF/classes"), raw.bundleClassPath());
        assertEquals(List.of("tmp.wab.Hidden"), raw.classesOf("tmp.wab"));

        List<BundleInfo> bundles = BundleClassPath.apply(List.of(raw), getClass().getClassLoader());
        ServiceRegistry registry = new ServiceRegistry();
        ComponentRuntime scr = new ComponentRuntime(registry);
        scr.addBundles(bundles);
        assertEquals(1, scr.activateAll(), scr.status().toString());
        assertEquals("hidden you", registry.find(GreetingService.class).orElseThrow().greet("you"));
    }
}
