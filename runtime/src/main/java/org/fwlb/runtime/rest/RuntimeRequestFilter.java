package org.fwlb.runtime.rest;

import org.fwlb.runtime.registry.RuntimeDirectories;
import org.fwlb.runtime.registry.ServiceRegistry;

import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import java.io.IOException;

/**
 * Binds every request's thread to the runtime's registry (so ONOS's static {@code BaseResource.get} finds this
 * runtime's services) and uses the serving bundle's class loader. Runs after {@link SecurityFilter}.
 */
final class RuntimeRequestFilter implements Filter {

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
            chain.doFilter(request, response);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
            RuntimeDirectories.unbind();
        }
    }

    @Override
    public void destroy() {
    }
}
