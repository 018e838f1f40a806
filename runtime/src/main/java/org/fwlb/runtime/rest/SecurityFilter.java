package org.fwlb.runtime.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fwlb.runtime.security.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ReadListener;
import javax.servlet.ServletException;
import javax.servlet.ServletInputStream;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Guards one REST context, in this order:
 * <ol>
 * <li>HTTP BASIC authentication against the {@link UserStore}: 401 with {@code WWW-Authenticate} without
 *     valid credentials (ONOS: pax-web's BASIC login against the karaf realm);</li>
 * <li>the context's roles (its web.xml {@code auth-constraint}; ONOS's core REST: admin, viewer): 403 for a
 *     user with none of them;</li>
 * <li>for a changing request (any method but GET, HEAD, OPTIONS): 403 when its {@code Origin} is another
 *     site's, and 415 unless its body is {@code application/json} (required even without a body) — a browser
 *     cannot send that cross-site without a CORS preflight the runtime never grants, so a page the operator
 *     visits cannot use the credentials the browser remembers;</li>
 * <li>413 for a body above the limit.</li>
 * </ol>
 * The request then carries the user (principal, roles), so ONOS's {@code AuthorizationFilter} in the Jersey
 * applications decides as in ONOS: GET needs viewer, everything else admin. Errors are ONOS's JSON form.
 */
final class SecurityFilter implements Filter {

    private static final Logger log = LoggerFactory.getLogger(SecurityFilter.class);
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final UserStore users;
    private final Set<String> roles;
    private final String realm;
    private final long maxBody;

    /**
     * @param users   the users
     * @param roles   roles admitted to the context (empty: any authenticated user)
     * @param realm   realm named in the challenge
     * @param maxBody largest body in bytes
     */
    SecurityFilter(UserStore users, Set<String> roles, String realm, long maxBody) {
        this.users = users;
        this.roles = Set.copyOf(roles);
        this.realm = realm;
        this.maxBody = maxBody;
    }

    @Override
    public void init(FilterConfig filterConfig) {
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        String header = req.getHeader("Authorization");
        Optional<UserStore.User> user = authenticate(header);
        if (user.isEmpty()) {
            if (header != null) {
                log.info("REST: authentication failed from {} for {} {}", req.getRemoteAddr(), req.getMethod(),
                        req.getRequestURI());
            }
            resp.setHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
            error(resp, HttpServletResponse.SC_UNAUTHORIZED, header == null
                    ? "authentication required: give a user name and password (HTTP BASIC)"
                    : "wrong user name or password");
            return;
        }
        UserStore.User u = user.get();
        if (!roles.isEmpty() && roles.stream().noneMatch(u::hasRole)) {
            error(resp, HttpServletResponse.SC_FORBIDDEN, "user " + u.name() + " has none of the roles "
                    + String.join(", ", roles.stream().sorted().toList()) + " this API requires");
            return;
        }
        String method = req.getMethod().toUpperCase(Locale.ROOT);
        boolean changing = !SAFE_METHODS.contains(method);
        boolean hasBody = req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
        if (changing) {
            String origin = req.getHeader("Origin");
            if (origin != null && !sameOrigin(origin, req)) {
                error(resp, HttpServletResponse.SC_FORBIDDEN, "cross-origin request refused (Origin " + origin + ")");
                return;
            }
            if ((hasBody || !method.equals("DELETE")) && !isJson(req.getContentType())) {
                error(resp, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json"
                        + (req.getContentType() == null ? " (none given)" : " (got " + req.getContentType() + ")"));
                return;
            }
        }
        HttpServletRequest authenticated = new AuthenticatedRequest(req, u);
        if (req.getContentLengthLong() > maxBody) {
            tooLarge(resp, req.getContentLengthLong() + " bytes");
            return;
        }
        if (hasBody && req.getContentLengthLong() < 0) {
            // no declared length (chunked): read it here, at most maxBody + 1 bytes
            byte[] body = readUpTo(req.getInputStream(), maxBody + 1);
            if (body.length > maxBody) {
                tooLarge(resp, "more than " + maxBody + " bytes");
                return;
            }
            authenticated = new BufferedBodyRequest(authenticated, body);
        }
        chain.doFilter(authenticated, response);
    }

    private void tooLarge(HttpServletResponse resp, String size) throws IOException {
        error(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "request body of " + size
                + " is larger than the limit of " + maxBody + " bytes (--max-document-size)");
    }

    private Optional<UserStore.User> authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(header.substring(6).strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String pair = new String(raw, StandardCharsets.UTF_8);
        Arrays.fill(raw, (byte) 0);
        int colon = pair.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return users.authenticate(pair.substring(0, colon), pair.substring(colon + 1).toCharArray());
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip();
        return type.equalsIgnoreCase("application/json");
    }

    /** Whether an Origin header names the site the request was sent to (scheme, host and port). */
    static boolean sameOrigin(String origin, HttpServletRequest req) {
        String host = req.getHeader("Host");
        if (host == null) {
            return false;
        }
        try {
            URI o = new URI(origin);
            URI self = new URI(req.getScheme() + "://" + host);
            return o.getScheme() != null && o.getHost() != null
                    && o.getScheme().equalsIgnoreCase(self.getScheme())
                    && o.getHost().equalsIgnoreCase(self.getHost())
                    && port(o) == port(self);
        } catch (java.net.URISyntaxException e) {
            return false; // "null" (sandboxed or file: pages) and garbage are foreign
        }
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static byte[] readUpTo(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while (out.size() < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - out.size()))) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    static void error(HttpServletResponse resp, int status, String message) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("code", status);
        n.put("message", message);
        byte[] body = n.toString().getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    @Override
    public void destroy() {
    }

    /** The request as the authenticated user: ONOS's AuthorizationFilter reads these roles. */
    private static final class AuthenticatedRequest extends HttpServletRequestWrapper {
        private final UserStore.User user;
        private final Principal principal;

        AuthenticatedRequest(HttpServletRequest req, UserStore.User user) {
            super(req);
            this.user = user;
            this.principal = user::name;
        }

        @Override
        public boolean isUserInRole(String role) {
            return user.hasRole(role);
        }

        @Override
        public Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public String getRemoteUser() {
            return user.name();
        }

        @Override
        public String getAuthType() {
            return HttpServletRequest.BASIC_AUTH;
        }
    }

    /** A request whose body was read by the filter. */
    private static final class BufferedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBodyRequest(HttpServletRequest req, byte[] body) {
            super(req);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("setReadListener");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String cs = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    cs == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(cs)));
        }
    }
}
