package org.fwlb.runtime.scr;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Parses DS component XML (namespaces v1.0.0 to v1.5.0 and the namespace-less form) into
 * {@link ComponentDescription}s, following the Declarative Services specification's defaults.
 */
public final class ComponentXmlParser {

    private static final Logger log = LoggerFactory.getLogger(ComponentXmlParser.class);
    private static final String SCR_NS_PREFIX = "http://www.osgi.org/xmlns/scr/v1.";

    /**
     * Every component of a bundle, from the files its Service-Component header names.
     *
     * @param bundle the bundle
     * @return its component descriptions
     * @throws ComponentDescriptionException if a named file is missing or malformed
     */
    public List<ComponentDescription> parseBundle(BundleInfo bundle) {
        List<ComponentDescription> result = new ArrayList<>();
        String header = bundle.header(BundleInfo.SERVICE_COMPONENT).orElse("");
        for (String raw : header.split(",")) {
            String path = raw.split(";")[0].trim();
            if (path.isEmpty()) {
                continue;
            }
            List<String> files = bundle.glob(path);
            if (files.isEmpty() && !path.contains("*")) {
                throw new ComponentDescriptionException(bundle.name() + ": Service-Component names "
                        + path + " which is not in the bundle");
            }
            for (String file : files) {
                URL url = bundle.resource(file).orElseThrow();
                result.addAll(parse(bundle, file, url));
            }
        }
        return result;
    }

    /**
     * @param bundle declaring bundle
     * @param path   resource path (for messages)
     * @param url    where to read the XML
     * @return the components in that document
     */
    public List<ComponentDescription> parse(BundleInfo bundle, String path, URL url) {
        Document doc;
        try (InputStream in = open(url)) {
            doc = builder().parse(in);
        } catch (IOException | SAXException e) {
            throw new ComponentDescriptionException(bundle.name() + "/" + path + ": " + e.getMessage(), e);
        }
        List<ComponentDescription> out = new ArrayList<>();
        collect(doc.getDocumentElement(), bundle, path, out);
        return out;
    }

    private void collect(Element e, BundleInfo bundle, String path, List<ComponentDescription> out) {
        if (isComponent(e)) {
            out.add(component(e, bundle, path));
            return;
        }
        for (Element child : children(e, null)) {
            collect(child, bundle, path, out);
        }
    }

    private static boolean isComponent(Element e) {
        String ns = e.getNamespaceURI();
        return "component".equals(localName(e)) && (ns == null || ns.startsWith(SCR_NS_PREFIX));
    }

    private ComponentDescription component(Element e, BundleInfo bundle, String path) {
        String where = bundle.name() + "/" + path;
        Element impl = single(e, "implementation", where);
        if (impl == null || impl.getAttribute("class").isBlank()) {
            throw new ComponentDescriptionException(where + ": component without <implementation class>");
        }
        String implClass = impl.getAttribute("class").trim();
        String name = attr(e, "name", implClass);

        List<String> services = new ArrayList<>();
        String scope = "singleton";
        Element service = single(e, "service", where);
        if (service != null) {
            scope = attr(service, "scope", "true".equals(attr(service, "servicefactory", "false"))
                    ? "bundle" : "singleton");
            for (Element provide : children(service, "provide")) {
                services.add(provide.getAttribute("interface").trim());
            }
        }
        boolean immediate = Boolean.parseBoolean(attr(e, "immediate", services.isEmpty() ? "true" : "false"));
        if (!immediate && services.isEmpty()) {
            throw new ComponentDescriptionException(where + ": component " + name
                    + " provides no service and so must be immediate");
        }

        Map<String, Object> props = new LinkedHashMap<>();
        for (Element p : children(e, null)) {
            String ln = localName(p);
            if ("property".equals(ln)) {
                props.put(p.getAttribute("name"), PropertyValues.parse(p, where));
            } else if ("properties".equals(ln)) {
                props.putAll(propertiesFile(bundle, p.getAttribute("entry"), where));
            }
        }

        List<ReferenceDescription> refs = new ArrayList<>();
        for (Element r : children(e, "reference")) {
            refs.add(reference(r, where));
        }

        String factory = e.hasAttribute("factory") ? e.getAttribute("factory") : null;
        int init = Integer.parseInt(attr(e, "init", "0"));
        return new ComponentDescription(name, implClass, services, scope, immediate,
                Boolean.parseBoolean(attr(e, "enabled", "true")),
                attr(e, "configuration-policy", "optional"),
                attr(e, "activate", "activate"), e.hasAttribute("activate"),
                attr(e, "deactivate", "deactivate"), e.hasAttribute("deactivate"),
                e.hasAttribute("modified") ? e.getAttribute("modified") : null,
                factory, init, props, refs, bundle, path, e.getNamespaceURI());
    }

    private ReferenceDescription reference(Element r, String where) {
        String itf = r.getAttribute("interface").trim();
        if (itf.isEmpty()) {
            throw new ComponentDescriptionException(where + ": <reference> without interface");
        }
        String name = attr(r, "name", itf);
        String cardinality = attr(r, "cardinality", "1..1");
        boolean optional;
        boolean multiple;
        switch (cardinality) {
            case "0..1": optional = true; multiple = false; break;
            case "1..1": optional = false; multiple = false; break;
            case "0..n": optional = true; multiple = true; break;
            case "1..n": optional = false; multiple = true; break;
            default:
                throw new ComponentDescriptionException(where + ": reference " + name
                        + " has invalid cardinality " + cardinality);
        }
        String target = r.hasAttribute("target") ? r.getAttribute("target") : null;
        if (target != null) {
            log.warn("{}: reference {} has target filter {}; the fwlb runtime ignores target filters",
                     where, name, target);
        }
        return new ReferenceDescription(name, itf, optional, multiple,
                "dynamic".equals(attr(r, "policy", "static")),
                "greedy".equals(attr(r, "policy-option", "reluctant")),
                blankToNull(r.getAttribute("bind")), blankToNull(r.getAttribute("unbind")),
                blankToNull(r.getAttribute("updated")), blankToNull(r.getAttribute("field")),
                "update".equals(attr(r, "field-option", "replace")),
                attr(r, "field-collection-type", "service"), target);
    }

    private static Map<String, Object> propertiesFile(BundleInfo bundle, String entry, String where) {
        URL url = bundle.resource(entry).orElseThrow(() -> new ComponentDescriptionException(
                where + ": <properties entry=\"" + entry + "\"> is not in the bundle"));
        Properties p = new Properties();
        try (InputStream in = open(url)) {
            p.load(in);
        } catch (IOException e) {
            throw new ComponentDescriptionException(where + ": cannot read " + entry, e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        p.stringPropertyNames().stream().sorted().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Element> children(Element e, String localName) {
        List<Element> out = new ArrayList<>();
        NodeList nl = e.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            Node n = nl.item(i);
            if (n instanceof Element && (localName == null || localName.equals(localName((Element) n)))) {
                out.add((Element) n);
            }
        }
        return out;
    }

    private static Element single(Element e, String localName, String where) {
        List<Element> l = children(e, localName);
        if (l.size() > 1) {
            throw new ComponentDescriptionException(where + ": more than one <" + localName + ">");
        }
        return l.isEmpty() ? null : l.get(0);
    }

    static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }

    private static String attr(Element e, String name, String dflt) {
        return e.hasAttribute(name) ? e.getAttribute(name).trim() : dflt;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static InputStream open(URL url) throws IOException {
        URLConnection c = url.openConnection();
        c.setUseCaches(false);
        return c.getInputStream();
    }
}
