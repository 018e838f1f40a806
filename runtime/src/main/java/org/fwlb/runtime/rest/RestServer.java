package org.fwlb.runtime.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.fwlb.runtime.cfg.RuntimeComponentConfigManager;
import org.fwlb.runtime.cli.CliService;
import org.fwlb.runtime.netcfg.RuntimeNetworkConfigManager;
import org.fwlb.runtime.registry.ServiceRegistry;
import org.fwlb.runtime.scr.BundleInfo;
import org.onlab.metrics.MetricsService;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.onlab.rest.AuthorizationFilter;
import org.onlab.rest.exceptions.ForbiddenMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.DispatcherType;
import javax.servlet.Servlet;
import java.net.InetAddress;
import java.net.URL;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One Jetty server for every REST context of the runtime: ONOS's {@code /onos/v1} (network configuration,
 * component configuration), {@code /fwlb-runtime} (CLI, status), and each bundle that declares a
 * {@code Web-ContextPath} with a {@code WEB-INF/web.xml}, served at that path with the servlets its
 * web.xml declares (for ONOS apps: Jersey's ServletContainer with the app's {@code javax.ws.rs.Application}).
 * Every context is guarded by a {@link SecurityFilter} (BASIC auth, roles, JSON-only changes, body limit);
 * HTTPS when {@link RestSecurity#tls()} is set (TLS 1.2 and 1.3 only).
 */
public final class RestServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RestServer.class);

    /** ONOS's core REST context path. */
    public static final String ONOS_V1 = "/onos/v1";
    /** The runtime's own context path. */
    public static final String RUNTIME = "/fwlb-runtime";
    /** Roles ONOS's core REST admits (its web.xml auth-constraint). */
    static final Set<String> ONOS_ROLES = Set.of("admin", "viewer");

    private final ServiceRegistry registry;
    private final RuntimeNetworkConfigManager netcfg;
    private final RuntimeComponentConfigManager cfg;
    private final CliService cli;
    private final Supplier<ObjectNode> status;
    private final List<BundleInfo> bundles;
    private final RestSecurity security;
    private final Map<String, String> webContexts = new LinkedHashMap<>();
    private final List<String> webErrors = new ArrayList<>();
    private Server server;
    private ServerConnector connector;

    /**
     * @param registry runtime services (bound to request threads)
     * @param netcfg   network configuration
     * @param cfg      component configuration
     * @param cli      command runner
     * @param status   status report
     * @param bundles  bundles whose web contexts to serve
     * @param security users, HTTPS, body limit
     */
    public RestServer(ServiceRegistry registry, RuntimeNetworkConfigManager netcfg, RuntimeComponentConfigManager cfg,
                      CliService cli, Supplier<ObjectNode> status, List<BundleInfo> bundles, RestSecurity security) {
        this.registry = registry;
        this.netcfg = netcfg;
        this.cfg = cfg;
        this.cli = cli;
        this.status = status;
        this.bundles = bundles;
        this.security = security;
    }

    /**
     * @param address bind address
     * @param port    port (0: any free port)
     * @throws Exception if the server cannot start (e.g. port in use)
     */
    public void start(String address, int port) throws Exception {
        server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        if (security.tls() != null) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(security.tls().load("REST key store"));
            ssl.setKeyStorePassword(new String(security.tls().password()));
            ssl.setKeyManagerPassword(new String(security.tls().password()));
            ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
            http.setSecureScheme("https");
            // clients reach the runtime by IP address as often as by name: the certificate is theirs to check
            http.addCustomizer(new SecureRequestCustomizer(false));
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                                            new HttpConnectionFactory(http));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(address);
        connector.setPort(port);
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        server.setHandler(contexts);

        ResourceConfig onos = new ResourceConfig()
                .registerInstances(new NetworkConfigResource(netcfg), new ComponentConfigResource(cfg),
                                   new MetricsResource(registry.get(MetricsService.class)));
        contexts.addHandler(jersey(ONOS_V1, onos));
        contexts.addHandler(jersey(RUNTIME, new ResourceConfig().registerInstances(new RuntimeResource(cli, status,
                () -> registry.get(org.fwlb.runtime.RuntimeInfo.class).openflow()))));
        if (security.tls() == null && !InetAddress.getByName(address).isLoopbackAddress()) {
            log.warn("REST listens on {} over plain HTTP: passwords cross the network readable by anyone on the"
                     + " path; give it a key store (--rest-key-store) for HTTPS", address);
        }
        server.start();
        for (BundleInfo b : bundles) {
            Optional<String> path = b.header(BundleInfo.WEB_CONTEXT_PATH);
            if (path.isPresent()) {
                deploy(contexts, b, normalise(path.get()));
            }
        }
        log.info("REST listening on {}:{} ({}; users from {}); web contexts {}", address, boundPort(),
                 security.tls() == null ? "HTTP" : "HTTPS", security.users().file().map(Object::toString).orElse("memory"),
                 webContexts.keySet());
    }

    private static String normalise(String path) {
        String p = path.startsWith("/") ? path : "/" + path;
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private ServletContextHandler jersey(String path, ResourceConfig config) {
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        ctx.setContextPath(path);
        // as ONOS's core REST: its web.xml admits admin and viewer, its AuthorizationFilter lets a viewer only read
        config.register(AuthorizationFilter.class).register(ForbiddenMapper.class);
        ctx.addServlet(new ServletHolder(new ServletContainer(config)), "/*");
        guard(ctx, ONOS_ROLES, WebXml.KARAF_REALM, getClass().getClassLoader());
        webContexts.put(path, "fwlb-runtime");
        return ctx;
    }

    @SuppressWarnings("unchecked")
    private void deploy(ContextHandlerCollection contexts, BundleInfo bundle, String path) {
        String where = bundle.name() + " (" + path + ")";
        try {
            if (webContexts.containsKey(path)) {
                throw new IllegalStateException("context path " + path + " is already served by "
                        + webContexts.get(path));
            }
            URL webXml = bundle.resource("WEB-INF/web.xml").orElseThrow(() -> new IllegalStateException(
                    "Web-ContextPath " + path + " but no WEB-INF/web.xml"));
            WebXml xml = WebXml.parse(webXml);
            if (!xml.ignored().isEmpty()) {
                log.info("{}: web.xml elements not honoured by the fwlb runtime: {}", where, xml.ignored());
            }
            ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
            ctx.setContextPath(path);
            ctx.setClassLoader(bundle.classLoader());
            List<ServletHolder> holders = new ArrayList<>();
            for (WebXml.Servlet s : xml.servlets()) {
                Class<? extends Servlet> cls = (Class<? extends Servlet>) Class.forName(s.className(), true,
                                                                                        bundle.classLoader());
                ServletHolder h = new ServletHolder(s.name(), cls);
                h.setInitParameters(s.initParams());
                h.setInitOrder(s.loadOnStartup() < 0 ? 0 : s.loadOnStartup());
                for (String pattern : s.urlPatterns()) {
                    ctx.addServlet(h, pattern);
                }
                holders.add(h);
            }
            if (!xml.constrained()) {
                log.warn("{}: web.xml has no security constraint; the runtime still requires an authenticated user",
                         where);
            }
            guard(ctx, xml.authRoles(), xml.realm(), bundle.classLoader());
            contexts.addHandler(ctx);
            ctx.start();
            for (ServletHolder h : holders) {
                if (!h.isAvailable() || h.getUnavailableException() != null) {
                    ctx.stop();
                    contexts.removeHandler(ctx);
                    Throwable t = h.getUnavailableException();
                    throw new IllegalStateException("servlet " + h.getName() + " did not start"
                            + (t != null ? ": " + t : ""));
                }
            }
            webContexts.put(path, bundle.name());
            log.info("{}: web context deployed", where);
        } catch (Exception | LinkageError e) {
            String msg = where + ": web context not deployed: " + e.getMessage();
            webErrors.add(msg);
            log.error(msg, e);
        }
    }

    private void guard(ServletContextHandler ctx, Set<String> roles, String realm, ClassLoader loader) {
        EnumSet<DispatcherType> req = EnumSet.of(DispatcherType.REQUEST);
        ctx.addFilter(new FilterHolder(new SecurityFilter(security.users(), roles, realm, security.maxBodyBytes())),
                      "/*", req);
        ctx.addFilter(new FilterHolder(new RuntimeRequestFilter(registry, loader)), "/*", req);
    }

    /** @return the port the server listens on */
    public int boundPort() {
        return connector == null ? -1 : connector.getLocalPort();
    }

    /** @return served context paths → serving bundle */
    public Map<String, String> webContexts() {
        return Map.copyOf(webContexts);
    }

    /** @return web contexts that failed to deploy */
    public List<String> webErrors() {
        return List.copyOf(webErrors);
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                log.warn("REST server stop failed", e);
            }
            server = null;
        }
    }
}
