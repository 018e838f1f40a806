package org.fwlb.runtime.scr;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * What the runtime knows of one bundle: its manifest headers and its resources (a jar or a directory),
 * plus the class loader its classes come from. The runtime loads every bundle's classes from one class
 * loader (no OSGi modularity): the bundle boundary only scopes manifests and resources.
 */
public final class BundleInfo {

    /** DS components header. */
    public static final String SERVICE_COMPONENT = "Service-Component";
    /** Karaf commands header (packages to scan for {@code @Command}). */
    public static final String KARAF_COMMANDS = "Karaf-Commands";
    /** Web context path header. */
    public static final String WEB_CONTEXT_PATH = "Web-ContextPath";

    private final String name;
    private final URL base;
    private final Manifest manifest;
    private final ClassLoader classLoader;

    private BundleInfo(String name, URL base, Manifest manifest, ClassLoader classLoader) {
        this.name = name;
        this.base = base;
        this.manifest = manifest;
        this.classLoader = classLoader;
    }

    /**
     * Every jar/directory on the class loader's path that has a manifest with any of the headers the
     * runtime acts on, in class path order.
     *
     * @param classLoader class loader to scan
     * @return the bundles found
     */
    public static List<BundleInfo> scan(ClassLoader classLoader) {
        List<BundleInfo> result = new ArrayList<>();
        try {
            Enumeration<URL> manifests = classLoader.getResources("META-INF/MANIFEST.MF");
            for (URL url : Collections.list(manifests)) {
                BundleInfo b = fromManifestUrl(url, classLoader);
                if (b.header(SERVICE_COMPONENT).isPresent() || b.header(KARAF_COMMANDS).isPresent()
                        || b.header(WEB_CONTEXT_PATH).isPresent()) {
                    result.add(b);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan the class path for bundles", e);
        }
        return result;
    }

    /**
     * @param manifestUrl URL of a META-INF/MANIFEST.MF
     * @param classLoader where the bundle's classes are loaded from
     * @return the bundle whose root contains that manifest
     */
    public static BundleInfo fromManifestUrl(URL manifestUrl, ClassLoader classLoader) {
        String s = manifestUrl.toString();
        String suffix = "META-INF/MANIFEST.MF";
        if (!s.endsWith(suffix)) {
            throw new IllegalArgumentException("not a manifest URL: " + s);
        }
        try (InputStream in = open(manifestUrl)) {
            Manifest mf = new Manifest(in);
            URL base = new URL(s.substring(0, s.length() - suffix.length()));
            String bsn = mf.getMainAttributes().getValue("Bundle-SymbolicName");
            String name = bsn != null ? bsn.split(";")[0].trim() : shortName(base);
            return new BundleInfo(name, base, mf, classLoader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifestUrl, e);
        }
    }

    /**
     * A bundle laid out as a directory or a jar (tests; bundles outside the class path still load their
     * classes from {@code classLoader}).
     *
     * @param location    directory or jar file
     * @param classLoader where the bundle's classes are loaded from
     * @return the bundle
     */
    public static BundleInfo at(Path location, ClassLoader classLoader) {
        try {
            URL mf = Files.isDirectory(location)
                    ? location.resolve("META-INF/MANIFEST.MF").toUri().toURL()
                    : new URL("jar:" + location.toUri() + "!/META-INF/MANIFEST.MF");
            return fromManifestUrl(mf, classLoader);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(location.toString(), e);
        }
    }

    /**
     * @param loader class loader for the bundle's classes
     * @return this bundle with another class loader
     */
    public BundleInfo withClassLoader(ClassLoader loader) {
        return new BundleInfo(name, base, manifest, loader);
    }

    /** @return the Bundle-ClassPath entries ("." when the header is absent) */
    public List<String> bundleClassPath() {
        Optional<String> h = header("Bundle-ClassPath");
        if (h.isEmpty()) {
            return List.of(".");
        }
        List<String> out = new ArrayList<>();
        for (String e : h.get().split(",")) {
            String entry = e.split(";")[0].trim();
            if (!entry.isEmpty()) {
                out.add(entry);
            }
        }
        return out;
    }

    /** @return Bundle-SymbolicName, or the jar/directory name */
    public String name() {
        return name;
    }

    /** @return the bundle root URL (ends with '/') */
    public URL base() {
        return base;
    }

    /** @return class loader of the bundle's classes */
    public ClassLoader classLoader() {
        return classLoader;
    }

    /**
     * @param header header name
     * @return its value, if present and not blank
     */
    public Optional<String> header(String header) {
        String v = manifest.getMainAttributes().getValue(header);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /**
     * @param path path inside the bundle, e.g. OSGI-INF/x.xml
     * @return its URL, if the resource exists
     */
    public Optional<URL> resource(String path) {
        try {
            URL url = new URL(base, path.startsWith("/") ? path.substring(1) : path);
            try (InputStream ignored = open(url)) {
                return Optional.of(url);
            } catch (IOException e) {
                return Optional.empty();
            }
        } catch (MalformedURLException e) {
            return Optional.empty();
        }
    }

    /**
     * Resources of a directory of the bundle matching a simple glob ({@code *} in the last segment),
     * as used by the Service-Component header ({@code OSGI-INF/*.xml}).
     *
     * @param pattern path with an optional '*' in the file name
     * @return matching paths, sorted
     */
    public List<String> glob(String pattern) {
        if (!pattern.contains("*")) {
            return resource(pattern).isPresent() ? List.of(pattern) : List.of();
        }
        int slash = pattern.lastIndexOf('/');
        String dir = slash < 0 ? "" : pattern.substring(0, slash + 1);
        String regex = pattern.substring(slash + 1).replace(".", "\\.").replace("*", ".*");
        List<String> out = new ArrayList<>();
        for (String entry : entries(dir)) {
            String file = entry.substring(dir.length());
            if (!file.contains("/") && file.matches(regex)) {
                out.add(entry);
            }
        }
        Collections.sort(out);
        return out;
    }

    /**
     * @param packageName a Java package
     * @return binary names of the classes of that package in this bundle (not sub-packages)
     */
    public List<String> classesOf(String packageName) {
        List<String> out = new ArrayList<>();
        for (String cp : bundleClassPath()) {
            if (cp.endsWith(".jar")) {
                continue; // nested jars: their classes are loadable, but not scanned
            }
            String prefix = cp.equals(".") || cp.equals("/") ? "" : (cp.endsWith("/") ? cp : cp + "/");
            String dir = prefix + packageName.replace('.', '/') + "/";
            for (String entry : entries(dir)) {
                String file = entry.substring(dir.length());
                if (!file.contains("/") && file.endsWith(".class") && !file.equals("package-info.class")
                        && !file.equals("module-info.class")) {
                    out.add(packageName + "." + file.substring(0, file.length() - ".class".length()));
                }
            }
        }
        Collections.sort(out);
        return out;
    }

    // Every entry (file) path under dir, recursively.
    private List<String> entries(String dir) {
        List<String> out = new ArrayList<>();
        try {
            if ("jar".equals(base.getProtocol())) {
                URLConnection c = base.openConnection();
                c.setUseCaches(false);
                try (JarFile jar = ((JarURLConnection) c).getJarFile()) {
                    for (JarEntry e : Collections.list(jar.entries())) {
                        if (!e.isDirectory() && e.getName().startsWith(dir)) {
                            out.add(e.getName());
                        }
                    }
                }
            } else if ("file".equals(base.getProtocol())) {
                Path root = Paths.get(base.toURI());
                Path d = root.resolve(dir);
                if (Files.isDirectory(d)) {
                    try (Stream<Path> s = Files.walk(d)) {
                        s.filter(Files::isRegularFile)
                                .forEach(p -> out.add(root.relativize(p).toString().replace('\\', '/')));
                    }
                }
            } else {
                throw new IllegalStateException("cannot list bundle " + name + " at " + base);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + " in bundle " + name, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(base.toString(), e);
        }
        return out;
    }

    private static InputStream open(URL url) throws IOException {
        URLConnection c = url.openConnection();
        c.setUseCaches(false); // do not pin jar files open
        return c.getInputStream();
    }

    private static String shortName(URL base) {
        String s = base.toString();
        if (s.endsWith("!/")) {
            s = s.substring(0, s.length() - 2);
        }
        if (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.substring(s.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return name + " (" + base + ")";
    }
}
