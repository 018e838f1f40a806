package org.fwlb.runtime.rest;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a bundle's {@code WEB-INF/web.xml} the runtime honours: servlets (class, init parameters,
 * load-on-startup) and their URL patterns. Security constraints and login configuration are read only
 * to be reported as ignored (the runtime has no authentication).
 *
 * @param servlets servlets with their mappings
 * @param ignored  elements present but not honoured
 */
record WebXml(List<Servlet> servlets, List<String> ignored) {

    /**
     * @param name         servlet name
     * @param className    servlet class
     * @param initParams   init parameters
     * @param loadOnStartup load-on-startup (-1 if absent)
     * @param urlPatterns  mapped URL patterns
     */
    record Servlet(String name, String className, Map<String, String> initParams, int loadOnStartup,
                   List<String> urlPatterns) {
    }

    static WebXml parse(URL url) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc;
        URLConnection c = url.openConnection();
        c.setUseCaches(false);
        try (InputStream in = c.getInputStream()) {
            doc = f.newDocumentBuilder().parse(in);
        }
        Element root = doc.getDocumentElement();
        Map<String, Servlet> servlets = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        for (Element e : children(root)) {
            switch (local(e)) {
                case "servlet": {
                    Map<String, String> params = new LinkedHashMap<>();
                    for (Element p : children(e, "init-param")) {
                        params.put(text(p, "param-name"), text(p, "param-value"));
                    }
                    String los = text(e, "load-on-startup");
                    Servlet s = new Servlet(text(e, "servlet-name"), text(e, "servlet-class"), params,
                                            los.isEmpty() ? -1 : Integer.parseInt(los), new ArrayList<>());
                    servlets.put(s.name(), s);
                    break;
                }
                case "servlet-mapping": {
                    Servlet s = servlets.get(text(e, "servlet-name"));
                    if (s == null) {
                        throw new IllegalArgumentException("servlet-mapping for unknown servlet " + text(e, "servlet-name"));
                    }
                    for (Element p : children(e, "url-pattern")) {
                        s.urlPatterns().add(p.getTextContent().trim());
                    }
                    break;
                }
                case "display-name":
                case "description":
                    break;
                default:
                    ignored.add(local(e));
            }
        }
        return new WebXml(new ArrayList<>(servlets.values()), ignored);
    }

    private static String local(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }

    private static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        NodeList nl = e.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            Node n = nl.item(i);
            if (n instanceof Element) {
                out.add((Element) n);
            }
        }
        return out;
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        for (Element c : children(e)) {
            if (local(c).equals(name)) {
                out.add(c);
            }
        }
        return out;
    }

    private static String text(Element e, String name) {
        List<Element> l = children(e, name);
        return l.isEmpty() ? "" : l.get(0).getTextContent().trim();
    }
}
