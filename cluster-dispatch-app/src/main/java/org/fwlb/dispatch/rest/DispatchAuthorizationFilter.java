package org.fwlb.dispatch.rest;

import javax.ws.rs.ForbiddenException;
import javax.ws.rs.container.ContainerRequestContext;
import javax.ws.rs.container.ContainerRequestFilter;
import javax.ws.rs.core.SecurityContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may call this app's REST: ONOS's rules (onlab-rest's {@code AuthorizationFilter}: reading needs the
 * role {@code viewer}, changing needs {@code admin}) with one addition for the L7/3 dispatcher processes. A
 * user with the role {@link #L7_REPORTER} may {@code POST l7/{id}/report} and {@code GET directory} and
 * nothing else, so a dispatcher host holds credentials that cannot drain a server or read the connection
 * table. This filter replaces ONOS's in {@link ClusterDispatchWebApplication}; the role must also be in the
 * web.xml auth-constraint, which the servlet container checks first.
 */
public class DispatchAuthorizationFilter implements ContainerRequestFilter {

    /** Role of the L7/3 dispatcher processes' user. */
    public static final String L7_REPORTER = "l7-reporter";

    private static final String ADMIN = "admin";
    private static final String VIEWER = "viewer";
    private static final Set<String> PRIVILEGED_METHODS = Set.of("POST", "PUT", "DELETE", "PATCH");
    private static final Pattern REPORT = Pattern.compile("/?l7/[^/]+/report/?");
    private static final Pattern DIRECTORY = Pattern.compile("/?directory/?");
    // ONOS's message, so a refusal reads the same as from any other ONOS REST API
    private static final String FORBIDDEN = "User has insufficient privilege for this request";

    @Override
    public void filter(ContainerRequestContext request) {
        SecurityContext who = request.getSecurityContext();
        String method = request.getMethod();
        String path = request.getUriInfo().getPath();
        boolean reporterCall = (method.equals("POST") && REPORT.matcher(path).matches())
                || (method.equals("GET") && DIRECTORY.matcher(path).matches());
        if (reporterCall && who.isUserInRole(L7_REPORTER)) {
            return;
        }
        if ((PRIVILEGED_METHODS.contains(method) && !who.isUserInRole(ADMIN)) || !who.isUserInRole(VIEWER)) {
            throw new ForbiddenException(FORBIDDEN);
        }
    }
}
