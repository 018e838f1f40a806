package org.fwlb.runtime.rest;

import org.fwlb.runtime.registry.RuntimeDirectories;
import org.fwlb.runtime.registry.ServiceRegistry;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.security.Principal;

/**
 * Wraps every request: binds the thread to the runtime's registry (so ONOS's static
 * {@code BaseResource.get} finds this runtime's services), uses the serving bundle's class loader, and
 * presents an authenticated user with ONOS's "admin" and "viewer" roles (the runtime has no
 * authentication; onlab-rest's AuthorizationFilter then admits the request as ONOS would an admin).
 */
final class RuntimeRequestFilter implements Filter {

    static final String USER = "fwlb-runtime";
    private static final Principal PRINCIPAL = () -> USER;

    private final ServiceRegistry registry;
    private final ClassLoader classLoader;

    RuntimeRequestFilter(ServiceRegistry registry, ClassLoader classLoader) {
        this.registry = registry;
        this.classLoader = classLoader;
    }

    @Override
    public void init(FilterConfig filterConfig) {
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        RuntimeDirectories.bind(registry);
        Thread.currentThread().setContextClassLoader(classLoader);
        try {
            chain.doFilter(new HttpServletRequestWrapper((HttpServletRequest) request) {
                @Override
                public boolean isUserInRole(String role) {
                    return "admin".equals(role) || "viewer".equals(role);
                }

                @Override
                public Principal getUserPrincipal() {
                    return PRINCIPAL;
                }

                @Override
                public String getRemoteUser() {
                    return USER;
                }
            }, response);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            RuntimeDirectories.unbind();
        }
    }

    @Override
    public void destroy() {
    }
}
