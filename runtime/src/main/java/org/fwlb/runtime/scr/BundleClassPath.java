package org.fwlb.runtime.scr;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Honours the {@code Bundle-ClassPath} header: bundles that keep classes elsewhere than at their root
 * (ONOS web bundles put them in {@code WEB-INF/classes}; some embed jars) get one shared class loader
 * over those locations, whose parent is the runtime's class loader. Like the rest of the runtime it is
 * one flat namespace, not OSGi's per-bundle isolation.
 */
public final class BundleClassPath {

    private static final Logger log = LoggerFactory.getLogger(BundleClassPath.class);

    private BundleClassPath() {
    }

    /**
     * @param bundles bundles
     * @param parent  the runtime's class loader
     * @return the bundles, those with extra class path entries (and all others, for one namespace) loading
     *         through a class loader that covers them; the same list if no bundle needs one
     */
    public static List<BundleInfo> apply(List<BundleInfo> bundles, ClassLoader parent) {
        List<URL> urls = new ArrayList<>();
        for (BundleInfo b : bundles) {
            for (String entry : b.bundleClassPath()) {
                if (entry.equals(".") || entry.equals("/")) {
                    continue;
                }
                try {
                    urls.add(entry.endsWith(".jar") ? extract(b, entry)
                            : new URL(b.base(), entry.endsWith("/") ? entry : entry + "/"));
                } catch (IOException e) {
                    log.error("bundle {}: Bundle-ClassPath entry {} not usable: {}", b.name(), entry, e.toString());
                }
            }
        }
        if (urls.isEmpty()) {
            return bundles;
        }
        log.debug("bundle class path entries: {}", urls);
        ClassLoader loader = new URLClassLoader("fwlb-bundles", urls.toArray(new URL[0]), parent);
        List<BundleInfo> out = new ArrayList<>();
        bundles.forEach(b -> out.add(b.withClassLoader(loader)));
        return out;
    }

    private static URL extract(BundleInfo b, String entry) throws IOException {
        URL inner = b.resource(entry).orElseThrow(() -> new IOException(entry + " is not in the bundle"));
        Path tmp = Files.createTempFile("fwlb-" + b.name() + "-", ".jar");
        tmp.toFile().deleteOnExit();
        URLConnection c = inner.openConnection();
        c.setUseCaches(false);
        try (InputStream in = c.getInputStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            return tmp.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }
}
