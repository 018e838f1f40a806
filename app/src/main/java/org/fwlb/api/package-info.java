/**
 * Service interfaces of the fwlb applications (topology, member state, firewall sandwich, dispatch),
 * shared by the app bundles, the Karaf commands and the REST resources.
 */
package org.fwlb.api;
