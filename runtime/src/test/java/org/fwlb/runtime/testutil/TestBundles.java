package org.fwlb.runtime.testutil;

import org.fwlb.runtime.scr.BundleInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds small bundle jars for tests: manifest headers, text resources (component XML, web.xml...) and
 * copies of test classes (so package scans find them; they still load from the test class loader).
 */
public final class TestBundles {

    private final String name;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    private TestBundles(String name) {
        this.name = name;
        headers.put("Bundle-SymbolicName", name);
    }

    /**
     * @param symbolicName bundle symbolic name
     * @return a builder
     */
    public static TestBundles bundle(String symbolicName) {
        return new TestBundles(symbolicName);
    }

    /**
     * @param header manifest header
     * @param value  value
     * @return this
     */
    public TestBundles header(String header, String value) {
        headers.put(header, value);
        return this;
    }

    /**
     * @param path    resource path
     * @param content text
     * @return this
     */
    public TestBundles resource(String path, String content) {
        entries.put(path, content.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /**
     * @param path  entry path
     * @param bytes content
     * @return this
     */
    public TestBundles entry(String path, byte[] bytes) {
        entries.put(path, bytes);
        return this;
    }

    /**
     * @param classes classes to copy into the jar (with their nested classes if listed)
     * @return this
     */
    public TestBundles classes(Class<?>... classes) {
        for (Class<?> c : classes) {
            String path = c.getName().replace('.', '/') + ".class";
            try (InputStream in = c.getClassLoader().getResourceAsStream(path)) {
                entries.put(path, in.readAllBytes());
            } catch (IOException | NullPointerException e) {
                throw new IllegalStateException("cannot copy " + c, e);
            }
        }
        return this;
    }

    /**
     * @param dir directory to write into
     * @return the bundle (classes load from the test class loader)
     */
    public BundleInfo build(Path dir) {
        Path jar = dir.resolve(name + ".jar");
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        headers.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, mf)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                jos.putNextEntry(new JarEntry(e.getKey()));
                jos.write(e.getValue());
                jos.closeEntry();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return BundleInfo.at(jar, TestBundles.class.getClassLoader());
    }
}
