/**
 * The runtime's service registry and the small OSGi surface (Bundle, BundleContext, ServiceReference)
 * that lets onlab-osgi's {@code DefaultServiceDirectory} find runtime services without an OSGi framework.
 */
package org.fwlb.runtime.registry;
