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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parts of a bundle's {@code WEB-INF/web.xml} the runtime honours: servlets (class, init parameters,
 * load-on-startup) and their URL patterns, the roles of the security constraints' {@code auth-constraint}s
 * and the login configuration's realm. A constraint is applied to the whole context whatever its URL pattern
 * (ONOS apps use {@code /*}); other patterns and HTTP-method lists are reported as not honoured.
 *
 * @param servlets    servlets with their mappings
 * @param constrained whether the web.xml has a security constraint
 * @param authRoles   roles its auth-constraints admit
 * @param realm       login realm (ONOS: karaf), or "karaf" when none is given
 * @param ignored     elements present but not honoured
 */
record WebXml(List<Servlet> servlets, boolean constrained, Set<String> authRoles, String realm,
              List<String> ignored) {

    /** ONOS's login realm. */
    static final String KARAF_REALM = "karaf";

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
        Set<String> roles = new LinkedHashSet<>();
        boolean constrained = false;
        String realm = KARAF_REALM;
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
                case "security-constraint":
                    constrained = true;
                    for (Element coll : children(e, "web-resource-collection")) {
                        for (Element p : children(coll)) {
                            String n = local(p);
                            if ((n.equals("url-pattern") && !p.getTextContent().trim().equals("/*"))
                                    || n.equals("http-method") || n.equals("http-method-omission")) {
                                ignored.add("security-constraint " + n + " " + p.getTextContent().trim()
                                        + " (the constraint applies to the whole context)");
                            }
                        }
                    }
                    for (Element a : children(e, "auth-constraint")) {
                        for (Element r : children(a, "role-name")) {
                            roles.add(r.getTextContent().trim());
                        }
                    }
                    break;
                case "login-config": {
                    String method = text(e, "auth-method");
                    if (!method.isEmpty() && !method.equalsIgnoreCase("BASIC")) {
                        ignored.add("login-config auth-method " + method + " (the runtime uses BASIC)");
                    }
                    if (!text(e, "realm-name").isEmpty()) {
                        realm = text(e, "realm-name");
                    }
                    break;
                }
                case "security-role":
                case "display-name":
                case "description":
                    break;
                default:
                    ignored.add(local(e));
            }
        }
        return new WebXml(new ArrayList<>(servlets.values()), constrained, roles, realm, ignored);
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
